/**
 * The agency and staff directory (issue 13.1, ADR 0024): agencies created, renamed, moved and closed
 * (a closed agency's open cases move to its successor in the background: agencyClosureWorkflow), the
 * tree and staff imported from a JSON or CSV file (dry run; all or nothing), people with their roles
 * and position per agency, and their notification preferences. Every change is audited; every route
 * acts within the caller's agency subtree (a top-level agency: system_admin only).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { AGENCY_ROLES, ROLES, SYSTEM_ROLES } from '../auth/principal.js';
import { forbidden } from '../auth/errors.js';
import { problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { splitTaskId } from '../routing/mount.js';
import { AgencyId } from '../schemas.js';
import { LEVELS, POSITIONS, type AgencyRecord, type MembershipRecord, type PersonRecord } from '../../db/directory.js';
import { MAX_IMPORT_ROWS } from '../services/directory.js';
import type { ImportPlan } from '../../directory/agency-rules.js';
import { CHANNELS } from '../../directory/recipients.js';

const ADMINS = ['admin', 'system_admin'] as const;
const DIRECTORY_READERS = ['supervisor', 'auditor', 'admin', 'system_admin'] as const;
const TASK_READERS = ['intake', 'officer', 'supervisor', 'admin'] as const;
/** CSV bodies accepted by the import (JSON otherwise). */
export const DIRECTORY_TEXT_TYPES = ['text/csv'];
export { MAX_IMPORT_ROWS };

// ---------- schemas ----------

const PersonId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "the identity provider's subject: visible ASCII")
  .meta({ description: "A person's id: the identity provider's subject (`sub`) of that person", example: 'a1b2c3' });
const Name = z.string().trim().min(1).max(200);
const Email = z.email().max(254);
const Phone = z.string().regex(/^\+?[0-9][0-9 .()-]{5,19}$/, 'a phone number such as +84912345678');
const Level = z.enum(LEVELS);
const Kind = z.enum(['inspectorate']).nullable().meta({
  description: '`inspectorate`: the state inspectorate of its level (tasks scoped `inspectorate` go to it: ADR 0010)',
});
const Position = z.enum(POSITIONS);
const StaffRoles = z
  .array(z.enum(AGENCY_ROLES))
  .max(AGENCY_ROLES.length)
  .refine((r) => new Set(r).size === r.length, 'each role once')
  .meta({ description: "The product's role names (api/auth): intake, officer, supervisor, auditor, admin" });
const Reason = z.string().trim().min(1).max(1000);

const AgencyView = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    name: z.string(),
    level: Level,
    kind: z.string().nullable(),
    closedAt: z.string().nullable(),
    successorId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'DirectoryAgency' });
