import type { Knex } from 'knex';
import { ROLES } from '../api/auth/principal.js';
import { API_ROLE_OF } from '../processes/builtin/build.js';

export type Channel = 'email' | 'sms' | 'inapp';
export const CHANNELS: readonly Channel[] = ['email', 'sms', 'inapp'];

/** A person a notification reaches, with the channels their contact data and preferences allow. */
export interface Recipient {
  personId: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  /** In this order: email, sms, inapp. Empty when every channel is disabled. */
  channels: Channel[];
}

/**
 * Default of each channel when a person has no preference row for it: in-app and email on (email only
 * with an address), SMS off (a gateway costs money per message; enable it by preference, phone needed).
 */
export const CHANNEL_DEFAULTS: Readonly<Record<Channel, boolean>> = { email: true, sms: false, inapp: true };

/**
 * Who a notification's `to` references reach, from the directory (ADR 0024). `to` items are what the
 * built-in definitions put in notifications (processes/builtin: `notify(…, to)` → `recordNotification`)
 * and role names; each maps to staff of the case's agency `agencyId` or an agency related to it:
 *
 * | `to` item                                            | people                                                      |
 * |------------------------------------------------------|-------------------------------------------------------------|
 * | `agency_head`, `head`                                | the agency's head; when it has none (active), its deputies   |
 * | `deputy`, `deputies`                                 | the agency's deputies                                        |
 * | `higher_agency_head`, `parent`, `parent_head`        | the head (else deputies) of the agency directly above        |
 * | `same_level_inspectorate`, `inspectorate`, `inspector` | the head (else deputies) of the inspectorate serving the agency (nearest agency of kind `inspectorate` among its own and its ancestors' children, as task routing — ADR 0010) |
 * | an API role (`intake`, `officer`, `supervisor`, `auditor`, `admin`) | the agency's staff holding that role             |
 * | a functional role (`case_officer`, `resolver`, `verifier`, `letter_officer`, `reception_officer`) | the agency's staff holding its API role (`API_ROLE_OF`: officer / intake) |
 * | `role:<name>`                                        | the agency's staff holding role `<name>`                     |
 * | `person:<id>`                                        | that person                                                  |
 * | anything else (`complainant_or_representative`, `respondent`, `public`, `case_file`, …) | nobody: parties and outside bodies are not staff |
 *
 * A closed agency stands for its successor (followed to the open end of the chain). Inactive people are
 * left out; each person appears once, in the order the `to` items first reach them. Channels: a channel
 * needs its address (email, phone; in-app none) and must be enabled — the preference for `q.kind` if
 * there is one, else the person's `*` preference, else {@link CHANNEL_DEFAULTS}.
 */
