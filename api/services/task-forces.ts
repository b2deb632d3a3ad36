/**
 * Task forces (tổ công tác, issue 15.3, ADR 0037): set up by a supervisor whose agency subtree holds every
 * member's agency (the task force is governed by the supervisor's agency), changed and audited in one
 * transaction each; and the access its members have to the cases it works, outside their own subtree —
 * granted case by case, audited at each use, ending with the end date or the member's removal.
 */
import type { AgencyScope } from '../auth/agencies.js';
import { randomUUID } from 'node:crypto';
import type { AuditInput, AuditStore } from '../../db/audit.js';
import type { CaseStore } from '../../db/cases.js';
import type { Db } from '../../db/knex.js';
import type { MatterStore } from '../../db/matters.js';
import type { AssignmentKind, TaskForceDetail, TaskForceStore } from '../../db/task-forces.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import type { Principal } from '../auth/principal.js';
import { HttpProblem, problems } from '../problem.js';
import { unprocessable } from './reception.js';

type AuditActor = AuditInput['actor'];

export interface NewTaskForce {
  name: string;
  /** The agency that governs it: its subtree holds every member's agency and every matter and case. */
  governingAgencyId: string;
  mandate: string;
  leadPersonId: string;
  members: ReadonlyArray<{ personId: string; agencyId?: string | undefined }>;
  periodId: string | null;
  endsOn: string;
  matterIds: readonly string[];
  caseIds: readonly string[];
}