const PersonSummary = z.object({ id: z.string(), displayName: z.string() });
const AgencyDetail = AgencyView.extend({
  head: PersonSummary.nullable(),
  deputies: z.array(PersonSummary),
  children: z.array(z.string()),
  links: z.object({ staff: z.string(), closure: z.string().nullable() }),
}).meta({ id: 'AgencyDetail' });
const PersonView = z
  .object({
    id: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Person' });
const MembershipView = z
  .object({
    personId: z.string(),
    agencyId: z.string(),
    roles: z.array(z.string()),
    position: Position,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Membership' });
const StaffView = MembershipView.extend({ person: PersonView }).meta({ id: 'StaffMember' });
const PersonDetail = PersonView.extend({ memberships: z.array(MembershipView) }).meta({ id: 'PersonDetail' });
const Preference = z
  .strictObject({
    channel: z.enum(CHANNELS as ['email', 'sms', 'inapp']),
    kind: z
      .string()
      .min(1)
      .max(100)
      .regex(/^(\*|[a-z][a-z0-9_.-]*)$/, '`*` or a notification kind such as deadline_breach'),
    enabled: z.boolean(),
  })
  .meta({ id: 'NotificationPreference' });
const Preferences = z
  .object({
    personId: z.string(),
    items: z.array(Preference),
    defaults: z.object({ email: z.boolean(), sms: z.boolean(), inapp: z.boolean() }).meta({
      description: 'A channel without a preference row: in-app and email on (email needs an address), SMS off',
    }),
  })
  .meta({ id: 'NotificationPreferences' });
const PutPreferences = z
  .strictObject({ items: z.array(Preference).max(200) })
  .refine((b) => new Set(b.items.map((p) => `${p.channel} ${p.kind}`)).size === b.items.length, {
    message: 'each channel and kind once',
    path: ['items'],
  })
  .meta({ id: 'PutNotificationPreferences' });
const ClosureView = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    successorId: z.string(),
    workflowId: z.string(),
    status: z.enum(['running', 'completed', 'not_started']),
    moved: z.number().int(),
    skipped: z.number().int(),
    pages: z.number().int(),
    requestedBy: z.object({ type: z.string(), id: z.string(), agency: z.string().nullable() }),
    requestedAt: z.string(),
    finishedAt: z.string().nullable(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'AgencyClosure' });

const CreateAgency = z
  .strictObject({
    id: AgencyId,
    parentId: AgencyId.nullable().meta({ description: 'null: a top-level agency (a province; system_admin only)' }),
    name: Name,
    level: Level,
    kind: Kind.optional(),
  })
  .meta({ id: 'CreateAgency' });
const UpdateAgency = z
  .strictObject({ name: Name.optional(), kind: Kind.optional() })
  .refine((b) => b.name !== undefined || b.kind !== undefined, 'give name or kind')
  .meta({ id: 'UpdateAgency' });
const MoveAgency = z.strictObject({ parentId: AgencyId }).meta({ id: 'MoveAgency' });
const CloseAgency = z
  .strictObject({
    successorId: AgencyId.meta({ description: "The open agency that takes over the closed one's open cases" }),
    reason: Reason.meta({ description: 'Why, with its source (e.g. the reorganisation resolution)' }),
  })
  .meta({ id: 'CloseAgency' });
const PutStaff = z
  .strictObject({
    roles: StaffRoles,
    position: Position.default('member'),
    person: z
      .strictObject({ displayName: Name, email: Email.nullable().optional(), phone: Phone.nullable().optional() })
      .optional()
      .meta({
        description:
          "The person's name and contacts: required when the person is new to the directory, else updates them",
      }),
  })
  .meta({ id: 'PutStaff' });
const UpdatePerson = z
  .strictObject({
    displayName: Name.optional(),
    email: Email.nullable().optional(),
    phone: Phone.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field')
  .meta({ id: 'UpdatePerson' });

const ImportAgencyRow = z.strictObject({
  id: AgencyId,
  parentId: AgencyId.nullable(),
  name: Name,
  level: Level,
  kind: Kind.optional(),
});
const ImportStaffRow = z.strictObject({
  personId: PersonId,
  displayName: Name.optional(),
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  agencyId: AgencyId,
  roles: StaffRoles,
  position: Position.default('member'),
});
const ImportBody = z
  .strictObject({
    agencies: z.array(ImportAgencyRow).max(MAX_IMPORT_ROWS).default([]),
    staff: z.array(ImportStaffRow).max(MAX_IMPORT_ROWS).default([]),
  })
  .refine((b) => b.agencies.length + b.staff.length > 0, 'the file lists no agency and no staff')
  .meta({ id: 'DirectoryImport' });
const Change = z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }));
const ImportReport = z
  .object({
    dryRun: z.boolean(),
    applied: z.boolean(),
    under: z.string().nullable(),
    agencies: z.object({
      created: z.array(z.string()),
      changed: z.array(z.object({ id: z.string(), changes: Change })),
      unchanged: z.number().int(),
    }),
    people: z.object({
      created: z.array(z.string()),
      changed: z.array(z.object({ id: z.string(), changes: Change })),
      unchanged: z.number().int(),
    }),
    memberships: z.object({
      created: z.array(z.object({ personId: z.string(), agencyId: z.string() })),
      changed: z.array(z.object({ personId: z.string(), agencyId: z.string(), changes: Change })),
      unchanged: z.number().int(),
    }),
  })
  .meta({ id: 'DirectoryImportReport' });

const Candidate = z
  .object({
    personId: z.string(),
    displayName: z.string(),
    agencyId: z.string(),
    position: Position,
    roles: z
      .array(z.string())
      .meta({ description: "The person's roles at that agency that are candidate roles of the task" }),
    atTargetAgency: z
      .boolean()
      .meta({ description: 'A member of the agency the task is routed to (else of an agency above it)' }),
    assignee: z.boolean(),
  })
  .meta({ id: 'TaskCandidate' });

/** `after` of GET /v1/people: an opaque cursor (base64url JSON of the last person id). */
const encodePeopleCursor = (id: string) => Buffer.from(JSON.stringify({ p: id })).toString('base64url');
const PeopleCursor = z
  .string()
  .max(400)
  .transform((s, ctx) => {
    try {
      const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { p?: unknown };
      if (v && typeof v === 'object' && typeof v.p === 'string' && PersonId.safeParse(v.p).success) return v.p;
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
    return z.NEVER;
  })
  .meta({ description: "Cursor: the `after` value of the previous page's `next` link" });

const AgencyParams = z.object({ id: AgencyId });
const StaffParams = z.object({ id: AgencyId, personId: PersonId });
const PersonParams = z.object({ id: PersonId });

// ---------- helpers ----------

const agencyView = (a: AgencyRecord) => ({ ...a });
const personView = (p: PersonRecord) => ({ ...p });
const membershipView = (m: MembershipRecord) => ({ ...m });

function closureView(r: Record<string, unknown>) {
  const at = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    successorId: r.successor_id as string,
    workflowId: r.workflow_id as string,
    status: r.status as 'running' | 'completed' | 'not_started',
    moved: Number(r.moved),
    skipped: Number(r.skipped),
    pages: Number(r.pages),
    requestedBy: r.requested_by as { type: string; id: string; agency: string | null },
    requestedAt: at(r.requested_at)!,
    finishedAt: at(r.finished_at),
    links: { self: `/v1/agencies/${r.agency_id as string}/closure` },
  };
}

/** CSV header → field (camelCase and snake_case both accepted). */
const CSV_FIELDS: Record<string, string> = {
  id: 'id',
  parentid: 'parentId',
  parent_id: 'parentId',
  name: 'name',
  level: 'level',
  kind: 'kind',
  personid: 'personId',
  person_id: 'personId',
  displayname: 'displayName',
  display_name: 'displayName',
  email: 'email',
  phone: 'phone',
  agencyid: 'agencyId',
  agency_id: 'agencyId',
  roles: 'roles',
  position: 'position',
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
    rows = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
      max_record_size: 64_000,
    }) as string[][];
  } catch (e) {
    throw problems.validation([
      { path: '', message: `not a CSV file: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}` },
    ]);
  }
  if (rows.length > MAX_IMPORT_ROWS + 1)
    throw problems.validation([{ path: '', message: `more than ${MAX_IMPORT_ROWS} rows` }]);
  const [header, ...data] = rows;
  if (!header) throw problems.validation([{ path: '', message: 'an empty file' }]);
  const fields = header.map((h, i) => {
    const f = CSV_FIELDS[h.toLowerCase()];
    if (!f)
      throw problems.validation([
        { path: `header[${i}]`, message: `unknown column ${JSON.stringify(h.slice(0, 50))}` },
      ]);
    return f;
  });
  const staff = fields.includes('personId');
  const list = data.map((r) => {
    const o: Record<string, unknown> = {};
    r.forEach((cell, i) => {
      const f = fields[i]!;
      if (f === 'roles') o.roles = cell === '' ? [] : cell.split(/[\s;]+/).filter(Boolean);
      else if (cell === '') {
        if (f === 'parentId') o[f] = null;
      } else o[f] = cell;
    });
    return o;
  });
  return staff ? { staff: list } : { agencies: list };
}

