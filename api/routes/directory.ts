/**
 * The agency and staff directory (issue 13.1, ADR 0024): agencies created, renamed, moved and closed
 * (a closed agency's open cases move to its successor in the background: agencyClosureWorkflow), the
 * tree and staff imported from a JSON or CSV file (dry run; all or nothing), people with their roles
 * and position per agency, and their notification preferences. Every change is audited; every route
 * acts within the caller's agency subtree (a top-level agency: system_admin only).
 */
import { randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { actorOf, AGENCY_ROLES, ROLES, SYSTEM_ROLES, type Principal } from '../auth/principal.js';
import { forbidden } from '../auth/errors.js';
import { HttpProblem, problems } from '../problem.js';
import { defineRoute, type HandlerContext, type RouteSpec } from '../routing/define-route.js';
import { splitTaskId } from '../routing/mount.js';
import { AgencyId } from '../schemas.js';
import type { Db } from '../../db/knex.js';
import {
  createDirectoryStore, LEVELS, membershipOf, personOf, POSITIONS, type AgencyRecord, type MembershipRecord, type PersonRecord,
} from '../../db/directory.js';
import { resolveTaskTargets } from '../../db/case-states.js';
import { createTaskSearch } from '../../db/case-search.js';
import { lineage, placementProblem, planImport, type FieldError, type ImportPlan } from '../../directory/agency-rules.js';
import { CHANNEL_DEFAULTS, CHANNELS } from '../../directory/recipients.js';

const ADMINS = ['admin', 'system_admin'] as const;
const DIRECTORY_READERS = ['supervisor', 'auditor', 'admin', 'system_admin'] as const;
const TASK_READERS = ['intake', 'officer', 'supervisor', 'admin'] as const;
/** CSV bodies accepted by the import (JSON otherwise). */
export const DIRECTORY_TEXT_TYPES = ['text/csv'];
export const MAX_IMPORT_ROWS = 20_000;

// ---------- schemas ----------

const PersonId = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'the identity provider\'s subject: visible ASCII')
  .meta({ description: 'A person\'s id: the identity provider\'s subject (`sub`) of that person', example: 'a1b2c3' });
const Name = z.string().trim().min(1).max(200);
const Email = z.email().max(254);
const Phone = z.string().regex(/^\+?[0-9][0-9 .()-]{5,19}$/, 'a phone number such as +84912345678');
const Level = z.enum(LEVELS);
const Kind = z.enum(['inspectorate']).nullable().meta({ description: '`inspectorate`: the state inspectorate of its level (tasks scoped `inspectorate` go to it: ADR 0010)' });
const Position = z.enum(POSITIONS);
const StaffRoles = z.array(z.enum(AGENCY_ROLES)).max(AGENCY_ROLES.length)
  .refine((r) => new Set(r).size === r.length, 'each role once')
  .meta({ description: 'The product\'s role names (api/auth): intake, officer, supervisor, auditor, admin' });
const Reason = z.string().trim().min(1).max(1000);

const AgencyView = z.object({
  id: z.string(), parentId: z.string().nullable(), name: z.string(), level: Level, kind: z.string().nullable(),
  closedAt: z.string().nullable(), successorId: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'DirectoryAgency' });
const PersonSummary = z.object({ id: z.string(), displayName: z.string() });
const AgencyDetail = AgencyView.extend({
  head: PersonSummary.nullable(), deputies: z.array(PersonSummary), children: z.array(z.string()),
  links: z.object({ staff: z.string(), closure: z.string().nullable() }),
}).meta({ id: 'AgencyDetail' });
const PersonView = z.object({
  id: z.string(), displayName: z.string(), email: z.string().nullable(), phone: z.string().nullable(), active: z.boolean(),
  createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'Person' });
const MembershipView = z.object({
  personId: z.string(), agencyId: z.string(), roles: z.array(z.string()), position: Position, createdAt: z.string(), updatedAt: z.string(),
}).meta({ id: 'Membership' });
const StaffView = MembershipView.extend({ person: PersonView }).meta({ id: 'StaffMember' });
const PersonDetail = PersonView.extend({ memberships: z.array(MembershipView) }).meta({ id: 'PersonDetail' });
const Preference = z.strictObject({
  channel: z.enum(CHANNELS as ['email', 'sms', 'inapp']),
  kind: z.string().min(1).max(100).regex(/^(\*|[a-z][a-z0-9_.-]*)$/, '`*` or a notification kind such as deadline_breach'),
  enabled: z.boolean(),
}).meta({ id: 'NotificationPreference' });
const Preferences = z.object({
  personId: z.string(), items: z.array(Preference),
  defaults: z.object({ email: z.boolean(), sms: z.boolean(), inapp: z.boolean() })
    .meta({ description: 'A channel without a preference row: in-app and email on (email needs an address), SMS off' }),
}).meta({ id: 'NotificationPreferences' });
const PutPreferences = z.strictObject({ items: z.array(Preference).max(200) })
  .refine((b) => new Set(b.items.map((p) => `${p.channel} ${p.kind}`)).size === b.items.length,
    { message: 'each channel and kind once', path: ['items'] })
  .meta({ id: 'PutNotificationPreferences' });
const ClosureView = z.object({
  id: z.string(), agencyId: z.string(), successorId: z.string(), workflowId: z.string(),
  status: z.enum(['running', 'completed', 'not_started']), moved: z.number().int(), skipped: z.number().int(), pages: z.number().int(),
  requestedBy: z.object({ type: z.string(), id: z.string(), agency: z.string().nullable() }), requestedAt: z.string(), finishedAt: z.string().nullable(),
  links: z.object({ self: z.string() }),
}).meta({ id: 'AgencyClosure' });

const CreateAgency = z.strictObject({
  id: AgencyId, parentId: AgencyId.nullable().meta({ description: 'null: a top-level agency (a province; system_admin only)' }),
  name: Name, level: Level, kind: Kind.optional(),
}).meta({ id: 'CreateAgency' });
const UpdateAgency = z.strictObject({ name: Name.optional(), kind: Kind.optional() })
  .refine((b) => b.name !== undefined || b.kind !== undefined, 'give name or kind').meta({ id: 'UpdateAgency' });
