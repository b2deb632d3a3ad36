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
import {
  createDirectoryStore,
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
          await store.insertAgency(
            { id: body.id, parentId: body.parentId, name: body.name, level: body.level, kind: body.kind ?? null },
            trx,
          );
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
      const children = await store.children(a.id);
      return { agency: a, staff, children };
    },

    async updateAgency(
      id: string,
      body: { name?: string | undefined; kind?: string | null | undefined },
      by: Acting,
    ): Promise<AgencyRecord> {
      return changed(
        db.transaction(async (trx) => {
          const a = (await store.lockAgency(id, trx)) ? (await store.agency(id, trx))! : undefined;
          if (!a) throw problems.notFound(`Agency ${id}`);
          refuseClosed(a);
          const set: { name?: string; kind?: string | null } = {};
          if (body.name !== undefined && body.name !== a.name) set.name = body.name;
          if (body.kind !== undefined && body.kind !== a.kind) {
            // The kind routes other agencies' tasks (ADR 0010: the inspectorate of a level): changed from above only,
            // and one inspectorate per parent.
            refuseOwnAgency(by.principal, id, 'given another kind');
            if (body.kind === 'inspectorate') {
              const other = await store.otherInspectorate(a.id, a.parentId, trx);
              if (other) throw conflict('kind', `${other} is already the inspectorate at this level`);
            }
            set.kind = body.kind;
          }
          if (Object.keys(set).length === 0) return a;
          await store.updateAgency(a.id, set, trx);
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
          await store.lockTree(trx);
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
          await store.setParent(a.id, parent.id, trx);
          parentOf.set(a.id, parent.id);
          const below = all.filter((x) => lineage(x.id, parentOf).ids.includes(a.id)).map((x) => x.id);
          const rerouted = await store.rerouteTasks(below, trx);
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
        await store.lockTree(trx);
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
        await store.markClosed(a.id, successor.id, trx);
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
        const people = await store.peopleByIds(personIds, trx);
        const memberships = body.staff.length === 0 ? [] : await store.membershipsTouching(agencyIds, personIds, trx);
        const { errors, plan } = planImport(
          body,
          { agencies: await store.allAgencies(trx), people, memberships },
          under,
        );
        if (errors.length > 0) throw rejected(errors, 'The file is not valid: nothing was imported');
        return plan;
      };
      return dryRun
        ? db.transaction(check, { readOnly: true })
        : changed(
            db.transaction(async (trx) => {
              await store.lockTree(trx);
              const p = await check(trx);
              // Parents before children: created agencies in an order where each parent exists first.
              await store.applyImport(p, trx, MAX_IMPORT_ROWS + 1);
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
          await store.insertPerson(
            {
              id: personId,
              displayName: body.person!.displayName,
              email: body.person!.email ?? null,
              phone: body.person!.phone ?? null,
            },
            trx,
          );
        } else if (body.person) {
          // The person's record is shared by all their agencies: only a caller above every one of them rewrites it.
          const theirs = await store.membershipAgencies(person.id);
          if (by.subtree && !theirs.every((x) => by.subtree!.includes(x))) {
            throw forbidden(
              `${person.id} also works outside your agency subtree: leave out \`person\` (an admin above all their agencies changes it)`,
            );
          }
          await store.updatePerson(
            person.id,
            { displayName: body.person.displayName, email: body.person.email, phone: body.person.phone },
            trx,
          );
        }
        if (body.position === 'head') {
          const head = await store.otherHead(a.id, personId, trx);
          if (head)
            throw conflict('position', `${a.id} has a head already (${head}): make them a deputy or member first`);
        }
        const before = await store.membership(personId, a.id, trx);
        await store.upsertMembership({ personId, agencyId: a.id, roles: body.roles, position: body.position }, trx);
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
        const gone = await store.deleteMembership(personId, agencyId, trx);
        if (gone) {
          await audit.append(
            {
              actor: actorOf(by.principal),
              action: 'staff.removed',
              requestId: by.requestId,
              before: { personId, agencyId, roles: gone.roles, position: gone.position },
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
        const n = await store.updatePerson(id, body, trx);
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
      await store.ensurePerson(p.id, (p.name ?? p.id).slice(0, 200));
      return p.id;
    },

    /** Active staff of the agencies of `line` holding one of `roles` there. */
    staffWithRoles: store.staffWithRoles,
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
