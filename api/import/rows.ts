/**
 * The rows of an import of cases under way (ADR 0027): the case as `POST /v1/cases` receives it, its id
 * in the source system and the facts already established there — task completions with their dates
 * and form data, legal events with theirs — in the order they happened. Read from JSON (an array of
 * rows, or `{ source, rows }`) or CSV (one case per line; `steps`, `parties` and `attachments` as JSON
 * in their cells).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { caseEventsFor } from '../../processes/builtin/index.js';
import { isIsoDate } from '../../workflows/clock/index.js';
import type { JsonValue, ProcessDefinition } from '../../workflows/engine/index.js';
import type { EstablishedStep } from '../../workflows/engine/runtime/index.js';
import { EVENTS } from '../routes/case-events.js';
import { CreateCaseBody } from '../routes/cases.js';
import { NodeRef } from '../schemas.js';

const IsoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
  .refine(isIsoDate, 'not a real calendar date');
/** A case's id in the source system: the key that makes an import idempotent. */
export const SourceId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/#-]*$/, 'letters, digits and . _ : / # -')
  .meta({
    description: "The case's id in the source system; importing it again with the same content answers the same case",
    example: 'SO-TNMT/KN/2026/0142',
  });

export const ImportTaskStep = z
  .strictObject({
    task: NodeRef.meta({ description: 'The user task of the definition the source shows completed (e.g. `accept`)' }),
    on: IsoDay.optional().meta({
      description: 'The day it was completed (Vietnam); default the latest date in `data`',
    }),
    data: z
      .record(z.string(), z.json())
      .default({})
      .meta({ description: 'The form data of the task, as a live completion takes it' }),
  })
  .meta({ id: 'ImportTaskStep' });

const EVENT_PATHS = EVENTS.map((e) => e.path) as [string, ...string[]];
export const ImportEventStep = z
  .object({
    event: z
      .enum(EVENT_PATHS)
      .meta({ description: 'The legal event, named as its route (`extend`, `suspend`, `resume`, `withdraw`, ...)' }),
    date: IsoDay.meta({ description: 'The day it was decided (Vietnam)' }),
  })
  .catchall(z.json())
  .meta({
    id: 'ImportEventStep',
    description: "Other fields are the event route's body (`amount`, `ruleId`, `decision`, `ground`, ...)",
  });

export const ImportStep = z.union([ImportTaskStep, ImportEventStep]);

export const ImportRow = CreateCaseBody.extend({
  sourceId: SourceId,
  steps: z.array(ImportStep).max(100).default([]).meta({
    description: 'The facts established in the source, in the order they happened (task completions and legal events)',
  }),
}).meta({ id: 'ImportCaseRow' });
export type ImportRow = z.infer<typeof ImportRow>;

/** A row's field problems, each naming the field (`rows[3].steps[0].data`). */
export interface RowError {
  field: string;
  message: string;
}

const pathOf = (p: readonly PropertyKey[]) =>
  p
    .map((x) => (typeof x === 'number' ? `[${x}]` : `.${String(x)}`))
    .join('')
    .replace(/^\./, '');

/** Validates one row: the case, its source id and the shape of its steps. */
export function parseRow(raw: unknown): { ok: true; row: ImportRow } | { ok: false; errors: RowError[] } {
  const r = ImportRow.safeParse(raw);
  if (r.success) return { ok: true, row: r.data };
  return { ok: false, errors: r.error.issues.map((i) => ({ field: pathOf(i.path) || '(row)', message: i.message })) };
}

/**
 * The facts of a validated row as the engine takes them, against the definition the case pins: a
 * task step with its day (the latest date of its data when not given) and the case events its
 * completion establishes (as a live completion: `caseEventsFor`); a legal event through its route's
 * own body schema and message. Errors name the field.
 */
export function stepsOf(
  row: ImportRow,
  definition: ProcessDefinition,
): { ok: true; steps: EstablishedStep[] } | { ok: false; errors: RowError[] } {
  const out: EstablishedStep[] = [];
  const errors: RowError[] = [];
  for (const [i, s] of row.steps.entries()) {
    const at = `steps[${i}]`;
    if ('task' in s && typeof s.task === 'string') {
      const t = s as z.infer<typeof ImportTaskStep>;
      const node = definition.nodes.find((n) => n.id === t.task);
      if (node?.type !== 'userTask') {
        errors.push({
          field: `${at}.task`,
          message: `'${t.task}' is not a user task of ${definition.key}@${definition.version}`,
        });
        continue;
      }
      const dates = Object.values(t.data)
        .filter((v): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))
        .sort();
      const on = t.on ?? dates.at(-1);
      if (!on) {
        errors.push({ field: `${at}.on`, message: 'required: the day the task was completed (its data has no date)' });
        continue;
      }
      out.push({
        kind: 'task',
        nodeId: t.task,
        on,
        data: t.data as Record<string, JsonValue>,
        caseEvents: caseEventsFor(definition, t.task, t.data),
      });
      continue;
    }
    const { event, date, ...rest } = s as z.infer<typeof ImportEventStep>;
    const spec = EVENTS.find((e) => e.path === event)!;
    const b = spec.body.safeParse({ ...rest, date });
    if (!b.success) {
      for (const issue of b.error.issues)
        errors.push({ field: `${at}.${pathOf(issue.path) || 'event'}`, message: issue.message });
      continue;
    }
    const m = spec.message(b.data, date);
    out.push({
      kind: 'event',
      name: m.name,
      date,
      ...(m.amount === undefined ? {} : { amount: m.amount }),
      ...(m.ruleId === undefined ? {} : { ruleId: m.ruleId }),
      ...(m.decision === undefined ? {} : { decision: m.decision }),
      ...(m.variables === undefined ? {} : { variables: m.variables }),
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, steps: out };
}

const JSON_CELLS = ['steps', 'parties', 'attachments'];
const BOOL_CELLS = ['remoteArea'];
const NUMBER_CELLS = ['signersCount'];

/**
 * Rows of a CSV file: a header line naming the fields; empty cells are absent; `steps`, `parties`,
 * `attachments` hold JSON; `remoteArea` true/false; `signersCount` a number. A cell that cannot be
 * read is passed on as text, so the row's validation names it.
 */
export function rowsFromCsv(text: string): unknown[] {
  const records = parseCsv(text, {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
    relax_column_count: false,
  }) as Array<Record<string, string>>;
  return records.map((rec) => {
    const row: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) {
      if (v === '') continue;
      if (JSON_CELLS.includes(k)) {
        try {
          row[k] = JSON.parse(v);
        } catch {
          row[k] = v;
        }
        continue;
      }
      if (BOOL_CELLS.includes(k)) {
        row[k] = v === 'true' ? true : v === 'false' ? false : v;
        continue;
      }
      if (NUMBER_CELLS.includes(k)) {
        row[k] = /^\d+$/.test(v) ? Number(v) : v;
        continue;
      }
      row[k] = v;
    }
    return row;
  });
}

/** Rows of a JSON document: an array of rows, or `{ source?, rows }`. */
export function rowsFromJson(text: string): { source?: string; rows: unknown[] } {
  const doc = JSON.parse(text) as unknown;
  if (Array.isArray(doc)) return { rows: doc };
  if (doc && typeof doc === 'object' && Array.isArray((doc as { rows?: unknown }).rows)) {
    const d = doc as { source?: unknown; rows: unknown[] };
    return { ...(typeof d.source === 'string' ? { source: d.source } : {}), rows: d.rows };
  }
  throw new Error('a JSON import is an array of rows or an object { "source": "...", "rows": [...] }');
}