const MoveAgency = z.strictObject({ parentId: AgencyId }).meta({ id: 'MoveAgency' });
const CloseAgency = z.strictObject({
  successorId: AgencyId.meta({ description: 'The open agency that takes over the closed one\'s open cases' }),
  reason: Reason.meta({ description: 'Why, with its source (e.g. the reorganisation resolution)' }),
}).meta({ id: 'CloseAgency' });
const PutStaff = z.strictObject({
  roles: StaffRoles, position: Position.default('member'),
  person: z.strictObject({ displayName: Name, email: Email.nullable().optional(), phone: Phone.nullable().optional() }).optional()
    .meta({ description: 'The person\'s name and contacts: required when the person is new to the directory, else updates them' }),
}).meta({ id: 'PutStaff' });
const UpdatePerson = z.strictObject({
  displayName: Name.optional(), email: Email.nullable().optional(), phone: Phone.nullable().optional(), active: z.boolean().optional(),
}).refine((b) => Object.keys(b).length > 0, 'give at least one field').meta({ id: 'UpdatePerson' });

const ImportAgencyRow = z.strictObject({ id: AgencyId, parentId: AgencyId.nullable(), name: Name, level: Level, kind: Kind.optional() });
const ImportStaffRow = z.strictObject({
  personId: PersonId, displayName: Name.optional(), email: Email.nullable().optional(), phone: Phone.nullable().optional(),
  agencyId: AgencyId, roles: StaffRoles, position: Position.default('member'),
});
const ImportBody = z.strictObject({
  agencies: z.array(ImportAgencyRow).max(MAX_IMPORT_ROWS).default([]),
  staff: z.array(ImportStaffRow).max(MAX_IMPORT_ROWS).default([]),
}).refine((b) => b.agencies.length + b.staff.length > 0, 'the file lists no agency and no staff').meta({ id: 'DirectoryImport' });
const Change = z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }));
const ImportReport = z.object({
  dryRun: z.boolean(), applied: z.boolean(), under: z.string().nullable(),
  agencies: z.object({ created: z.array(z.string()), changed: z.array(z.object({ id: z.string(), changes: Change })), unchanged: z.number().int() }),
  people: z.object({ created: z.array(z.string()), changed: z.array(z.object({ id: z.string(), changes: Change })), unchanged: z.number().int() }),
  memberships: z.object({
    created: z.array(z.object({ personId: z.string(), agencyId: z.string() })),
    changed: z.array(z.object({ personId: z.string(), agencyId: z.string(), changes: Change })),
    unchanged: z.number().int(),
  }),
}).meta({ id: 'DirectoryImportReport' });

const Candidate = z.object({
  personId: z.string(), displayName: z.string(), agencyId: z.string(), position: Position,
  roles: z.array(z.string()).meta({ description: 'The person\'s roles at that agency that are candidate roles of the task' }),
  atTargetAgency: z.boolean().meta({ description: 'A member of the agency the task is routed to (else of an agency above it)' }),
  assignee: z.boolean(),
}).meta({ id: 'TaskCandidate' });

/** `after` of GET /v1/people: an opaque cursor (base64url JSON of the last person id). */
const encodePeopleCursor = (id: string) => Buffer.from(JSON.stringify({ p: id })).toString('base64url');
const PeopleCursor = z.string().max(400).transform((s, ctx) => {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { p?: unknown };
    if (v && typeof v === 'object' && typeof v.p === 'string' && PersonId.safeParse(v.p).success) return v.p;
  } catch { /* fall through */ }
  ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
  return z.NEVER;
}).meta({ description: 'Cursor: the `after` value of the previous page\'s `next` link' });

const AgencyParams = z.object({ id: AgencyId });
const StaffParams = z.object({ id: AgencyId, personId: PersonId });
const PersonParams = z.object({ id: PersonId });

// ---------- helpers ----------

const agencyView = (a: AgencyRecord) => ({ ...a });
const personView = (p: PersonRecord) => ({ ...p });
const membershipView = (m: MembershipRecord) => ({ ...m });
const rejected = (errors: FieldError[], title = 'The change is not valid') =>
  new HttpProblem(422, 'directory-rejected', title, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
const conflict = (path: string, message: string) =>
  new HttpProblem(409, 'conflict', 'Conflict', `${path}: ${message}`, { errors: [{ path, message }] });

type AnyCtx = HandlerContext<z.ZodObject<z.ZodRawShape> | undefined, z.ZodObject<z.ZodRawShape> | undefined, z.ZodType | undefined>;

/** An agency is moved or closed by an admin above it, never by its own admins (they would lose it). */
function refuseOwnAgency(ctx: Pick<AnyCtx, 'principal'>, id: string, what: string): void {
  if (ctx.principal!.agencyId === id) throw forbidden(`An agency is ${what} by an admin of an agency above it, not by its own`);
}

/** The open agency `id` within the caller's subtree, or a 422 naming `field` (outside = missing). */
async function openAgencyIn(db: Db, subtree: readonly string[], id: string, field: string): Promise<AgencyRecord> {
  const a = subtree.includes(id) ? await createDirectoryStore(db).agency(id) : undefined;
  if (!a) throw rejected([{ path: field, message: `no agency ${id} in your agency subtree` }]);
  if (a.closedAt !== null) throw rejected([{ path: field, message: `${id} is closed (successor ${a.successorId ?? 'none'})` }]);
  return a;
}

async function loadAgency(db: Db, id: string): Promise<AgencyRecord> {
  const a = await createDirectoryStore(db).agency(id);
  if (!a) throw problems.notFound(`Agency ${id}`);
  return a;
}

function refuseClosed(a: AgencyRecord): void {
  if (a.closedAt !== null) throw conflict('id', `${a.id} is closed (successor ${a.successorId ?? 'none'})`);
}

/**
 * Open tasks routed to a `parent` or `inspectorate` of cases at `agencies` re-resolved against the tree
 * now (after a move), as their next projection would (ADR 0010).
 */
async function rerouteTasks(trx: Db, agencies: readonly string[]): Promise<number> {
  if (agencies.length === 0) return 0;
  const rows = await trx('case_tasks as t').join('case_states as s', 's.case_id', 't.case_id')
    .where('t.status', 'open').whereIn('t.agency_scope', ['parent', 'inspectorate']).whereIn('s.agency_id', agencies)
    .select<Array<{ case_id: string; task_id: string; agency_scope: string; agency_id: string }>>('t.case_id', 't.task_id', 't.agency_scope', 's.agency_id');
  const byAgency = new Map<string, Record<string, string | null>>();
  for (const r of rows) {
    if (!byAgency.has(r.agency_id)) byAgency.set(r.agency_id, await resolveTaskTargets(trx, r.agency_id, ['parent', 'inspectorate']));
    await trx('case_tasks').where({ case_id: r.case_id, task_id: r.task_id }).update({ target_agency_id: byAgency.get(r.agency_id)![r.agency_scope] ?? r.agency_id });
  }
  return rows.length;
}

function closureView(r: Record<string, unknown>) {
  const at = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));
  return {
    id: r.id as string, agencyId: r.agency_id as string, successorId: r.successor_id as string, workflowId: r.workflow_id as string,
    status: r.status as 'running' | 'completed' | 'not_started', moved: Number(r.moved), skipped: Number(r.skipped), pages: Number(r.pages),
    requestedBy: r.requested_by as { type: string; id: string; agency: string | null }, requestedAt: at(r.requested_at)!,
    finishedAt: at(r.finished_at), links: { self: `/v1/agencies/${r.agency_id as string}/closure` },
  };
}