export function createTaskForceService(d: {
  db: Db;
  store: TaskForceStore;
  audit: Pick<AuditStore, 'append'>;
  matters: Pick<MatterStore, 'get'>;
  cases: Pick<CaseStore, 'get'>;
  /** Agencies a person of the directory is staff of. */
  membershipAgencies(personId: string): Promise<string[]>;
  /** The agency tree: a task force reaches only what lies within its governing agency's subtree. */
  agencies: Pick<AgencyScope, 'isWithin' | 'subtree'>;
}) {
  const today = () => vnDate(Date.now());

  /** The agency a member acts for: the one named, else their only membership within `subtree`. */
  async function memberAgency(
    path: string,
    m: { personId: string; agencyId?: string | undefined },
    subtree: readonly string[],
  ): Promise<string> {
    const at = (f: string) => (path ? `${path}.${f}` : f);
    const agencies = await d.membershipAgencies(m.personId);
    if (agencies.length === 0) throw unprocessable(at('personId'), `no staff member ${m.personId} in the directory`);
    if (m.agencyId !== undefined) {
      if (!agencies.includes(m.agencyId))
        throw unprocessable(at('agencyId'), `${m.personId} is not staff of ${m.agencyId}`);
      if (!subtree.includes(m.agencyId))
        throw unprocessable(at('agencyId'), `${m.agencyId} is outside your agency subtree`);
      return m.agencyId;
    }
    const inside = agencies.filter((a) => subtree.includes(a));
    if (inside.length === 0)
      throw unprocessable(
        at('personId'),
        `${m.personId} is staff of no agency in your subtree: a supervisor above all the members' agencies sets it up`,
      );
    if (inside.length > 1)
      throw unprocessable(at('agencyId'), `${m.personId} is staff of several agencies: name the one they act for`);
    return inside[0]!;
  }

  /** The agency of the matter or case `refId`, which must be within `subtree` (422 naming `path`). */
  async function assignable(path: string, kind: AssignmentKind, refId: string, subtree: readonly string[]) {
    const agencyId = kind === 'matter' ? (await d.matters.get(refId))?.agencyId : (await d.cases.get(refId))?.agencyId;
    if (!agencyId || !subtree.includes(agencyId))
      throw unprocessable(path, `no ${kind} ${refId} in your agency subtree`);
    return agencyId;
  }

  async function assignIn(
    trx: Db,
    id: string,
    path: string,
    kind: AssignmentKind,
    refId: string,
    agencyId: string,
    actor: AuditActor,
  ): Promise<boolean> {
    const fresh = await d.store.assign(id, { kind, refId, agencyId, by: actor }, trx, today());
    if (!fresh) {
      const other = await d.store.assignmentOf(kind, refId, trx);
      if (other !== id)
        throw new HttpProblem(
          409,
          'assigned-elsewhere',
          'Assigned to another task force',
          `${path}: ${kind} ${refId} is worked by ${other}`,
        );
    }
    return fresh;
  }

  const service = {
    store: d.store,
    async create(input: NewTaskForce, a: { subtree: readonly string[]; actor: AuditActor; requestId: string }) {
      if (input.endsOn < today()) throw unprocessable('endsOn', `${input.endsOn} is already past`);
      if (input.periodId !== null && !(await d.store.periodExists(input.periodId)))
        throw unprocessable('periodId', `no special period ${input.periodId}`);
      const seen = new Set<string>();
      const members: Array<{ personId: string; agencyId: string }> = [];
      for (const [i, m] of input.members.entries()) {
        if (seen.has(m.personId)) throw unprocessable(`members.${i}.personId`, `${m.personId} is listed twice`);
        seen.add(m.personId);
        members.push({ personId: m.personId, agencyId: await memberAgency(`members.${i}`, m, a.subtree) });
      }
      if (!seen.has(input.leadPersonId)) throw unprocessable('leadPersonId', 'the lead must be one of the members');
      const refs: Array<{ path: string; kind: AssignmentKind; refId: string; agencyId: string }> = [];
      for (const [i, id] of input.matterIds.entries())
        refs.push({
          path: `matterIds.${i}`,
          kind: 'matter',
          refId: id,
          agencyId: await assignable(`matterIds.${i}`, 'matter', id, a.subtree),
        });
      for (const [i, id] of input.caseIds.entries())
        refs.push({
          path: `caseIds.${i}`,
          kind: 'case',
          refId: id,
          agencyId: await assignable(`caseIds.${i}`, 'case', id, a.subtree),
        });
      const id = `tf-${randomUUID()}`;
      await d.db.transaction(async (trx) => {
        await d.store.insert(
          {
            id,
            name: input.name,
            mandate: input.mandate,
            governingAgencyId: input.governingAgencyId,
            leadPersonId: input.leadPersonId,
            periodId: input.periodId,
            endsOn: input.endsOn,
            createdBy: a.actor,
          },
          members,
          trx,
        );
        for (const r of refs) await assignIn(trx, id, r.path, r.kind, r.refId, r.agencyId, a.actor);
        // References only: the mandate text and names stay in the table.
        await d.audit.append(
          {
            actor: a.actor,
            action: 'task_force.created',
            requestId: a.requestId,
            after: {
              id,
              governingAgencyId: input.governingAgencyId,
              leadPersonId: input.leadPersonId,
              members,
              periodId: input.periodId,
              endsOn: input.endsOn,
              assignments: refs.map((r) => ({ kind: r.kind, refId: r.refId })),
            },
          },
          trx,
        );
      });
      return (await d.store.get(id))!;
    },

    async addMember(
      id: string,
      m: { personId: string; agencyId?: string | undefined },
      a: { subtree: readonly string[]; actor: AuditActor; requestId: string },
    ): Promise<TaskForceDetail> {
      const agencyId = await memberAgency('', m, a.subtree);
      await d.db.transaction(async (trx) => {
        if (await d.store.addMember(id, m.personId, agencyId, trx))
          await d.audit.append(
            {
              actor: a.actor,
              action: 'task_force.member_added',
              requestId: a.requestId,
              after: { id, personId: m.personId, agencyId },
            },
            trx,
          );
      });
      return (await d.store.get(id))!;
    },

    async removeMember(
      id: string,
      personId: string,
      a: { actor: AuditActor; requestId: string },
    ): Promise<TaskForceDetail> {
      const tf = (await d.store.get(id))!;
      if (tf.leadPersonId === personId)
        throw new HttpProblem(
          409,
          'task-force-lead',
          'The lead cannot be removed',
          `${personId} leads task force ${id}`,
        );
      await d.db.transaction(async (trx) => {
        if (!(await d.store.removeMember(id, personId, trx))) throw problems.notFound(`Member ${personId} of ${id}`);
        await d.audit.append(
          { actor: a.actor, action: 'task_force.member_removed', requestId: a.requestId, before: { id, personId } },
          trx,
        );
      });
      return (await d.store.get(id))!;
    },

    /** Assigns a matter or case of the caller's subtree to task force `id` (audited, idempotent). */
    async assign(
      id: string,
      kind: AssignmentKind,
      refId: string,
      a: { subtree: readonly string[]; actor: AuditActor; requestId: string },
      trx?: Db,
    ): Promise<void> {
      const path = 'refId';
      const agencyId = await assignable(path, kind, refId, a.subtree);
      const run = async (t: Db) => {
        if (await assignIn(t, id, path, kind, refId, agencyId, a.actor))
          await d.audit.append(
            {
              actor: a.actor,
              action: 'task_force.assigned',
              caseId: kind === 'case' ? refId : null,
              requestId: a.requestId,
              after: { id, kind, refId, agencyId },
            },
            t,
          );
      };
      if (trx) await run(trx);
      else await d.db.transaction(run);
    },

    /**
     * Whether `principal` (a person) reaches case `caseId`, outside their own subtree, through a task force
     * today; each such access is audited (`task_force.access`) before it is granted. `reach`: the agencies the
     * access touches (the case's agency; for a task also the agency it is routed to) — all of them must lie
     * within the task force's governing subtree, so a member never works a superior's review or the
     * inspectorate's verification of the case (ADR 0010), nor a case linked into a matter from elsewhere.
     */
    async admit(
      principal: Principal,
      caseId: string,
      access: string,
      requestId: string,
      reach: readonly string[],
    ): Promise<boolean> {
      if (principal.type !== 'user') return false;
      let via: string | undefined;
      for (const tf of await d.store.accessVia(principal.id, principal.agencyId, caseId, today())) {
        const inside = await Promise.all(reach.map((a) => d.agencies.isWithin(a, tf.governingAgencyId)));
        if (inside.every(Boolean)) {
          via = tf.id;
          break;
        }
      }
      if (!via) return false;
      await d.audit.append({
        actor: { type: principal.type, id: principal.id, agency: principal.agencyId },
        action: 'task_force.access',
        caseId,
        requestId,
        after: { taskForceId: via, access },
      });
      return true;
    },
    /** Audits the listing of tasks of `caseIds` (outside the caller's subtree) seen through task forces. */
    async listed(principal: Principal, caseIds: readonly string[], requestId: string): Promise<void> {
      await d.audit.append({
        actor: { type: principal.type, id: principal.id, agency: principal.agencyId },
        action: 'task_force.access',
        requestId,
        after: { access: 'listTasks', caseIds: [...caseIds].sort() },
      });
    },
    /**
     * The cases a person works today through their task forces (those whose agency lies within the governing
     * subtree of the task force reaching them), and the agencies their tasks may be routed to for the person to
     * see them (the union of those governing subtrees; each action is still checked exactly by `admit`).
     */
    async casesOf(principal: Principal): Promise<{ caseIds: string[]; targets: string[] }> {
      if (principal.type !== 'user') return { caseIds: [], targets: [] };
      const rows = await d.store.casesOf(principal.id, principal.agencyId, today());
      const caseIds = new Set<string>();
      const governing = new Set<string>();
      for (const r of rows) {
        if (!(await d.agencies.isWithin(r.agencyId, r.governingAgencyId))) continue;
        caseIds.add(r.caseId);
        governing.add(r.governingAgencyId);
      }
      const targets = new Set<string>();
      for (const g of governing) for (const a of await d.agencies.subtree(g)) targets.add(a);
      return { caseIds: [...caseIds], targets: [...targets] };
    },
  };
  return service;
}

export type TaskForceService = ReturnType<typeof createTaskForceService>;
