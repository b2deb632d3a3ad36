/**
 * The directory's changes and look-ups (ADR 0024) between the thin handlers of api/routes/directory.ts
 * and the storage (db/directory.ts and the tables of the agency tree, staff, people, preferences and
 * closures): each change checks the tree's rules, writes and audits in one transaction (ADR 0022).
 * Refusals are HTTP problems naming the field, as the handlers answer them.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { AuditEntry, AuditInput } from '../../db/audit.js';
import { resolveTaskTargets } from '../../db/case-states.js';
import {
  createDirectoryStore,
  membershipOf,
  personOf,
  type AgencyRecord,
  type ClosureRow,
  type Level,
  type MembershipRecord,
  type PersonRecord,
  type Position,
  type PreferenceRecord,
} from '../../db/directory.js';
import type { Db } from '../../db/knex.js';
import {
  lineage,
  placementProblem,
  planImport,
  type FieldError,
  type ImportPlan,
} from '../../directory/agency-rules.js';
import { CHANNEL_DEFAULTS } from '../../directory/recipients.js';
import { forbidden } from '../auth/errors.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { HttpProblem, problems } from '../problem.js';

export const MAX_IMPORT_ROWS = 20_000;

const rejected = (errors: FieldError[], title = 'The change is not valid') =>
  new HttpProblem(422, 'directory-rejected', title, errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    errors,
  });
const conflict = (path: string, message: string) =>
  new HttpProblem(409, 'conflict', 'Conflict', `${path}: ${message}`, { errors: [{ path, message }] });

/** An agency is moved or closed by an admin above it, never by its own admins (they would lose it). */
function refuseOwnAgency(principal: Principal, id: string, what: string): void {
  if (principal.agencyId === id)
    throw forbidden(`An agency is ${what} by an admin of an agency above it, not by its own`);
}

function refuseClosed(a: AgencyRecord): void {
  if (a.closedAt !== null) throw conflict('id', `${a.id} is closed (successor ${a.successorId ?? 'none'})`);
}

/** The caller of a change: for the audit entry. */
export interface Acting {
  principal: Principal;
  requestId: string;
}

export interface DirectoryDeps {
  db: Db;
  audit: { append(input: AuditInput, trx?: Db): Promise<AuditEntry> };
  temporal: Client;
  taskQueue: string;
  logger: Pick<Logger, 'warn'>;
  /** The API's cached agency tree (api/auth/agencies.ts), dropped after every change of the tree. */
  agencies?: { invalidate(): void } | undefined;
  /** First wait before a closure whose move did not start is tried again (ms; default 5 s, doubling). */
  closureRetryMs?: number;
}

/** A directory import file (JSON, or CSV converted by the route). */
export type DirectoryFile = Parameters<typeof planImport>[0];