function importReport(plan: ImportPlan, dryRun: boolean, under: string | null) {
  return {
    dryRun,
    applied: !dryRun,
    under,
    agencies: {
      created: plan.agencies.created.map((a) => a.id),
      changed: plan.agencies.changed.map(({ id, changes }) => ({ id, changes })),
      unchanged: plan.agencies.unchanged.length,
    },
    people: {
      created: plan.people.created.map((p) => p.personId),
      changed: plan.people.changed,
      unchanged: plan.people.unchanged.length,
    },
    memberships: {
      created: plan.memberships.created.map((m) => ({ personId: m.personId, agencyId: m.agencyId })),
      changed: plan.memberships.changed,
      unchanged: plan.memberships.unchanged.length,
    },
  };
}

// ---------- routes ----------

export const directoryRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/agencies',
    operationId: 'createAgency',
    tags: ['Directory'],
    summary: "Create an agency under one of the caller's subtree (a top-level agency: system_admin)",
    description:
      'Placement: a province at the top; a commune directly under a province (two-level local government since ' +
      '01/07/2025, Luật 72/2025/QH15); a department under any agency. Audited.',
    auth: { roles: ADMINS, scope: { kind: 'body-agency', field: 'parentId', nullFor: SYSTEM_ROLES } },
    request: {
      body: CreateAgency,
      bodyExample: { id: 'so-xay-dung', parentId: 'tinh-demo', name: 'Sở Xây dựng', level: 'department' },
    },
    responses: { 201: { description: 'The agency', schema: AgencyView } },
    handler: async ({ body, principal, services, requestId }) => {
      const created = await services.directory.createAgency(body, { principal, requestId });
      return { status: 201, body: agencyView(created) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/agencies/:id',
    operationId: 'getAgency',
    tags: ['Directory'],
    summary: "An agency of the caller's subtree with its head, deputies and the agencies directly below it",
    auth: { roles: ROLES, scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams },
    responses: { 200: { description: 'The agency', schema: AgencyDetail } },
    handler: async ({ params, services }) => {
      const { agency: a, staff, children } = await services.directory.agencyDetail(params.id);
      const summary = (s: (typeof staff)[number]) => ({ id: s.personId, displayName: s.person.displayName });
      const head = staff.find((s) => s.position === 'head' && s.person.active);
      return {
        body: {
          ...agencyView(a),
          head: head ? summary(head) : null,
          deputies: staff.filter((s) => s.position === 'deputy' && s.person.active).map(summary),
          children,
          links: { staff: `/v1/agencies/${a.id}/staff`, closure: a.closedAt ? `/v1/agencies/${a.id}/closure` : null },
        },
      };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/agencies/:id',
    operationId: 'updateAgency',
    tags: ['Directory'],
    summary: 'Rename an agency (or mark it the inspectorate of its level)',
    description: 'Audited with the old and new values.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams, body: UpdateAgency, bodyExample: { name: 'Sở Nông nghiệp và Môi trường' } },
    responses: { 200: { description: 'The agency', schema: AgencyView } },
    handler: async ({ params, body, principal, services, requestId }) => {
      const updated = await services.directory.updateAgency(params.id, body, { principal, requestId });
      return { body: agencyView(updated) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/agencies/:id/move',
    operationId: 'moveAgency',
    tags: ['Directory'],
    summary: "Move an agency (and everything below it) under another parent of the caller's subtree",
    description:
      "By an admin of an agency above it (403 for its own admins). The new parent must be open, in the caller's subtree, " +
      "not the agency or below it, and fit the placement rules (422 naming parentId). Open tasks routed to a case agency's parent or " +
      'inspectorate in the moved subtree are re-routed at once (ADR 0010). Audited.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams, body: MoveAgency, bodyExample: { parentId: 'so-tnmt' } },
    responses: { 200: { description: 'The agency (unchanged when it already had that parent)', schema: AgencyView } },
    handler: async ({ params, body, principal, subtree, services, requestId }) => {
      const moved = await services.directory.moveAgency(params.id, body.parentId, subtree, { principal, requestId });
      return { body: agencyView(moved) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/agencies/:id/close',
    operationId: 'closeAgency',
    tags: ['Directory'],
    summary: 'Close an agency: its open cases move to its successor in the background (202)',
    description:
      "By an admin of an agency above it (403 for its own admins). The successor must be open, in the caller's subtree and " +
      'not below the agency (422 naming successorId); agencies still open below it are moved or closed first (409). The agency is ' +
      'closed at once (no new case can name it: 422 agency-closed on POST /v1/cases); a durable workflow (agencyClosureWorkflow) then tells each ' +
      'open case its new agency, moves the read model and audits every case moved (`case.agency_moved`). Progress: the closure link.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: {
      params: AgencyParams,
      body: CloseAgency,
      bodyExample: { successorId: 'so-tnmt', reason: 'Sáp nhập theo Nghị quyết 202/2025/QH15' },
    },
    responses: {
      202: {
        description: 'Closed; its cases are moving (see `closure`)',
        schema: z.object({ agency: AgencyView, closure: ClosureView }),
      },
    },
    handler: async ({ params, body, principal, subtree, services, requestId }) => {
      const { agency, start } = await services.directory.closeAgency(params.id, body, subtree, {
        principal,
        requestId,
      });
      const closure = await start();
      return { status: 202, body: { agency: agencyView(agency), closure: closureView(closure) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/agencies/:id/closure',
    operationId: 'getAgencyClosure',
    tags: ['Directory'],
    summary: 'The closure of an agency and the progress of moving its cases to the successor',
    auth: { roles: ['auditor', 'admin', 'system_admin'], scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams },
    responses: { 200: { description: 'The closure (404: the agency is open)', schema: ClosureView } },
    handler: async ({ params, services }) => {
      const row = await services.directory.closureOf(params.id);
      if (!row) throw problems.notFound(`Closure of agency ${params.id}`);
      return { body: closureView(row) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/agencies/import',
    operationId: 'importDirectory',
    tags: ['Directory'],
    summary: 'Import agencies and staff from a file (JSON or CSV); `dryRun=true` reports what would change',
    description:
      'All or nothing: the whole file is checked against the directory first (ids, parents, placement, one head per agency, ' +
      'every agency within `under`) and any error rejects it (422 naming the rows: `agencies[3].parentId`); nothing is written then. ' +
      'Agencies and memberships the file does not name are left as they are (an import never closes or removes). `under` (default: ' +
      "the caller's agency) is the agency whose subtree the file describes; `under=system` lets a system_admin create top-level " +
      'agencies. Audited (one `directory.imported` entry with the report).',
    auth: { roles: ADMINS, scope: { kind: 'governing-agency', param: 'under', systemRoles: SYSTEM_ROLES } },
    request: {
      query: z.strictObject({
        under: z
          .string()
          .max(64)
          .optional()
          .meta({ description: "An agency of the caller's subtree, or `system` (system_admin)" }),
        dryRun: z
          .enum(['true', 'false'])
          .default('false')
          .transform((v) => v === 'true'),
      }),
      body: ImportBody,
      bodyExample: {
        agencies: [{ id: 'so-tnmt', parentId: 'tinh-demo', name: 'Sở Tài nguyên và Môi trường', level: 'department' }],
        staff: [
          {
            personId: 'giam-doc-so-tnmt',
            displayName: 'Trần Thị Bình',
            email: 'giam-doc@so-tnmt.kntc.local',
            agencyId: 'so-tnmt',
            roles: ['supervisor'],
            position: 'member',
          },
        ],
      },
      textImport: {
        contentTypes: DIRECTORY_TEXT_TYPES,
        description:
          'JSON `{ agencies, staff }`, or one CSV list (Content-Type: text/csv) whose header names it: ' +
          '`id,parentId,name,level,kind` (agencies) or `personId,displayName,email,phone,agencyId,roles,position` (staff; roles ' +
          'separated by spaces or `;`). An empty cell leaves the value as it is (an empty parentId: a top-level agency).',
        convert: async (text) => csvToImport(text),
      },
    },
    responses: { 200: { description: 'What the import changed (or would change: dryRun)', schema: ImportReport } },
    handler: async ({ query, body, governingAgency, principal, services, requestId }) => {
      const under = governingAgency ?? null;
      const plan = await services.directory.importFile(body, under, query.dryRun, { principal, requestId }, (p) =>
        importReport(p, false, under),
      );
      return { body: importReport(plan, query.dryRun, under) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/agencies/:id/staff',
    operationId: 'listAgencyStaff',
    tags: ['Directory'],
    summary: "An agency's staff: head, deputies and members with their roles and contacts",
    auth: { roles: DIRECTORY_READERS, scope: { kind: 'agency', param: 'id' } },
    request: { params: AgencyParams },
    responses: {
      200: { description: 'Head first, then deputies, then members', schema: z.object({ items: z.array(StaffView) }) },
    },
    handler: async ({ params, services }) => {
      await services.directory.loadAgency(params.id);
      const staff = await services.directory.store.staff(params.id);
      return { body: { items: staff.map((s) => ({ ...membershipView(s), person: personView(s.person) })) } };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/agencies/:id/staff/:personId',
    operationId: 'putAgencyStaff',
    tags: ['Directory'],
    summary: 'Make a person staff of an agency (or change their roles and position there); creates the person when new',
    description:
      'An agency has one head: naming a second answers 409 (make the current head a deputy or member first). Audited.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: {
      params: StaffParams,
      body: PutStaff,
      bodyExample: {
        roles: ['officer'],
        position: 'member',
        person: { displayName: 'Nguyễn Thị Hoa', email: 'hoa@so-tnmt.kntc.local' },
      },
    },
    responses: {
      200: { description: 'The membership changed', schema: StaffView },
      201: { description: 'The membership created', schema: StaffView },
    },
    handler: async ({ params, body, principal, subtree, services, requestId }) => {
      const { created, member } = await services.directory.putStaff(params.id, params.personId, body, {
        principal,
        requestId,
        subtree,
      });
      return { status: created ? 201 : 200, body: { ...membershipView(member), person: personView(member.person) } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/agencies/:id/staff/:personId',
    operationId: 'removeAgencyStaff',
    tags: ['Directory'],
    summary: "Remove a person from an agency's staff (the person stays in the directory)",
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'id' } },
    request: { params: StaffParams },
    responses: { 204: { description: 'Removed (also when they were not staff there)' } },
    handler: async ({ res, params, principal, services, requestId }) => {
      await services.directory.removeStaff(params.id, params.personId, { principal, requestId });
      res.status(204).end();
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/people',
    operationId: 'listPeople',
    tags: ['Directory'],
    summary: "People with a membership of an agency in the caller's subtree",
    auth: { roles: DIRECTORY_READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        agencyId: AgencyId.optional().meta({ description: "Only staff of this agency (within the caller's subtree)" }),
        after: PeopleCursor.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: {
      200: {
        description: 'People by id; `next` is the URL of the following page',
        schema: z.object({ items: z.array(PersonView), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      // Narrowing to an agency outside the caller's subtree finds nothing that exists for them: 404.
      if (query.agencyId && !subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
      const rows = await services.directory.store.peopleIn(subtree, {
        ...(query.agencyId ? { agencyId: query.agencyId } : {}),
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      const next =
        rows.length === query.limit && last
          ? `/v1/people?${new URLSearchParams({ ...(query.agencyId ? { agencyId: query.agencyId } : {}), after: encodePeopleCursor(last.id), limit: String(query.limit) })}`
          : null;
      return { body: { items: rows.map(personView), next } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/people/:id',
    operationId: 'getPerson',
    tags: ['Directory'],
    summary: "A person with their memberships within the caller's subtree",
    auth: { roles: DIRECTORY_READERS, scope: { kind: 'person', param: 'id' } },
    request: { params: PersonParams },
    responses: { 200: { description: 'The person', schema: PersonDetail } },
    handler: async ({ params, subtree, services }) => {
      const store = services.directory.store;
      const p = await store.person(params.id);
      if (!p) throw problems.notFound(`Person ${params.id}`);
      const memberships = (await store.memberships(p.id)).filter((m) => subtree.includes(m.agencyId));
      return { body: { ...personView(p), memberships: memberships.map(membershipView) } };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/people/:id',
    operationId: 'updatePerson',
    tags: ['Directory'],
    summary: "Change a person's name, contact addresses or active flag (inactive: reached by no notification)",
    description: 'Audited (the fields changed, not their values).',
    auth: { roles: ADMINS, scope: { kind: 'person', param: 'id' } },
    request: {
      params: PersonParams,
      body: UpdatePerson,
      bodyExample: { email: 'hoa.nt@so-tnmt.kntc.local', phone: '+84912345678' },
    },
    responses: { 200: { description: 'The person', schema: PersonView } },
    handler: async ({ params, body, principal, services, requestId }) => {
      return { body: personView(await services.directory.updatePerson(params.id, body, { principal, requestId })) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/people/:id/notification-preferences',
    operationId: 'getPersonPreferences',
    tags: ['Directory'],
    summary: "A person's notification preferences (per channel and kind; `*` = every kind)",
    auth: { roles: DIRECTORY_READERS, scope: { kind: 'person', param: 'id' } },
    request: { params: PersonParams },
    responses: {
      200: { description: 'The preferences and the defaults of channels without one', schema: Preferences },
    },
    handler: async ({ params, services }) => ({ body: await services.directory.preferencesOf(params.id) }),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/people/:id/notification-preferences',
    operationId: 'putPersonPreferences',
    tags: ['Directory'],
    summary: "Replace a person's notification preferences",
    description:
      'A row for a notification kind wins over the `*` row of its channel; a channel with neither takes the default. Audited.',
    auth: { roles: ADMINS, scope: { kind: 'person', param: 'id' } },
    request: {
      params: PersonParams,
      body: PutPreferences,
      bodyExample: {
        items: [
          { channel: 'sms', kind: '*', enabled: true },
          { channel: 'email', kind: 'mass_case_received', enabled: false },
        ],
      },
    },
    responses: { 200: { description: 'The preferences', schema: Preferences } },
    handler: async ({ params, body, principal, services, requestId }) => {
      return { body: await services.directory.setPreferences(params.id, body.items, { principal, requestId }) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/me/notification-preferences',
    operationId: 'getMyPreferences',
    tags: ['Directory'],
    summary: "The caller's own notification preferences",
    auth: { roles: ROLES, scope: { kind: 'none' } },
    responses: { 200: { description: 'The preferences (none stored: the defaults apply)', schema: Preferences } },
    handler: async ({ principal, services }) => {
      if (principal.type !== 'user') throw forbidden('Notification preferences belong to people: an API key has none');
      return { body: await services.directory.preferencesOf(principal.id) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/me/notification-preferences',
    operationId: 'putMyPreferences',
    tags: ['Directory'],
    summary:
      "Replace the caller's own notification preferences (a person not in the directory yet is added, by the token's name)",
    auth: { roles: ROLES, scope: { kind: 'none' } },
    request: { body: PutPreferences, bodyExample: { items: [{ channel: 'email', kind: '*', enabled: false }] } },
    responses: { 200: { description: 'The preferences', schema: Preferences } },
    handler: async ({ body, principal, services, requestId }) => {
      const id = await services.directory.selfPerson(principal);
      return { body: await services.directory.setPreferences(id, body.items, { principal, requestId }) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tasks/:id/candidates',
    operationId: 'listTaskCandidates',
    tags: ['Tasks'],
    summary:
      'Who in the directory may work this task: staff holding one of its candidate roles at the agency it is routed to or above',
    description:
      "From the directory (ADR 0024): active people with a membership of the task's target agency or an agency above it " +
      "whose roles there include one of the task's candidate roles — the people the API's own rule (a role of the token, the " +
      'target agency in its subtree: ADR 0010, 0013) admits, as far as the directory knows them. Target agency staff first.',
    auth: { roles: TASK_READERS, scope: { kind: 'task', param: 'id' } },
    request: { params: z.object({ id: z.string().min(3).max(200) }) },
    responses: {
      200: {
        description: 'The candidates',
        schema: z.object({
          taskId: z.string(),
          targetAgencyId: z.string(),
          candidateRoles: z.array(z.string()),
          items: z.array(Candidate),
        }),
      },
    },
    handler: async ({ params, services }) => {
      const { caseId, taskId } = splitTaskId(params.id);
      const t = await services.taskSearch.get(caseId, taskId);
      if (!t) throw problems.notFound(`Task ${params.id}`);
      const target = t.targetAgencyId ?? t.agencyId;
      const line = await services.agencies.ancestors(target);
      const rows = await services.directory.staffWithRoles(line, t.candidateRoles);
      const depth = (a: string) => line.indexOf(a);
      const rank = (p: string) => (p === 'head' ? 0 : p === 'deputy' ? 1 : 2);
      rows.sort(
        (a, b) =>
          depth(a.agency_id) - depth(b.agency_id) ||
          rank(a.position) - rank(b.position) ||
          a.display_name.localeCompare(b.display_name, 'vi') ||
          (a.person_id < b.person_id ? -1 : a.person_id > b.person_id ? 1 : 0),
      );
      return {
        body: {
          taskId: params.id,
          targetAgencyId: target,
          candidateRoles: t.candidateRoles,
          items: rows.map((r) => ({
            personId: r.person_id,
            displayName: r.display_name,
            agencyId: r.agency_id,
            position: r.position as 'head' | 'deputy' | 'member',
            roles: r.roles.filter((x) => t.candidateRoles.includes(x)),
            atTargetAgency: r.agency_id === target,
            assignee: t.assignee === r.person_id,
          })),
        },
      };
    },
  }),
];
