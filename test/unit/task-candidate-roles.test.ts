/**
 * Task candidate roles (issue 11 item 2, ADR 0013): the API's check over EVERY built-in user task — a
 * caller working as a role among the task's candidate roles may work it, any other may not; a caller
 * limited by `task-role:<role>` permissions works as those roles only. The case workflow's own check
 * (the Update validator) is driven on the real stack by test/integration/task-candidate-roles.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AGENCY_ROLES, ROLES, type Principal, type Role } from '../../api/auth/principal.js';
import { actingRoles, mayWork } from '../../api/routes/tasks.js';
import { API_ROLE_OF, ROLE } from '../../processes/builtin/build.js';
import { BUILTIN_DEFINITIONS } from '../../processes/builtin/index.js';

interface UserTask {
  id: string;
  name?: string;
  candidateRoles: string[];
}
const tasks: Array<{ definition: string } & UserTask> = BUILTIN_DEFINITIONS.flatMap((d) =>
  (d.nodes as unknown as Array<{ type: string } & UserTask>)
    .filter((n) => n.type === 'userTask')
    .map((n) => ({ definition: `${d.key}@${d.version}`, id: n.id, name: n.name, candidateRoles: n.candidateRoles })),
);
const FUNCTIONAL = [...new Set([...Object.values(ROLE), ...Object.keys(API_ROLE_OF)])];

const person = (roles: Role[], permissions: string[] = []): Principal => ({
  type: 'user',
  id: 'p',
  agencyId: 'so-tnmt',
  roles,
  permissions,
});

describe('candidate roles of every built-in user task', () => {
  it('covers the built-in definitions (every user task of every version)', () => {
    expect(tasks.length).toBeGreaterThan(200);
    // Every task can be worked by some API role (built-ins list the API role of each business role).
    for (const t of tasks)
      expect(
        t.candidateRoles.some((r) => (ROLES as readonly string[]).includes(r)),
        `${t.definition} ${t.id}`,
      ).toBe(true);
  });

  it.each(AGENCY_ROLES.map((r) => [r]))('API role %s: may work exactly the tasks listing it', (role) => {
    let allowed = 0;
    for (const t of tasks) {
      const may = mayWork(t.candidateRoles, person([role]));
      expect(may, `${role} on ${t.definition} ${t.id} (${t.candidateRoles.join(', ')})`).toBe(
        t.candidateRoles.includes(role),
      );
      if (may) allowed++;
    }
    if (role === 'admin' || role === 'auditor') expect(allowed).toBe(0);
  });

  it.each(FUNCTIONAL.map((r) => [r]))(
    "a caller limited to task-role:%s works exactly that role's tasks, whatever its API roles",
    (fn) => {
      for (const t of tasks) {
        const limited = person(['intake', 'officer', 'supervisor', 'admin'], [`task-role:${fn}`]);
        expect(mayWork(t.candidateRoles, limited), `${fn} on ${t.definition} ${t.id}`).toBe(
          t.candidateRoles.includes(fn),
        );
      }
    },
  );

  it("the reproductions: an intake clerk and the head's overdue review; a letter officer and the resolver's task", () => {
    const review = tasks.find((t) => t.id === 'overdue.headReview')!;
    expect(review.candidateRoles).toEqual(['agency_head', 'supervisor']);
    expect(mayWork(review.candidateRoles, person(['intake']))).toBe(false);
    expect(mayWork(review.candidateRoles, person(['supervisor']))).toBe(true);
    const resolverTask = tasks.find(
      (t) => t.candidateRoles.includes('resolver') && !t.candidateRoles.includes('letter_officer'),
    )!;
    expect(mayWork(resolverTask.candidateRoles, person(['intake', 'officer'], ['task-role:letter_officer']))).toBe(
      false,
    );
    expect(mayWork(resolverTask.candidateRoles, person(['officer'], ['task-role:resolver']))).toBe(true);
  });

  it('acting roles: task-role permissions narrow; none = the API roles', () => {
    expect(actingRoles(person(['officer', 'supervisor']))).toEqual(['officer', 'supervisor']);
    expect(actingRoles(person(['officer'], ['identity:read', 'task-role:resolver', 'task-role:verifier']))).toEqual([
      'resolver',
      'verifier',
    ]);
  });
});