export function createDirectoryService(deps: DirectoryDeps) {
  const { db, audit } = deps;
  const store = createDirectoryStore(db);

  /** The open agency `id` within the caller's subtree, or a 422 naming `field` (outside = missing). */
  async function openAgencyIn(trx: Db, subtree: readonly string[], id: string, field: string): Promise<AgencyRecord> {
    const a = subtree.includes(id) ? await store.agency(id, trx) : undefined;
    if (!a) throw rejected([{ path: field, message: `no agency ${id} in your agency subtree` }]);
    if (a.closedAt !== null)
      throw rejected([{ path: field, message: `${id} is closed (successor ${a.successorId ?? 'none'})` }]);
    return a;
  }

  async function loadAgency(id: string): Promise<AgencyRecord> {
    const a = await store.agency(id);
    if (!a) throw problems.notFound(`Agency ${id}`);
    return a;
  }

  /**
   * Open tasks routed to a `parent` or `inspectorate` of cases at `agencies` re-resolved against the tree
   * now (after a move), as their next projection would (ADR 0010).
   */
  async function rerouteTasks(trx: Db, agencies: readonly string[]): Promise<number> {
    if (agencies.length === 0) return 0;
    const rows = await trx('case_tasks as t')
      .join('case_states as s', 's.case_id', 't.case_id')
      .where('t.status', 'open')
      .whereIn('t.agency_scope', ['parent', 'inspectorate'])
      .whereIn('s.agency_id', agencies)
      .select<Array<{ case_id: string; task_id: string; agency_scope: string; agency_id: string }>>(
        't.case_id',
        't.task_id',
        't.agency_scope',
        's.agency_id',
      );
    const byAgency = new Map<string, Record<string, string | null>>();
    for (const r of rows) {
      if (!byAgency.has(r.agency_id))
        byAgency.set(r.agency_id, await resolveTaskTargets(trx, r.agency_id, ['parent', 'inspectorate']));
      await trx('case_tasks')
        .where({ case_id: r.case_id, task_id: r.task_id })
        .update({ target_agency_id: byAgency.get(r.agency_id)![r.agency_scope] ?? r.agency_id });
    }
    return rows.length;
  }

  /** Applies an import plan (inside the caller's transaction). */
  async function applyImport(trx: Db, plan: ImportPlan): Promise<void> {
    // Parents before children: created agencies in an order where each parent exists first.
    const pending = [...plan.agencies.created];
    const created = new Set<string>();
    const known = async (id: string | null) =>
      id === null || created.has(id) || (await trx('agencies').where({ id }).first('id')) !== undefined;
    for (let guard = 0; pending.length > 0 && guard < MAX_IMPORT_ROWS + 1; guard++) {
      for (let i = 0; i < pending.length; i++) {
        const a = pending[i]!;
        if (!(await known(a.parentId))) continue;
        await trx('agencies').insert({
          id: a.id,
          parent_id: a.parentId,
          name: a.name,
          level: a.level,
          kind: a.kind ?? null,
        });
        created.add(a.id);
        pending.splice(i, 1);
        i--;
      }
    }
    for (const c of plan.agencies.changed) {
      await trx('agencies')
        .where({ id: c.id })
        .update({
          name: c.row.name,
          parent_id: c.row.parentId,
          level: c.row.level,
          ...(c.row.kind === undefined ? {} : { kind: c.row.kind }),
          updated_at: trx.fn.now(),
        });
    }
    for (const p of plan.people.created) {
      await trx('people').insert({
        id: p.personId,
        display_name: p.displayName,
        email: p.email ?? null,
        phone: p.phone ?? null,
      });
    }
    for (const p of plan.people.changed) {
      const set: Record<string, unknown> = { updated_at: trx.fn.now() };
      if (p.changes.displayName) set.display_name = p.changes.displayName.to;
      if (p.changes.email) set.email = p.changes.email.to;
      if (p.changes.phone) set.phone = p.changes.phone.to;
      await trx('people').where({ id: p.id }).update(set);
    }
    // Positions first away from `head`, then the rest, so that one head per agency holds at every step.
    const changed = [...plan.memberships.changed].sort(
      (a, b) => Number(a.changes.position?.to === 'head') - Number(b.changes.position?.to === 'head'),
    );
    for (const m of changed) {
      await trx('agency_staff')
        .where({ person_id: m.personId, agency_id: m.agencyId })
        .update({
          ...(m.changes.roles ? { roles: m.changes.roles.to as string[] } : {}),
          ...(m.changes.position ? { position: m.changes.position.to as string } : {}),
          updated_at: trx.fn.now(),
        });
    }
    for (const m of plan.memberships.created) {
      await trx('agency_staff').insert({
        person_id: m.personId,
        agency_id: m.agencyId,
        roles: m.roles,
        position: m.position,
      });
    }
  }

  /**
   * Starts a closure's background move (ADR 0024). A start that fails (Temporal unreachable) leaves the closure
   * `not_started` with the error and is tried again in the background, with backoff, until one succeeds: the agency
   * is closed already, so its cases must still move. Starting twice is harmless (the same workflow id is reused).
   */
  async function startClosure(c: ClosureRow): Promise<boolean> {
    try {
      await deps.temporal.workflow.start('agencyClosureWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId: c.workflow_id,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [
          {
            closureId: c.id,
            agencyId: c.agency_id,
            successorId: c.successor_id,
            reason: c.reason ?? '',
            actor: (typeof c.requested_by === 'string' ? JSON.parse(c.requested_by) : c.requested_by) as never,
          },
        ],
      });
      await store.markClosureStart(c.id, true);
      return true;
    } catch (e) {
      deps.logger.warn({ err: e, agencyId: c.agency_id }, 'agency closed but the move of its cases did not start');
      await store.markClosureStart(c.id, false, e instanceof Error ? e.message : String(e));
      scheduleResume();
      return false;
    }
  }

  let resumeTimer: NodeJS.Timeout | undefined;
  let resumeDelayMs = 0;
  /** Tries the closures left `not_started` again later (5 s, doubling up to 5 min, while any is left). */
  function scheduleResume(): void {
    if (resumeTimer) return;
    resumeDelayMs = Math.min(Math.max(resumeDelayMs * 2, deps.closureRetryMs ?? 5_000), 300_000);
    resumeTimer = setTimeout(() => {
      resumeTimer = undefined;
      void resumeClosures().catch((e: unknown) => {
        deps.logger.warn({ err: e }, 'closures not started could not be read');
        scheduleResume();
      });
    }, resumeDelayMs);
    resumeTimer.unref();
  }

  /** Starts the moves of closures left `not_started` (at start-up, and in the background after a failed start). */
  async function resumeClosures(): Promise<{ started: number; left: number }> {
    let started = 0;
    let left = 0;
    for (const c of await store.closuresNotStarted()) {
      await store.countClosureStart(c.id);
      if (await startClosure(c)) started += 1;
      else left += 1;
    }
    if (left === 0) resumeDelayMs = 0;
    return { started, left };
  }

  /** After a committed change of the tree: this process's cached tree is dropped (others see it within its TTL). */
  async function changed<T>(p: Promise<T>): Promise<T> {
    const r = await p;
    deps.agencies?.invalidate();
    return r;
  }

  const preferencesOf = async (personId: string) => ({
    personId,
    items: await store.preferences(personId),
    defaults: { ...CHANNEL_DEFAULTS },
  });

  return {
    store,
    loadAgency,

    async createAgency(
      body: { id: string; parentId: string | null; name: string; level: Level; kind?: string | null | undefined },
      by: Acting,
    ): Promise<AgencyRecord> {
      return changed(
        db.transaction(async (trx) => {
          if (await store.agency(body.id, trx)) throw conflict('id', `an agency ${body.id} exists already`);
          const parent = body.parentId === null ? null : await store.agency(body.parentId, trx);
          if (parent?.closedAt) throw rejected([{ path: 'parentId', message: `${parent.id} is closed` }]);
          const p = placementProblem(body.level, parent?.level ?? null);
          if (p) throw rejected([{ path: 'level', message: p }]);
          await trx('agencies').insert({
            id: body.id,
            parent_id: body.parentId,
            name: body.name,
            level: body.level,
            kind: body.kind ?? null,
          });
          const a = (await store.agency(body.id, trx))!;
          await audit.append(
            {
              actor: actorOf(by.principal),
              action: 'agency.created',
              requestId: by.requestId,
              after: { id: a.id, parentId: a.parentId, name: a.name, level: a.level, kind: a.kind },
            },
            trx,
          );
          return a;
        }),
      );
    },

    /** The agency, its staff and the agencies directly below it (404 when unknown). */
    async agencyDetail(id: string) {
      const a = await loadAgency(id);
      const staff = await store.staff(a.id);
      const children = (
        await db('agencies').where({ parent_id: a.id }).orderBy('id').select<Array<{ id: string }>>('id')
      ).map((r) => r.id);
      return { agency: a, staff, children };
    },

    async updateAgency(
      id: string,
      body: { name?: string | undefined; kind?: string | null | undefined },
      by: Acting,
    ): Promise<AgencyRecord> {
      return changed(
        db.transaction(async (trx) => {
          const a = (await trx('agencies').where({ id }).forUpdate().first())
            ? (await store.agency(id, trx))!
            : undefined;
          if (!a) throw problems.notFound(`Agency ${id}`);
          refuseClosed(a);
          const set: Record<string, unknown> = {};
          if (body.name !== undefined && body.name !== a.name) set.name = body.name;
          if (body.kind !== undefined && body.kind !== a.kind) {
            // The kind routes other agencies' tasks (ADR 0010: the inspectorate of a level): changed from above only,
            // and one inspectorate per parent.
            refuseOwnAgency(by.principal, id, 'given another kind');
            if (body.kind === 'inspectorate') {
              const other = await trx('agencies')
                .where({ kind: 'inspectorate' })
                .whereNot({ id: a.id })
                .andWhere((q) => (a.parentId === null ? q.whereNull('parent_id') : q.where({ parent_id: a.parentId })))
                .first('id');
              if (other) throw conflict('kind', `${other.id as string} is already the inspectorate at this level`);
            }
            set.kind = body.kind;
          }
          if (Object.keys(set).length === 0) return a;
          await trx('agencies')
            .where({ id: a.id })
            .update({ ...set, updated_at: trx.fn.now() });
          await audit.append(
            {
              actor: actorOf(by.principal),
              action: 'agency.updated',
              requestId: by.requestId,
              before: { id: a.id, ...Object.fromEntries(Object.keys(set).map((k) => [k, a[k as 'name' | 'kind']])) },
              after: { id: a.id, ...set },
            },
            trx,
          );
          return (await store.agency(a.id, trx))!;
        }),
      );
    },

    async moveAgency(id: string, parentId: string, subtree: readonly string[], by: Acting): Promise<AgencyRecord> {
      refuseOwnAgency(by.principal, id, 'moved');
      return changed(
        db.transaction(async (trx) => {
          await trx.raw('LOCK TABLE agencies IN SHARE ROW EXCLUSIVE MODE');
          const a = await store.agency(id, trx);
          if (!a) throw problems.notFound(`Agency ${id}`);
          refuseClosed(a);
          if (a.parentId === parentId) return a;
          const parent = await openAgencyIn(trx, subtree, parentId, 'parentId');
          const all = await store.allAgencies(trx);
          const parentOf = new Map(all.map((x) => [x.id, x.parentId]));
          if (lineage(parent.id, parentOf).ids.includes(a.id)) {
            throw rejected([
              { path: 'parentId', message: `${parent.id} is ${a.id} or below it: an agency cannot move under itself` },
            ]);
          }
          const p = placementProblem(a.level, parent.level);
          if (p) throw rejected([{ path: 'parentId', message: p }]);
          await trx('agencies').where({ id: a.id }).update({ parent_id: parent.id, updated_at: trx.fn.now() });
          parentOf.set(a.id, parent.id);
          const below = all.filter((x) => lineage(x.id, parentOf).ids.includes(a.id)).map((x) => x.id);
          const rerouted = await rerouteTasks(trx, below);
          await audit.append(
            {
              actor: actorOf(by.principal),
              action: 'agency.moved',
              requestId: by.requestId,
              before: { id: a.id, parentId: a.parentId },
              after: { id: a.id, parentId: parent.id, reroutedTasks: rerouted },
            },
            trx,
          );
          return (await store.agency(a.id, trx))!;
        }),
      );
    },

    /** Closes the agency and starts the background move of its cases; the agency and the closure row. */
    async closeAgency(
      id: string,
      body: { successorId: string; reason: string },
      subtree: readonly string[],
      by: Acting,
    ) {
      refuseOwnAgency(by.principal, id, 'closed');
      const closureId = randomUUID();
      const workflowId = `agency-closure-${closureId}`;
      const actor = actorOf(by.principal);
      const agency = await db.transaction(async (trx) => {
        await trx.raw('LOCK TABLE agencies IN SHARE ROW EXCLUSIVE MODE');
        const a = await store.agency(id, trx);
        if (!a) throw problems.notFound(`Agency ${id}`);
        refuseClosed(a);
        if (body.successorId === a.id)
          throw rejected([{ path: 'successorId', message: 'an agency cannot succeed itself' }]);
        const successor = await openAgencyIn(trx, subtree, body.successorId, 'successorId');
        const all = await store.allAgencies(trx);
        if (lineage(successor.id, new Map(all.map((x) => [x.id, x.parentId]))).ids.includes(a.id)) {
          throw rejected([{ path: 'successorId', message: `${successor.id} is below ${a.id}: move it out first` }]);
        }
        const children = await store.openChildren(a.id, trx);
        if (children.length > 0) {
          throw conflict(
            'id',
            `agencies are still open below ${a.id} (${children.slice(0, 10).join(', ')}` +
              `${children.length > 10 ? ', …' : ''}): move or close them first`,
          );
        }
        await trx('agencies')
          .where({ id: a.id })
          .update({ closed_at: trx.fn.now(), successor_id: successor.id, updated_at: trx.fn.now() });
        await store.insertClosure(
          { id: closureId, agencyId: a.id, successorId: successor.id, workflowId, reason: body.reason, actor },
          trx,
        );
        await audit.append(
          {
            actor,
            action: 'agency.closed',
            requestId: by.requestId,
            before: { id: a.id, closedAt: null },
            after: { id: a.id, successorId: successor.id, closureId, reason: body.reason },
          },
          trx,
        );
        return (await store.agency(a.id, trx))!;
      });
      deps.agencies?.invalidate(); // the fan-out starts once this process's cached tree is dropped
      return {
        agency,
        /** Starts the fan-out once the caller dropped its cached tree; the closure row as it then stands. */
        start: async (): Promise<Record<string, unknown>> => {
          await startClosure((await store.closure(closureId))!);
          return (await store.closure(closureId))!;
        },
      };
    },

    /** The latest closure of an agency, or undefined. */
    async closureOf(agencyId: string): Promise<Record<string, unknown> | undefined> {
      return store.latestClosure(agencyId);
    },

    resumeClosures,

    /**
     * Checks a directory file against the tree (422 naming the file's fields) and, unless `dryRun`,
     * applies it: a dry run reads in a read-only transaction; an import locks the tree (no concurrent
     * change) and writes everything in one transaction, or nothing. Its plan.
     */
    async importFile(
      body: DirectoryFile,
      under: string | null,
      dryRun: boolean,
      by: Acting,
      report: (plan: ImportPlan) => Record<string, unknown>,
    ): Promise<ImportPlan> {
      const check = async (trx: Db): Promise<ImportPlan> => {
        const personIds = [...new Set(body.staff.map((s) => s.personId))];
        const agencyIds = [...new Set(body.staff.map((s) => s.agencyId))];
        const people = personIds.length === 0 ? [] : await trx('people').whereIn('id', personIds);
        const memberships =
          body.staff.length === 0
            ? []
            : await trx('agency_staff').whereIn('agency_id', agencyIds).orWhereIn('person_id', personIds);
        const { errors, plan } = planImport(
          body,
          {
            agencies: await store.allAgencies(trx),
            people: new Map(people.map((r: Record<string, unknown>) => [r.id as string, personOf(r)])),
            memberships: memberships.map(membershipOf),
          },
          under,
        );
        if (errors.length > 0) throw rejected(errors, 'The file is not valid: nothing was imported');
        return plan;
      };
      return dryRun
        ? db.transaction(check, { readOnly: true })
        : changed(
            db.transaction(async (trx) => {
              await trx.raw('LOCK TABLE agencies IN SHARE ROW EXCLUSIVE MODE');
              const p = await check(trx);
              await applyImport(trx, p);
              await audit.append(
                {
                  actor: actorOf(by.principal),
                  action: 'directory.imported',
                  requestId: by.requestId,
                  after: report(p),
                },
                trx,
              );
              return p;
            }),
          );
    },

    /** Makes a person staff of an agency (or changes their roles and position there); creates the person when new. */
    async putStaff(
      agencyId: string,
      personId: string,
      body: {
        roles: string[];
        position: Position;
        person?:
          { displayName: string; email?: string | null | undefined; phone?: string | null | undefined } | undefined;
      },
      by: Acting & { subtree?: readonly string[] },
    ): Promise<{ created: boolean; member: MembershipRecord & { person: PersonRecord } }> {
      return db.transaction(async (trx) => {
        const a = await store.agency(agencyId, trx);
        if (!a) throw problems.notFound(`Agency ${agencyId}`);
        refuseClosed(a);
        const person = await store.person(personId, trx);
        if (!person && !body.person) {
          throw rejected([
            { path: 'person.displayName', message: `${personId} is not in the directory yet: give the person's name` },
          ]);
        }
        if (!person) {
          await trx('people').insert({
            id: personId,
            display_name: body.person!.displayName,
            email: body.person!.email ?? null,
            phone: body.person!.phone ?? null,
          });
        } else if (body.person) {
          // The person's record is shared by all their agencies: only a caller above every one of them rewrites it.
          const theirs = await store.membershipAgencies(person.id);
          if (by.subtree && !theirs.every((x) => by.subtree!.includes(x))) {
            throw forbidden(
              `${person.id} also works outside your agency subtree: leave out \`person\` (an admin above all their agencies changes it)`,
            );
          }
          await trx('people')
            .where({ id: person.id })
            .update({
              display_name: body.person.displayName,
              ...(body.person.email !== undefined ? { email: body.person.email } : {}),
              ...(body.person.phone !== undefined ? { phone: body.person.phone } : {}),
              updated_at: trx.fn.now(),
            });
        }
        if (body.position === 'head') {
          const head = await trx('agency_staff')
            .where({ agency_id: a.id, position: 'head' })
            .whereNot({ person_id: personId })
            .first('person_id');
          if (head)
            throw conflict(
              'position',
              `${a.id} has a head already (${head.person_id as string}): make them a deputy or member first`,
            );
        }
        const before = await trx('agency_staff').where({ person_id: personId, agency_id: a.id }).first();
        await trx('agency_staff')
          .insert({ person_id: personId, agency_id: a.id, roles: body.roles, position: body.position })
          .onConflict(['person_id', 'agency_id'])
          .merge({ roles: body.roles, position: body.position, updated_at: trx.fn.now() });
        await audit.append(
          {
            actor: actorOf(by.principal),
            action: before ? 'staff.changed' : 'staff.added',
            requestId: by.requestId,
            before: before ? { personId, agencyId: a.id, roles: before.roles, position: before.position } : null,
            after: {
              personId,
              agencyId: a.id,
              roles: body.roles,
              position: body.position,
              ...(body.person ? { personFields: Object.keys(body.person).sort() } : {}),
            },
          },
          trx,
        );
        const m = (await store.staff(a.id, trx)).find((s) => s.personId === personId)!;
        return { created: !before, member: m };
      });
    },

    /** Removes a membership (audited when there was one). */
    async removeStaff(agencyId: string, personId: string, by: Acting): Promise<void> {
      await db.transaction(async (trx) => {
        const gone = await trx('agency_staff')
          .where({ person_id: personId, agency_id: agencyId })
          .delete()
          .returning(['roles', 'position']);
        if (gone.length > 0) {
          await audit.append(
            {
              actor: actorOf(by.principal),
              action: 'staff.removed',
              requestId: by.requestId,
              before: { personId, agencyId, roles: gone[0].roles, position: gone[0].position },
            },
            trx,
          );
        }
      });
    },

    async updatePerson(
      id: string,
      body: {
        displayName?: string | undefined;
        email?: string | null | undefined;
        phone?: string | null | undefined;
        active?: boolean | undefined;
      },
      by: Acting,
    ): Promise<PersonRecord> {
      return db.transaction(async (trx) => {
        const set: Record<string, unknown> = {};
        if (body.displayName !== undefined) set.display_name = body.displayName;
        if (body.email !== undefined) set.email = body.email;
        if (body.phone !== undefined) set.phone = body.phone;
        if (body.active !== undefined) set.active = body.active;
        const n = await trx('people')
          .where({ id })
          .update({ ...set, updated_at: trx.fn.now() });
        if (n === 0) throw problems.notFound(`Person ${id}`);
        await audit.append(
          {
            actor: actorOf(by.principal),
            action: 'person.updated',
            requestId: by.requestId,
            after: {
              personId: id,
              fields: Object.keys(body).sort(),
              ...(body.active !== undefined ? { active: body.active } : {}),
            },
          },
          trx,
        );
        return (await store.person(id, trx))!;
      });
    },

    preferencesOf,

    /** Replaces a person's preferences (audited); the preferences after. */
    async setPreferences(personId: string, items: PreferenceRecord[], by: Acting) {
      await db.transaction(async (trx) => {
        await store.replacePreferences(personId, items, trx);
        await audit.append(
          {
            actor: actorOf(by.principal),
            action: 'person.preferences_set',
            requestId: by.requestId,
            after: { personId, items },
          },
          trx,
        );
      });
      return preferencesOf(personId);
    },

    /** The people row of a user principal, created from the token when missing (name = token name or sub). */
    async selfPerson(p: Principal): Promise<string> {
      if (p.type !== 'user') throw forbidden('Notification preferences belong to people: an API key has none');
      await db('people')
        .insert({ id: p.id, display_name: (p.name ?? p.id).slice(0, 200) })
        .onConflict('id')
        .ignore();
      return p.id;
    },

    /** Active staff of the agencies of `line` holding one of `roles` there. */
    async staffWithRoles(line: readonly string[], roles: readonly string[]) {
      if (line.length === 0) return [];
      return db('agency_staff as s')
        .join('people as p', 'p.id', 's.person_id')
        .whereIn('s.agency_id', [...line])
        .where('p.active', true)
        .whereRaw('s.roles && ?::text[]', [[...roles]])
        .select<
          Array<{ person_id: string; display_name: string; agency_id: string; position: string; roles: string[] }>
        >('s.person_id', 'p.display_name', 's.agency_id', 's.position', 's.roles');
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
