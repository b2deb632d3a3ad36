/**
 * Importing cases already under way (ADR 0027): each row is validated whole — its shape, its agency
 * within the caller's subtree, its facts against the definition version it pins, applied on the pure
 * runner (`simulateImport`) — before anything is written; a valid row then starts its case through
 * the start path of `POST /v1/cases` (api/services/case-start.ts: parties, PIN, workflow, read model and audit entry,
 * undone as a whole when it cannot be recorded), its workflow carrying the facts. Idempotent per
 * source id: the id is the case's idempotency key in its agency's import scope, the row's content its request
 * hash — the same row again answers the same case, another row under the same id answers 409. A dry
 * run does all of the checks and the simulation and writes nothing.
 */
import { calendarServiceFor } from '../../calendar/service.js';
import { MASS_CASE_MIN_SIGNERS } from '../../processes/builtin/index.js';
import type { JsonValue } from '../../workflows/engine/index.js';
import type { Principal } from '../auth/principal.js';
import { requestHash } from '../idempotency.js';
import { HttpProblem } from '../problem.js';
import type { Services } from '../routing/services.js';
import { receiptInstant } from '../routes/cases.js';
import { parseRow, stepsOf, type RowError } from './rows.js';
import { simulateImport, type ImportPreview } from './simulate.js';

/**
 * The idempotency scope of imported cases: one per agency (the row's `agencyId`), keyed by source
 * id. An admin of one agency can neither claim another agency's source ids nor learn, from a
 * conflict, that another agency imported one (ADR 0006).
 */
export const importScope = (agencyId: string): string => `import:${agencyId}`;
/** Rows per request. */
export const MAX_IMPORT_ROWS = 500;

export type RowOutcome = 'imported' | 'existing' | 'valid' | 'rejected' | 'conflict' | 'failed';

export interface RowResult {
  index: number;
  sourceId: string | null;
  outcome: RowOutcome;
  /** The HTTP status the row would have on its own: 201 imported, 200 existing / valid, 404, 409, 422, 503. */
  status: number;
  caseId?: string;
  reference?: string;
  definition?: string;
  preview?: ImportPreview;
  errors?: RowError[];
}

export interface ImportSummary {
  dryRun: boolean;
  source: string;
  total: number;
  counts: Record<RowOutcome, number>;
  results: RowResult[];
}

export interface ImportArgs {
  services: Services;
  principal: Principal;
  /** The caller's agency subtree: a row of another agency is refused (404, as a case of another agency). */
  subtree: readonly string[];
  requestId: string;
  log: { error(o: object, m: string): void; warn?(o: object, m: string): void } | undefined;
  source: string;
  rows: readonly unknown[];
  dryRun: boolean;
  /** The time of the import (tests); default now. */
  nowMs?: number;
}

const rejected = (index: number, sourceId: string | null, errors: RowError[], status = 422): RowResult => ({
  index,
  sourceId,
  outcome: status === 409 ? 'conflict' : 'rejected',
  status,
  errors,
});

/** Imports (or, dry, checks) `rows`, one after the other; every row gets its result. */
export async function importCases(a: ImportArgs): Promise<ImportSummary> {
  const results: RowResult[] = [];
  for (const [index, raw] of a.rows.entries()) {
    try {
      results.push(await importRow(a, index, raw));
    } catch (err) {
      const sourceId =
        raw && typeof raw === 'object' && typeof (raw as { sourceId?: unknown }).sourceId === 'string'
          ? (raw as { sourceId: string }).sourceId
          : null;
      if (err instanceof HttpProblem && err.status < 500) {
        results.push(
          rejected(
            index,
            sourceId,
            [{ field: 'row', message: err.detail ?? err.title }],
            err.status === 409 ? 409 : err.status,
          ),
        );
        continue;
      }
      // Logged without the message (it may quote the row's text); the row's start was undone by the case-start service.
      a.log?.error(
        { index, sourceId, code: (err as { code?: unknown })?.code },
        'case import: a row could not be imported',
      );
      results.push({
        index,
        sourceId,
        outcome: 'failed',
        status: 503,
        errors: [
          {
            field: 'row',
            message:
              'The case could not be recorded; nothing of it was kept. Retry the import (rows already imported answer `existing`).',
          },
        ],
      });
    }
  }
  const counts: Record<RowOutcome, number> = {
    imported: 0,
    existing: 0,
    valid: 0,
    rejected: 0,
    conflict: 0,
    failed: 0,
  };
  for (const r of results) counts[r.outcome] += 1;
  return { dryRun: a.dryRun, source: a.source, total: results.length, counts, results };
}