/** CSV header → field (camelCase and snake_case both accepted). */
const CSV_FIELDS: Record<string, string> = {
  id: 'id', parentid: 'parentId', parent_id: 'parentId', name: 'name', level: 'level', kind: 'kind',
  personid: 'personId', person_id: 'personId', displayname: 'displayName', display_name: 'displayName', email: 'email', phone: 'phone',
  agencyid: 'agencyId', agency_id: 'agencyId', roles: 'roles', position: 'position',
};

/**
 * A CSV file → the import body. The header says which list it is: `id,parentId,name,level[,kind]`
 * (agencies) or `personId,displayName,email,phone,agencyId,roles,position` (staff; roles separated by
 * spaces or `;`). An empty cell leaves the value as it is (a new row: none); an empty parentId is a
 * top-level agency.
 */
export function csvToImport(text: string): unknown {
  let rows: string[][];
  try {
    rows = parseCsv(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false, max_record_size: 64_000 }) as string[][];
  } catch (e) {
    throw problems.validation([{ path: '', message: `not a CSV file: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}` }]);
  }
  if (rows.length > MAX_IMPORT_ROWS + 1) throw problems.validation([{ path: '', message: `more than ${MAX_IMPORT_ROWS} rows` }]);
  const [header, ...data] = rows;
  if (!header) throw problems.validation([{ path: '', message: 'an empty file' }]);
  const fields = header.map((h, i) => {
    const f = CSV_FIELDS[h.toLowerCase()];
    if (!f) throw problems.validation([{ path: `header[${i}]`, message: `unknown column ${JSON.stringify(h.slice(0, 50))}` }]);
    return f;
  });
  const staff = fields.includes('personId');
  const list = data.map((r) => {
    const o: Record<string, unknown> = {};
    r.forEach((cell, i) => {
      const f = fields[i]!;
      if (f === 'roles') o.roles = cell === '' ? [] : cell.split(/[\s;]+/).filter(Boolean);
      else if (cell === '') { if (f === 'parentId') o[f] = null; }
      else o[f] = cell;
    });
    return o;
  });
  return staff ? { staff: list } : { agencies: list };
}

/** Applies an import plan (inside the caller's transaction). */
async function applyImport(trx: Db, plan: ImportPlan): Promise<void> {
  // Parents before children: created agencies in an order where each parent exists first.
  const pending = [...plan.agencies.created];
  const created = new Set<string>();
  const known = async (id: string | null) => id === null || created.has(id) || (await trx('agencies').where({ id }).first('id')) !== undefined;
  for (let guard = 0; pending.length > 0 && guard < MAX_IMPORT_ROWS + 1; guard++) {
    for (let i = 0; i < pending.length; i++) {
      const a = pending[i]!;
      if (!(await known(a.parentId))) continue;
      await trx('agencies').insert({ id: a.id, parent_id: a.parentId, name: a.name, level: a.level, kind: a.kind ?? null });
      created.add(a.id);
      pending.splice(i, 1);
      i--;
    }
  }
  for (const c of plan.agencies.changed) {
    await trx('agencies').where({ id: c.id }).update({
      name: c.row.name, parent_id: c.row.parentId, level: c.row.level, ...(c.row.kind === undefined ? {} : { kind: c.row.kind }),
      updated_at: trx.fn.now(),
    });
  }
  for (const p of plan.people.created) {
    await trx('people').insert({ id: p.personId, display_name: p.displayName, email: p.email ?? null, phone: p.phone ?? null });
  }
  for (const p of plan.people.changed) {
    const set: Record<string, unknown> = { updated_at: trx.fn.now() };
    if (p.changes.displayName) set.display_name = p.changes.displayName.to;
    if (p.changes.email) set.email = p.changes.email.to;
    if (p.changes.phone) set.phone = p.changes.phone.to;
    await trx('people').where({ id: p.id }).update(set);
  }
  // Positions first away from `head`, then the rest, so that one head per agency holds at every step.
  const changed = [...plan.memberships.changed].sort((a, b) => Number(a.changes.position?.to === 'head') - Number(b.changes.position?.to === 'head'));
  for (const m of changed) {
    await trx('agency_staff').where({ person_id: m.personId, agency_id: m.agencyId }).update({
      ...(m.changes.roles ? { roles: m.changes.roles.to as string[] } : {}),
      ...(m.changes.position ? { position: m.changes.position.to as string } : {}),
      updated_at: trx.fn.now(),
    });
  }
  for (const m of plan.memberships.created) {
    await trx('agency_staff').insert({ person_id: m.personId, agency_id: m.agencyId, roles: m.roles, position: m.position });
  }
}