export async function resolveRecipients(
  db: Knex,
  q: { agencyId: string; to: readonly string[]; kind?: string },
): Promise<Recipient[]> {
  const agencyId = await openAgency(db, q.agencyId);
  if (agencyId === null) return [];
  const wanted: Array<{
    kind: 'head' | 'deputies' | 'role' | 'person';
    agency: 'self' | 'parent' | 'inspectorate';
    arg?: string;
  }> = [];
  for (const raw of q.to) {
    const item = raw.trim();
    if (item === 'agency_head' || item === 'head') wanted.push({ kind: 'head', agency: 'self' });
    else if (item === 'deputy' || item === 'deputies') wanted.push({ kind: 'deputies', agency: 'self' });
    else if (item === 'higher_agency_head' || item === 'parent' || item === 'parent_head')
      wanted.push({ kind: 'head', agency: 'parent' });
    else if (item === 'same_level_inspectorate' || item === 'inspectorate' || item === 'inspector') {
      wanted.push({ kind: 'head', agency: 'inspectorate' });
    } else if ((ROLES as readonly string[]).includes(item)) wanted.push({ kind: 'role', agency: 'self', arg: item });
    else if (API_ROLE_OF[item]) wanted.push({ kind: 'role', agency: 'self', arg: API_ROLE_OF[item] });
    else if (item.startsWith('role:') && item.length > 5)
      wanted.push({ kind: 'role', agency: 'self', arg: item.slice(5) });
    else if (item.startsWith('person:') && item.length > 7)
      wanted.push({ kind: 'person', agency: 'self', arg: item.slice(7) });
  }
  if (wanted.length === 0) return [];

  const related = wanted.some((w) => w.agency !== 'self')
    ? await relatedAgencies(db, agencyId)
    : { parent: null, inspectorate: null };
  const agencyOf = (a: 'self' | 'parent' | 'inspectorate'): string | null =>
    a === 'self' ? agencyId : a === 'parent' ? related.parent : related.inspectorate;
  const agencies = [...new Set(wanted.map((w) => agencyOf(w.agency)).filter((a): a is string => a !== null))];

  const staff = await db('agency_staff as s')
    .join('people as p', 'p.id', 's.person_id')
    .where('p.active', true)
    .andWhere((b) => {
      if (agencies.length > 0) b.whereIn('s.agency_id', agencies);
      else b.whereRaw('false');
    })
    .select<Array<{ person_id: string; agency_id: string; roles: string[]; position: string }>>(
      's.person_id',
      's.agency_id',
      's.roles',
      's.position',
    )
    .orderByRaw(`s.agency_id, CASE s.position WHEN 'head' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, s.person_id`);

  const order: string[] = [];
  const add = (id: string): void => {
    if (!order.includes(id)) order.push(id);
  };
  for (const w of wanted) {
    const a = agencyOf(w.agency);
    if (w.kind === 'person') {
      add(w.arg!);
      continue;
    }
    if (a === null) continue;
    const at = staff.filter((s) => s.agency_id === a);
    if (w.kind === 'head') {
      const head = at.filter((s) => s.position === 'head');
      for (const s of head.length > 0 ? head : at.filter((x) => x.position === 'deputy')) add(s.person_id);
    } else if (w.kind === 'deputies') {
      for (const s of at.filter((x) => x.position === 'deputy')) add(s.person_id);
    } else {
      for (const s of at.filter((x) => x.roles.includes(w.arg!))) add(s.person_id);
    }
  }
  if (order.length === 0) return [];

  const people = await db('people')
    .whereIn('id', order)
    .where('active', true)
    .select<Array<{ id: string; display_name: string; email: string | null; phone: string | null }>>(
      'id',
      'display_name',
      'email',
      'phone',
    );
  const prefs = await db('notification_preferences')
    .whereIn('person_id', order)
    .whereIn('kind', q.kind && q.kind !== '*' ? ['*', q.kind] : ['*'])
    .select<Array<{ person_id: string; channel: Channel; kind: string; enabled: boolean }>>(
      'person_id',
      'channel',
      'kind',
      'enabled',
    );

  const byId = new Map(people.map((p) => [p.id, p]));
  const out: Recipient[] = [];
  for (const id of order) {
    const p = byId.get(id);
    if (!p) continue;
    const enabled = (c: Channel): boolean => {
      const mine = prefs.filter((x) => x.person_id === id && x.channel === c);
      const exact = mine.find((x) => x.kind !== '*');
      const all = mine.find((x) => x.kind === '*');
      return exact?.enabled ?? all?.enabled ?? CHANNEL_DEFAULTS[c];
    };
    const channels = CHANNELS.filter(
      (c) => enabled(c) && (c === 'inapp' || (c === 'email' && !!p.email) || (c === 'sms' && !!p.phone)),
    );
    out.push({ personId: p.id, displayName: p.display_name, email: p.email, phone: p.phone, channels });
  }
  return out;
}

/** The agency itself when open; a closed one's successor (followed, at most 32 steps); null if unknown. */
export async function openAgency(db: Knex, agencyId: string): Promise<string | null> {
  let at: string | null = agencyId;
  for (let i = 0; at !== null && i < 32; i++) {
    const row: { id: string; closed_at: Date | null; successor_id: string | null } | undefined = await db('agencies')
      .where({ id: at })
      .first('id', 'closed_at', 'successor_id');
    if (!row) return null;
    if (row.closed_at === null) return row.id;
    at = row.successor_id;
  }
  return null;
}

/** The agency directly above `agencyId` and the inspectorate serving it (as task routing: ADR 0010). */
async function relatedAgencies(
  db: Knex,
  agencyId: string,
): Promise<{ parent: string | null; inspectorate: string | null }> {
  const r = await db.raw<{ rows: Array<{ parent: string | null; inspectorate: string | null }> }>(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id, 0 AS depth FROM agencies WHERE id = ?
       UNION ALL SELECT a.id, a.parent_id, up.depth + 1 FROM agencies a JOIN up ON a.id = up.parent_id WHERE up.depth < 32
     )
     SELECT (SELECT parent_id FROM up WHERE depth = 0) AS parent,
            (SELECT i.id FROM up JOIN agencies i ON i.kind = 'inspectorate' AND i.closed_at IS NULL
                AND (i.parent_id = up.id OR (i.id = up.id AND up.depth = 0))
             ORDER BY up.depth, (i.id = up.id) DESC, i.id LIMIT 1) AS inspectorate`,
    [agencyId],
  );
  const row = r.rows[0];
  return { parent: row?.parent ?? null, inspectorate: row?.inspectorate ?? null };
}