async function importRow(a: ImportArgs, index: number, raw: unknown): Promise<RowResult> {
  const parsed = parseRow(raw);
  const rawId = raw && typeof raw === 'object' ? (raw as { sourceId?: unknown }).sourceId : undefined;
  if (!parsed.ok) return rejected(index, typeof rawId === 'string' ? rawId : null, parsed.errors);
  const row = parsed.row;
  const { services } = a;
  if (!a.subtree.includes(row.agencyId)) {
    // As a case of another agency: not found (existence does not leak, ADR 0006).
    return rejected(
      index,
      row.sourceId,
      [{ field: 'agencyId', message: 'no such agency in your agency subtree' }],
      404,
    );
  }
  const nowMs = a.nowMs ?? Date.now();
  const received = receiptInstant(row.receivedAt);
  if (received.ms > nowMs + 5 * 60_000)
    return rejected(index, row.sourceId, [{ field: 'receivedAt', message: 'must not be in the future' }]);

  // Idempotency per source id: the same content answers the case it made; other content is a conflict.
  const scope = importScope(row.agencyId);
  const hash = requestHash('POST', scope, row);
  const earlier = await services.idempotency.find(scope, row.sourceId);
  if (earlier && earlier.requestHash !== hash) {
    return rejected(
      index,
      row.sourceId,
      [
        {
          field: 'sourceId',
          message: 'this source id was imported before with different content; a source id stands for one case',
        },
      ],
      409,
    );
  }
  if (earlier?.response) {
    const b = earlier.response.body as Record<string, unknown>;
    return {
      index,
      sourceId: row.sourceId,
      outcome: 'existing',
      status: 200,
      caseId: String(b.id),
      reference: String(b.reference),
      definition: String((b.definition as { pin?: string })?.pin ?? ''),
    };
  }

  // The definition the case will pin (by type, receipt date and agency line: as POST /v1/cases) and the facts on it.
  const agencyLine = await services.agencies.ancestors(row.agencyId);
  const chosen = await services.definitions.select(row.type, received.on, agencyLine);
  if (!chosen)
    return rejected(index, row.sourceId, [
      {
        field: 'receivedAt',
        message: `no registered definition of case type ${row.type} is effective on ${received.on}`,
      },
    ]);
  const steps = stepsOf(row, chosen.content);
  if (!steps.ok) return rejected(index, row.sourceId, steps.errors);
  const calendar = calendarServiceFor(services.deps.db);
  const signerRefs = row.parties
    .map((p, i) => ({ p, ref: `party-${i + 1}` }))
    .filter(({ p }) => p.role === 'complainant' || p.role === 'denouncer')
    .map(({ ref }) => ref);
  const representativeRefs = row.parties
    .map((p, i) => ({ p, ref: `party-${i + 1}` }))
    .filter(({ p }) => p.isRepresentative)
    .map(({ ref }) => ref);
  const signers = Math.max(row.signersCount ?? 0, signerRefs.length);
  const variables: Record<string, JsonValue> = {
    caseId: 'import-check',
    reference: 'import-check',
    receivedOn: received.on,
    channel: row.channel,
    remoteArea: row.remoteArea,
    signerRefs,
    representativeRefs,
    signersCount: signers,
    massCase: signers >= MASS_CASE_MIN_SIGNERS,
  };
  const facts = { source: a.source, sourceId: row.sourceId, steps: steps.steps };
  const sim = await simulateImport({
    definition: chosen.content,
    caseId: 'import-check',
    caseType: row.type,
    variables,
    caseEvents: { received: received.on },
    facts,
    nowMs,
    calendar: (from, to) => calendar.snapshot(from, to),
  });
  const pinLabel = `${chosen.key}@${chosen.version}+${chosen.hash}`;
  if (!sim.ok) {
    // The engine names the fact `established.steps[i]`: the row names it `steps[i]`.
    return rejected(index, row.sourceId, [
      { field: sim.field.replace(/^established\./, ''), message: sim.message.replace(/^established\./, '') },
    ]);
  }
  if (a.dryRun)
    return { index, sourceId: row.sourceId, outcome: 'valid', status: 200, definition: pinLabel, preview: sim.preview };

  const { sourceId, steps: _steps, ...body } = row;
  const out = await services.caseStart
    .start({
      principal: a.principal,
      requestId: a.requestId,
      log: a.log,
      body,
      received,
      key: sourceId,
      keyScope: { scope, hash },
      established: facts,
      action: 'case.imported',
      auditAfter: {
        source: a.source,
        sourceId,
        steps: facts.steps.length,
        pastBreaches: sim.preview.pastBreaches.map((b) => b.ruleId),
      },
    })
    .catch((err: unknown) => {
      // A concurrent import of the same source id with other content claimed the key first.
      if (err instanceof HttpProblem && err.slug === 'idempotency-key-reused') {
        throw new HttpProblem(
          409,
          'import-conflict',
          'Source id imported with other content',
          'sourceId: this source id was imported with different content',
        );
      }
      throw err;
    });
  const b = out.body;
  return {
    index,
    sourceId,
    outcome: out.replayed ? 'existing' : 'imported',
    status: out.replayed ? 200 : 201,
    caseId: String(b.id),
    reference: String(b.reference),
    definition: pinLabel,
    preview: sim.preview,
  };
}