function importReport(plan: ImportPlan, dryRun: boolean, under: string | null) {
  return {
    dryRun, applied: !dryRun, under,
    agencies: {
      created: plan.agencies.created.map((a) => a.id),
      changed: plan.agencies.changed.map(({ id, changes }) => ({ id, changes })),
      unchanged: plan.agencies.unchanged.length,
    },
    people: { created: plan.people.created.map((p) => p.personId), changed: plan.people.changed, unchanged: plan.people.unchanged.length },
    memberships: {
      created: plan.memberships.created.map((m) => ({ personId: m.personId, agencyId: m.agencyId })),
      changed: plan.memberships.changed,
      unchanged: plan.memberships.unchanged.length,
    },
  };
}

/** The people row of a user principal, created from the token when missing (name = token name or sub). */
async function selfPerson(db: Db, p: Principal): Promise<string> {
  if (p.type !== 'user') throw forbidden('Notification preferences belong to people: an API key has none');
  await db('people').insert({ id: p.id, display_name: (p.name ?? p.id).slice(0, 200) }).onConflict('id').ignore();
  return p.id;
}

async function preferencesOf(db: Db, personId: string) {
  return { personId, items: await createDirectoryStore(db).preferences(personId), defaults: { ...CHANNEL_DEFAULTS } };
}

// ---------- routes ----------

export const directoryRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/v1/agencies', operationId: 'createAgency', tags: ['Directory'],
    summary: 'Create an agency under one of the caller\'s subtree (a top-level agency: system_admin)',
    description: 'Placement: a province at the top; a commune directly under a province (two-level local government since '
      + '01/07/2025, Luật 72/2025/QH15); a department under any agency. Audited.',
    auth: { roles: ADMINS, scope: { kind: 'body-agency', field: 'parentId', nullFor: SYSTEM_ROLES } },
    request: { body: CreateAgency, bodyExample: { id: 'so-xay-dung', parentId: 'tinh-demo', name: 'Sở Xây dựng', level: 'department' } },
    responses: { 201: { description: 'The agency', schema: AgencyView } },
    handler: async ({ body, principal, services, requestId }) => {
      const db = services.deps.db;
      const store = createDirectoryStore(db);
      const created = await db.transaction(async (trx) => {
        if (await store.agency(body.id, trx)) throw conflict('id', `an agency ${body.id} exists already`);
        const parent = body.parentId === null ? null : await store.agency(body.parentId, trx);
        if (parent?.closedAt) throw rejected([{ path: 'parentId', message: `${parent.id} is closed` }]);
        const p = placementProblem(body.level, parent?.level ?? null);
        if (p) throw rejected([{ path: 'level', message: p }]);
        await trx('agencies').insert({ id: body.id, parent_id: body.parentId, name: body.name, level: body.level, kind: body.kind ?? null });
        const a = (await store.agency(body.id, trx))!;
        await services.audit.append({ actor: actorOf(principal), action: 'agency.created', requestId, after: { id: a.id, parentId: a.parentId, name: a.name, level: a.level, kind: a.kind } }, trx);
        return a;
      });
      services.agencies.invalidate();
      return { status: 201, body: agencyView(created) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/agencies/:id', operationId: 'getAgency', tags: ['Directory'],
    summary: 'An agency of the caller\'s subtree with its head, deputies and the agencies directly below it',
    auth: { roles: ROLES, scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams },
    responses: { 200: { description: 'The agency', schema: AgencyDetail } },
    handler: async ({ params, services }) => {
      const db = services.deps.db;
      const a = await loadAgency(db, params.id);
      const staff = await createDirectoryStore(db).staff(a.id);
      const summary = (s: (typeof staff)[number]) => ({ id: s.personId, displayName: s.person.displayName });
      const head = staff.find((s) => s.position === 'head' && s.person.active);
      const children = (await db('agencies').where({ parent_id: a.id }).orderBy('id').select<Array<{ id: string }>>('id')).map((r) => r.id);
      return {
        body: {
          ...agencyView(a), head: head ? summary(head) : null, deputies: staff.filter((s) => s.position === 'deputy' && s.person.active).map(summary), children,
          links: { staff: `/v1/agencies/${a.id}/staff`, closure: a.closedAt ? `/v1/agencies/${a.id}/closure` : null },
        },
      };
    },
  }),
  defineRoute({
    method: 'patch', path: '/v1/agencies/:id', operationId: 'updateAgency', tags: ['Directory'],
    summary: 'Rename an agency (or mark it the inspectorate of its level)', description: 'Audited with the old and new values.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams, body: UpdateAgency, bodyExample: { name: 'Sở Nông nghiệp và Môi trường' } },
    responses: { 200: { description: 'The agency', schema: AgencyView } },
    handler: async ({ params, body, principal, services, requestId }) => {
      const db = services.deps.db;
      const store = createDirectoryStore(db);
      const updated = await db.transaction(async (trx) => {
        const a = (await trx('agencies').where({ id: params.id }).forUpdate().first()) ? (await store.agency(params.id, trx))! : undefined;
        if (!a) throw problems.notFound(`Agency ${params.id}`);
        refuseClosed(a);
        const set: Record<string, unknown> = {};
        if (body.name !== undefined && body.name !== a.name) set.name = body.name;
        if (body.kind !== undefined && body.kind !== a.kind) set.kind = body.kind;
        if (Object.keys(set).length === 0) return a;
        await trx('agencies').where({ id: a.id }).update({ ...set, updated_at: trx.fn.now() });
        await services.audit.append({
          actor: actorOf(principal), action: 'agency.updated', requestId,
          before: { id: a.id, ...Object.fromEntries(Object.keys(set).map((k) => [k, a[k as 'name' | 'kind']])) }, after: { id: a.id, ...set },
        }, trx);
        return (await store.agency(a.id, trx))!;
      });
      services.agencies.invalidate();
      return { body: agencyView(updated) };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/agencies/:id/move', operationId: 'moveAgency', tags: ['Directory'],
    summary: 'Move an agency (and everything below it) under another parent of the caller\'s subtree',
    description: 'By an admin of an agency above it (403 for its own admins). The new parent must be open, in the caller\'s subtree, '
      + 'not the agency or below it, and fit the placement rules (422 naming parentId). Open tasks routed to a case agency\'s parent or '
      + 'inspectorate in the moved subtree are re-routed at once (ADR 0010). Audited.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams, body: MoveAgency, bodyExample: { parentId: 'so-tnmt' } },
    responses: { 200: { description: 'The agency (unchanged when it already had that parent)', schema: AgencyView } },
    handler: async ({ params, body, principal, subtree, services, requestId }) => {
      refuseOwnAgency({ principal }, params.id, 'moved');
      const db = services.deps.db;
      const store = createDirectoryStore(db);
      const moved = await db.transaction(async (trx) => {
        await trx.raw('LOCK TABLE agencies IN SHARE ROW EXCLUSIVE MODE');
        const a = await store.agency(params.id, trx);
        if (!a) throw problems.notFound(`Agency ${params.id}`);
        refuseClosed(a);
        if (a.parentId === body.parentId) return a;
        const parent = await openAgencyIn(trx, subtree, body.parentId, 'parentId');
        const all = await store.allAgencies(trx);
        const parentOf = new Map(all.map((x) => [x.id, x.parentId]));
        if (lineage(parent.id, parentOf).ids.includes(a.id)) {
          throw rejected([{ path: 'parentId', message: `${parent.id} is ${a.id} or below it: an agency cannot move under itself` }]);
        }
        const p = placementProblem(a.level, parent.level);
        if (p) throw rejected([{ path: 'parentId', message: p }]);
        await trx('agencies').where({ id: a.id }).update({ parent_id: parent.id, updated_at: trx.fn.now() });
        parentOf.set(a.id, parent.id);
        const below = all.filter((x) => lineage(x.id, parentOf).ids.includes(a.id)).map((x) => x.id);
        const rerouted = await rerouteTasks(trx, below);
        await services.audit.append({
          actor: actorOf(principal), action: 'agency.moved', requestId,
          before: { id: a.id, parentId: a.parentId }, after: { id: a.id, parentId: parent.id, reroutedTasks: rerouted },
        }, trx);
        return (await store.agency(a.id, trx))!;
      });
      services.agencies.invalidate();
      return { body: agencyView(moved) };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/agencies/:id/close', operationId: 'closeAgency', tags: ['Directory'],
    summary: 'Close an agency: its open cases move to its successor in the background (202)',
    description: 'By an admin of an agency above it (403 for its own admins). The successor must be open, in the caller\'s subtree and '
      + 'not below the agency (422 naming successorId); agencies still open below it are moved or closed first (409). The agency is '
      + 'closed at once (no new case can name it: 422 agency-closed on POST /v1/cases); a durable workflow (agencyClosureWorkflow) then tells each '
      + 'open case its new agency, moves the read model and audits every case moved (`case.agency_moved`). Progress: the closure link.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: {
      params: AgencyParams, body: CloseAgency,
      bodyExample: { successorId: 'so-tnmt', reason: 'Sáp nhập theo Nghị quyết 202/2025/QH15' },
    },
    responses: { 202: { description: 'Closed; its cases are moving (see `closure`)', schema: z.object({ agency: AgencyView, closure: ClosureView }) } },
    handler: async ({ params, body, principal, subtree, services, requestId }) => {
      refuseOwnAgency({ principal }, params.id, 'closed');
      const { deps } = services;
      const db = deps.db;
      const store = createDirectoryStore(db);
      const closureId = randomUUID();
      const workflowId = `agency-closure-${closureId}`;
      const actor = actorOf(principal);
      const agency = await db.transaction(async (trx) => {
        await trx.raw('LOCK TABLE agencies IN SHARE ROW EXCLUSIVE MODE');
        const a = await store.agency(params.id, trx);
        if (!a) throw problems.notFound(`Agency ${params.id}`);
        refuseClosed(a);
        if (body.successorId === a.id) throw rejected([{ path: 'successorId', message: 'an agency cannot succeed itself' }]);
        const successor = await openAgencyIn(trx, subtree, body.successorId, 'successorId');
        const all = await store.allAgencies(trx);
        if (lineage(successor.id, new Map(all.map((x) => [x.id, x.parentId]))).ids.includes(a.id)) {
          throw rejected([{ path: 'successorId', message: `${successor.id} is below ${a.id}: move it out first` }]);
        }
        const children = await store.openChildren(a.id, trx);
        if (children.length > 0) {
          throw conflict('id', `agencies are still open below ${a.id} (${children.slice(0, 10).join(', ')}${children.length > 10 ? ', …' : ''}): move or close them first`);
        }
        await trx('agencies').where({ id: a.id }).update({ closed_at: trx.fn.now(), successor_id: successor.id, updated_at: trx.fn.now() });
        await trx('agency_closures').insert({
          id: closureId, agency_id: a.id, successor_id: successor.id, workflow_id: workflowId, status: 'running', requested_by: JSON.stringify(actor),
        });
        await services.audit.append({
          actor, action: 'agency.closed', requestId, before: { id: a.id, closedAt: null },
          after: { id: a.id, successorId: successor.id, closureId, reason: body.reason },
        }, trx);
        return (await store.agency(a.id, trx))!;
      });
      services.agencies.invalidate();
      try {
        await deps.temporal.workflow.start('agencyClosureWorkflow', {
          taskQueue: deps.taskQueue, workflowId,
          args: [{ closureId, agencyId: agency.id, successorId: agency.successorId!, reason: body.reason, actor }],
        });
      } catch (e) {
        deps.logger.warn({ err: e, agencyId: agency.id }, 'agency closed but the move of its cases did not start');
        await db('agency_closures').where({ id: closureId }).update({ status: 'not_started' });
      }
      const closure = await db('agency_closures').where({ id: closureId }).first();
      return { status: 202, body: { agency: agencyView(agency), closure: closureView(closure) } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/agencies/:id/closure', operationId: 'getAgencyClosure', tags: ['Directory'],
    summary: 'The closure of an agency and the progress of moving its cases to the successor',
    auth: { roles: ['auditor', 'admin', 'system_admin'], scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams },
    responses: { 200: { description: 'The closure (404: the agency is open)', schema: ClosureView } },
    handler: async ({ params, services }) => {
      const row = await services.deps.db('agency_closures').where({ agency_id: params.id }).orderBy('requested_at', 'desc').first();
      if (!row) throw problems.notFound(`Closure of agency ${params.id}`);
      return { body: closureView(row) };
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/agencies/import', operationId: 'importDirectory', tags: ['Directory'],
    summary: 'Import agencies and staff from a file (JSON or CSV); `dryRun=true` reports what would change',
    description: 'All or nothing: the whole file is checked against the directory first (ids, parents, placement, one head per agency, '
      + 'every agency within `under`) and any error rejects it (422 naming the rows: `agencies[3].parentId`); nothing is written then. '
      + 'Agencies and memberships the file does not name are left as they are (an import never closes or removes). `under` (default: '
      + 'the caller\'s agency) is the agency whose subtree the file describes; `under=system` lets a system_admin create top-level '
      + 'agencies. Audited (one `directory.imported` entry with the report).',
    auth: { roles: ADMINS, scope: { kind: 'governing-agency', param: 'under', systemRoles: SYSTEM_ROLES } },
    request: {
      query: z.strictObject({
        under: z.string().max(64).optional().meta({ description: 'An agency of the caller\'s subtree, or `system` (system_admin)' }),
        dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
      }),
      body: ImportBody,
      bodyExample: {
        agencies: [{ id: 'so-tnmt', parentId: 'tinh-demo', name: 'Sở Tài nguyên và Môi trường', level: 'department' }],
        staff: [{ personId: 'giam-doc-so-tnmt', displayName: 'Trần Thị Bình', email: 'giam-doc@so-tnmt.kntc.local', agencyId: 'so-tnmt', roles: ['supervisor'], position: 'member' }],
      },
      textImport: {
        contentTypes: DIRECTORY_TEXT_TYPES,
        description: 'JSON `{ agencies, staff }`, or one CSV list (Content-Type: text/csv) whose header names it: '
          + '`id,parentId,name,level,kind` (agencies) or `personId,displayName,email,phone,agencyId,roles,position` (staff; roles '
          + 'separated by spaces or `;`). An empty cell leaves the value as it is (an empty parentId: a top-level agency).',
        convert: async (text) => csvToImport(text),
      },
    },
    responses: { 200: { description: 'What the import changed (or would change: dryRun)', schema: ImportReport } },
    handler: async ({ query, body, governingAgency, principal, services, requestId }) => {
      const db = services.deps.db;
      const store = createDirectoryStore(db);
      const under = governingAgency ?? null;
      const check = async (trx: Db): Promise<ImportPlan> => {
        const personIds = [...new Set(body.staff.map((s) => s.personId))];
        const agencyIds = [...new Set(body.staff.map((s) => s.agencyId))];
        const people = personIds.length === 0 ? [] : await trx('people').whereIn('id', personIds);
        const memberships = body.staff.length === 0 ? []
          : await trx('agency_staff').whereIn('agency_id', agencyIds).orWhereIn('person_id', personIds);
        const { errors, plan } = planImport(body, {
          agencies: await store.allAgencies(trx),
          people: new Map(people.map((r: Record<string, unknown>) => [r.id as string, personOf(r)])),
          memberships: memberships.map(membershipOf),
        }, under);
        if (errors.length > 0) throw rejected(errors, 'The file is not valid: nothing was imported');
        return plan;
      };
      // A dry run reads in a read-only transaction; an import locks the tree (no concurrent change) and
      // writes everything in one transaction, or nothing.
      const plan = query.dryRun
        ? await db.transaction(check, { readOnly: true })
        : await db.transaction(async (trx) => {
          await trx.raw('LOCK TABLE agencies IN SHARE ROW EXCLUSIVE MODE');
          const p = await check(trx);
          await applyImport(trx, p);
          await services.audit.append({
            actor: actorOf(principal), action: 'directory.imported', requestId, after: importReport(p, false, under),
          }, trx);
          return p;
        });
      if (!query.dryRun) services.agencies.invalidate();
      return { body: importReport(plan, query.dryRun, under) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/agencies/:id/staff', operationId: 'listAgencyStaff', tags: ['Directory'],
    summary: 'An agency\'s staff: head, deputies and members with their roles and contacts',
    auth: { roles: DIRECTORY_READERS, scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams },
    responses: { 200: { description: 'Head first, then deputies, then members', schema: z.object({ items: z.array(StaffView) }) } },
    handler: async ({ params, services }) => {
      await loadAgency(services.deps.db, params.id);
      const staff = await createDirectoryStore(services.deps.db).staff(params.id);
      return { body: { items: staff.map((s) => ({ ...membershipView(s), person: personView(s.person) })) } };
    },
  }),
  defineRoute({
    method: 'put', path: '/v1/agencies/:id/staff/:personId', operationId: 'putAgencyStaff', tags: ['Directory'],
    summary: 'Make a person staff of an agency (or change their roles and position there); creates the person when new',
    description: 'An agency has one head: naming a second answers 409 (make the current head a deputy or member first). Audited.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: {
      params: StaffParams, body: PutStaff,
      bodyExample: { roles: ['officer'], position: 'member', person: { displayName: 'Nguyễn Thị Hoa', email: 'hoa@so-tnmt.kntc.local' } },
    },
    responses: {
      200: { description: 'The membership changed', schema: StaffView },
      201: { description: 'The membership created', schema: StaffView },
    },
    handler: async ({ params, body, principal, services, requestId }) => {
      const db = services.deps.db;
      const store = createDirectoryStore(db);
      const { created, member } = await db.transaction(async (trx) => {
        const a = await store.agency(params.id, trx);
        if (!a) throw problems.notFound(`Agency ${params.id}`);
        refuseClosed(a);
        const person = await store.person(params.personId, trx);
        if (!person && !body.person) throw rejected([{ path: 'person.displayName', message: `${params.personId} is not in the directory yet: give the person's name` }]);
        if (!person) {
          await trx('people').insert({ id: params.personId, display_name: body.person!.displayName, email: body.person!.email ?? null, phone: body.person!.phone ?? null });
        } else if (body.person) {
          await trx('people').where({ id: person.id }).update({
            display_name: body.person.displayName,
            ...(body.person.email !== undefined ? { email: body.person.email } : {}),
            ...(body.person.phone !== undefined ? { phone: body.person.phone } : {}),
            updated_at: trx.fn.now(),
          });
        }
        if (body.position === 'head') {
          const head = await trx('agency_staff').where({ agency_id: a.id, position: 'head' }).whereNot({ person_id: params.personId }).first('person_id');
          if (head) throw conflict('position', `${a.id} has a head already (${head.person_id as string}): make them a deputy or member first`);
        }
        const before = await trx('agency_staff').where({ person_id: params.personId, agency_id: a.id }).first();
        await trx('agency_staff').insert({ person_id: params.personId, agency_id: a.id, roles: body.roles, position: body.position })
          .onConflict(['person_id', 'agency_id']).merge({ roles: body.roles, position: body.position, updated_at: trx.fn.now() });
        await services.audit.append({
          actor: actorOf(principal), action: before ? 'staff.changed' : 'staff.added', requestId,
          before: before ? { personId: params.personId, agencyId: a.id, roles: before.roles, position: before.position } : null,
          after: {
            personId: params.personId, agencyId: a.id, roles: body.roles, position: body.position,
            ...(body.person ? { personFields: Object.keys(body.person).sort() } : {}),
          },
        }, trx);
        const m = (await store.staff(a.id, trx)).find((s) => s.personId === params.personId)!;
        return { created: !before, member: m };
      });
      return { status: created ? 201 : 200, body: { ...membershipView(member), person: personView(member.person) } };
    },
  }),
  defineRoute({
    method: 'delete', path: '/v1/agencies/:id/staff/:personId', operationId: 'removeAgencyStaff', tags: ['Directory'],
    summary: 'Remove a person from an agency\'s staff (the person stays in the directory)',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: { params: StaffParams },
    responses: { 204: { description: 'Removed (also when they were not staff there)' } },
    handler: async ({ res, params, principal, services, requestId }) => {
      const db = services.deps.db;
      await db.transaction(async (trx) => {
        const gone = await trx('agency_staff').where({ person_id: params.personId, agency_id: params.id }).delete().returning(['roles', 'position']);
        if (gone.length > 0) {
          await services.audit.append({
            actor: actorOf(principal), action: 'staff.removed', requestId,
            before: { personId: params.personId, agencyId: params.id, roles: gone[0].roles, position: gone[0].position },
          }, trx);
        }
      });
      res.status(204).end();
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/people', operationId: 'listPeople', tags: ['Directory'],
    summary: 'People with a membership of an agency in the caller\'s subtree',
    auth: { roles: DIRECTORY_READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        agencyId: AgencyId.optional().meta({ description: 'Only staff of this agency (within the caller\'s subtree)' }),
        after: PeopleCursor.optional(), limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: { 200: { description: 'People by id; `next` is the URL of the following page', schema: z.object({ items: z.array(PersonView), next: z.string().nullable() }) } },
    handler: async ({ query, subtree, services }) => {
      // Narrowing to an agency outside the caller's subtree finds nothing that exists for them: 404.
      if (query.agencyId && !subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
      const rows = await createDirectoryStore(services.deps.db).peopleIn(subtree, {
        ...(query.agencyId ? { agencyId: query.agencyId } : {}), ...(query.after ? { after: query.after } : {}), limit: query.limit,
      });
      const last = rows[rows.length - 1];
      const next = rows.length === query.limit && last
        ? `/v1/people?${new URLSearchParams({ ...(query.agencyId ? { agencyId: query.agencyId } : {}), after: encodePeopleCursor(last.id), limit: String(query.limit) })}`
        : null;
      return { body: { items: rows.map(personView), next } };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/people/:id', operationId: 'getPerson', tags: ['Directory'],
    summary: 'A person with their memberships within the caller\'s subtree',
    auth: { roles: DIRECTORY_READERS, scope: { kind: 'person', param: 'id' } },
    request: { params: PersonParams },
    responses: { 200: { description: 'The person', schema: PersonDetail } },
    handler: async ({ params, subtree, services }) => {
      const store = createDirectoryStore(services.deps.db);
      const p = await store.person(params.id);
      if (!p) throw problems.notFound(`Person ${params.id}`);
      const memberships = (await store.memberships(p.id)).filter((m) => subtree.includes(m.agencyId));
      return { body: { ...personView(p), memberships: memberships.map(membershipView) } };
    },
  }),
  defineRoute({
    method: 'patch', path: '/v1/people/:id', operationId: 'updatePerson', tags: ['Directory'],
    summary: 'Change a person\'s name, contact addresses or active flag (inactive: reached by no notification)',
    description: 'Audited (the fields changed, not their values).',
    auth: { roles: ADMINS, scope: { kind: 'person', param: 'id' } },
    request: { params: PersonParams, body: UpdatePerson, bodyExample: { email: 'hoa.nt@so-tnmt.kntc.local', phone: '+84912345678' } },
    responses: { 200: { description: 'The person', schema: PersonView } },
    handler: async ({ params, body, principal, services, requestId }) => {
      const db = services.deps.db;
      const store = createDirectoryStore(db);
      const p = await db.transaction(async (trx) => {
        const set: Record<string, unknown> = {};
        if (body.displayName !== undefined) set.display_name = body.displayName;
        if (body.email !== undefined) set.email = body.email;
        if (body.phone !== undefined) set.phone = body.phone;
        if (body.active !== undefined) set.active = body.active;
        const n = await trx('people').where({ id: params.id }).update({ ...set, updated_at: trx.fn.now() });
        if (n === 0) throw problems.notFound(`Person ${params.id}`);
        await services.audit.append({
          actor: actorOf(principal), action: 'person.updated', requestId,
          after: { personId: params.id, fields: Object.keys(body).sort(), ...(body.active !== undefined ? { active: body.active } : {}) },
        }, trx);
        return (await store.person(params.id, trx))!;
      });
      return { body: personView(p) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/people/:id/notification-preferences', operationId: 'getPersonPreferences', tags: ['Directory'],
    summary: 'A person\'s notification preferences (per channel and kind; `*` = every kind)',
    auth: { roles: DIRECTORY_READERS, scope: { kind: 'person', param: 'id' } },
    request: { params: PersonParams },
    responses: { 200: { description: 'The preferences and the defaults of channels without one', schema: Preferences } },
    handler: async ({ params, services }) => ({ body: await preferencesOf(services.deps.db, params.id) }),
  }),
  defineRoute({
    method: 'put', path: '/v1/people/:id/notification-preferences', operationId: 'putPersonPreferences', tags: ['Directory'],
    summary: 'Replace a person\'s notification preferences',
    description: 'A row for a notification kind wins over the `*` row of its channel; a channel with neither takes the default. Audited.',
    auth: { roles: ADMINS, scope: { kind: 'person', param: 'id' } },
    request: {
      params: PersonParams, body: PutPreferences,
      bodyExample: { items: [{ channel: 'sms', kind: '*', enabled: true }, { channel: 'email', kind: 'mass_case_received', enabled: false }] },
    },
    responses: { 200: { description: 'The preferences', schema: Preferences } },
    handler: async ({ params, body, principal, services, requestId }) => {
      const db = services.deps.db;
      await db.transaction(async (trx) => {
        await createDirectoryStore(db).replacePreferences(params.id, body.items, trx);
        await services.audit.append({ actor: actorOf(principal), action: 'person.preferences_set', requestId, after: { personId: params.id, items: body.items } }, trx);
      });
      return { body: await preferencesOf(db, params.id) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/me/notification-preferences', operationId: 'getMyPreferences', tags: ['Directory'],
    summary: 'The caller\'s own notification preferences',
    auth: { roles: ROLES, scope: { kind: 'none' } },
    responses: { 200: { description: 'The preferences (none stored: the defaults apply)', schema: Preferences } },
    handler: async ({ principal, services }) => {
      if (principal!.type !== 'user') throw forbidden('Notification preferences belong to people: an API key has none');
      return { body: await preferencesOf(services.deps.db, principal!.id) };
    },
  }),
  defineRoute({
    method: 'put', path: '/v1/me/notification-preferences', operationId: 'putMyPreferences', tags: ['Directory'],
    summary: 'Replace the caller\'s own notification preferences (a person not in the directory yet is added, by the token\'s name)',
    auth: { roles: ROLES, scope: { kind: 'none' } },
    request: { body: PutPreferences, bodyExample: { items: [{ channel: 'email', kind: '*', enabled: false }] } },
    responses: { 200: { description: 'The preferences', schema: Preferences } },
    handler: async ({ body, principal, services, requestId }) => {
      const db = services.deps.db;
      const id = await selfPerson(db, principal!);
      await db.transaction(async (trx) => {
        await createDirectoryStore(db).replacePreferences(id, body.items, trx);
        await services.audit.append({ actor: actorOf(principal), action: 'person.preferences_set', requestId, after: { personId: id, items: body.items } }, trx);
      });
      return { body: await preferencesOf(db, id) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/tasks/:id/candidates', operationId: 'listTaskCandidates', tags: ['Tasks'],
    summary: 'Who in the directory may work this task: staff holding one of its candidate roles at the agency it is routed to or above',
    description: 'From the directory (ADR 0024): active people with a membership of the task\'s target agency or an agency above it '
      + 'whose roles there include one of the task\'s candidate roles — the people the API\'s own rule (a role of the token, the '
      + 'target agency in its subtree: ADR 0010, 0013) admits, as far as the directory knows them. Target agency staff first.',
    auth: { roles: TASK_READERS, scope: { kind: 'task', param: 'id' } },
    request: { params: z.object({ id: z.string().min(3).max(200) }) },
    responses: { 200: { description: 'The candidates', schema: z.object({ taskId: z.string(), targetAgencyId: z.string(), candidateRoles: z.array(z.string()), items: z.array(Candidate) }) } },
    handler: async ({ params, services }) => {
      const { caseId, taskId } = splitTaskId(params.id);
      const t = await createTaskSearch(services.deps.db).get(caseId, taskId);
      if (!t) throw problems.notFound(`Task ${params.id}`);
      const target = t.targetAgencyId ?? t.agencyId;
      const line = await services.agencies.ancestors(target);
      const rows = line.length === 0 ? [] : await services.deps.db('agency_staff as s').join('people as p', 'p.id', 's.person_id')
        .whereIn('s.agency_id', line).where('p.active', true).whereRaw('s.roles && ?::text[]', [t.candidateRoles])
        .select<Array<{ person_id: string; display_name: string; agency_id: string; position: string; roles: string[] }>>(
          's.person_id', 'p.display_name', 's.agency_id', 's.position', 's.roles');
      const depth = (a: string) => line.indexOf(a);
      const rank = (p: string) => (p === 'head' ? 0 : p === 'deputy' ? 1 : 2);
      rows.sort((a, b) => depth(a.agency_id) - depth(b.agency_id) || rank(a.position) - rank(b.position) || a.display_name.localeCompare(b.display_name, 'vi'));
      return {
        body: {
          taskId: params.id, targetAgencyId: target, candidateRoles: t.candidateRoles,
          items: rows.map((r) => ({
            personId: r.person_id, displayName: r.display_name, agencyId: r.agency_id, position: r.position as 'head' | 'deputy' | 'member',
            roles: r.roles.filter((x) => t.candidateRoles.includes(x)), atTargetAgency: r.agency_id === target, assignee: t.assignee === r.person_id,
          })),
        },
      };
    },
  }),
];
