/**
 * Auditor tools over Temporal's own record of a case: export the raw workflow history (every run of
 * a continue-as-new chain) and replay histories against the running code to prove determinism.
 * See docs/decisions/0009-history-export-and-replay.md.
 */
import { z } from 'zod';
import { fetchRunChain, historyExportJson, MAX_RUNS, type RunHistory } from '../../platform/history.js';
import { replayHistories, type ReplayItem } from '../../platform/replay.js';
import { actorOf } from '../auth/principal.js';
import { problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { Services } from '../routing/services.js';
import { CaseId } from '../schemas.js';
import type { ReplayTarget } from '../../db/replay-targets.js';

/** Cases replayed by one request at most (each case costs a history fetch and a replay). */
export const MAX_REPLAY_CASES = 500;

const AUDITORS = ['auditor', 'admin'] as const;

const HistoryExport = z
  .object({
    format: z.literal('kntc-flow.history-export/v1'),
    caseId: CaseId,
    workflowId: z.string(),
    exportedAt: z.string(),
    retained: z.boolean().meta({
      description: 'false when Temporal no longer holds (or never held) a history for the case: `runs` is empty',
    }),
    runs: z.array(
      z.object({
        runId: z.string(),
        workflowType: z.string().nullable(),
        events: z.number().int(),
        history: z.unknown().meta({
          description:
            'Temporal history JSON (as `temporal workflow show -o json`); replay it with `npm run replay -- <file>`',
        }),
      }),
    ),
  })
  .meta({ id: 'HistoryExport' });

const DefinitionKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore');

const ReplayRequest = z
  .strictObject({
    caseId: CaseId.optional().meta({ description: 'Replay this case (all runs of its workflow)' }),
    definitionKey: DefinitionKey.optional().meta({
      description: "Replay every case pinned to this definition (in the caller's agency subtree)",
    }),
    definitionVersion: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .meta({ description: 'Only cases pinned to this version of `definitionKey`' }),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_REPLAY_CASES)
      .optional()
      .meta({ description: `Most cases to replay (default and maximum ${MAX_REPLAY_CASES})` }),
  })
  .superRefine((b, ctx) => {
    if ((b.caseId === undefined) === (b.definitionKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of caseId or definitionKey' });
    }
    if (b.definitionVersion !== undefined && b.definitionKey === undefined) {
      ctx.addIssue({ code: 'custom', path: ['definitionVersion'], message: 'only with definitionKey' });
    }
  })
  .meta({ id: 'ReplayRequest' });

const RunOutcome = z.object({
  runId: z.string(),
  deterministic: z.boolean(),
  result: z.enum(['deterministic', 'nondeterministic', 'failed']),
  error: z.string().optional(),
});
const CaseOutcome = z
  .object({
    caseId: z.string(),
    workflowId: z.string(),
    runId: z.string().nullable().meta({ description: 'The latest run (null when no history is retained)' }),
    deterministic: z
      .boolean()
      .meta({ description: 'Every run of the case replayed without error against the running code' }),
    result: z.enum(['deterministic', 'nondeterministic', 'failed', 'missing']),
    error: z.string().optional(),
    runs: z.array(RunOutcome),
  })
  .meta({ id: 'ReplayCaseOutcome' });
const ReplayReport = z
  .object({
    codeHash: z
      .string()
      .nullable()
      .meta({ description: 'sha256 of the workflow bundle replayed against (null when nothing was replayed)' }),
    limit: z
      .number()
      .int()
      .meta({ description: `Cases replayed per request at most (${MAX_REPLAY_CASES})` }),
    truncated: z.boolean().meta({
      description: 'More cases matched than `limit`: replay the rest by narrower requests (e.g. per version)',
    }),
    matched: z.number().int(),
    deterministic: z.boolean().meta({ description: 'No case was non-deterministic or failed' }),
    counts: z.object({
      deterministic: z.number().int(),
      nondeterministic: z.number().int(),
      failed: z.number().int(),
      missing: z.number().int(),
    }),
    results: z.array(CaseOutcome),
  })
  .meta({ id: 'ReplayReport' });
type CaseOutcome = z.infer<typeof CaseOutcome>;

/** Fetches and replays every run of each target; one outcome per case, in target order. */
async function replayCases(
  services: Services,
  targets: readonly ReplayTarget[],
): Promise<{ codeHash: string | null; results: CaseOutcome[] }> {
  const { deps } = services;
  const chains: RunHistory[][] = [];
  // Bounded fan-out: history fetches are I/O; the replay itself runs serially.
  for (let i = 0; i < targets.length; i += 8) {
    chains.push(...(await Promise.all(targets.slice(i, i + 8).map((t) => fetchRunChain(deps.temporal, t.workflowId)))));
  }
  const items: ReplayItem[] = [];
  targets.forEach((t, k) =>
    chains[k]!.forEach((r) => items.push({ workflowId: t.workflowId, runId: r.runId, history: r.history })),
  );
  const replayed =
    items.length > 0
      ? await replayHistories(items, { workflowsPath: deps.replayWorkflowsPath })
      : { codeHash: null, outcomes: [] };
  let n = 0;
  const results = targets.map((t, k): CaseOutcome => {
    const runs = chains[k]!.map(() => replayed.outcomes[n++]!).map((o) => ({
      runId: o.runId,
      deterministic: o.deterministic,
      result: o.result,
      ...(o.error ? { error: o.error } : {}),
    }));
    if (runs.length === 0) {
      return {
        caseId: t.caseId,
        workflowId: t.workflowId,
        runId: null,
        deterministic: false,
        result: 'missing',
        error: 'Temporal holds no history for this workflow (never started, or past retention)',
        runs,
      };
    }
    const bad = runs.find((r) => r.result === 'nondeterministic') ?? runs.find((r) => r.result === 'failed');
    return {
      caseId: t.caseId,
      workflowId: t.workflowId,
      runId: runs[runs.length - 1]!.runId,
      deterministic: !bad,
      result: bad ? bad.result : 'deterministic',
      ...(bad?.error ? { error: bad.error } : {}),
      runs,
    };
  });
  return { codeHash: replayed.codeHash, results };
}

export const historyRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/cases/:id/history',
    operationId: 'exportCaseHistory',
    tags: ['Audit'],
    summary: 'Export the raw Temporal history of a case (every run), as a JSON attachment',
    description: `Temporal's own event history of the case workflow, run by run (first to latest across continue-as-new, at most ${MAX_RUNS} runs), each in the JSON form of \`temporal workflow show -o json\`. Replay the file with \`npm run replay -- <file>\`. Histories carry references only, never parties' personal data. Each export is written to the audit log.`,
    auth: { roles: AUDITORS, scope: { kind: 'case', param: 'id' } },
    request: { params: z.object({ id: CaseId }) },
    responses: { 200: { description: 'The histories (Content-Disposition: attachment)', schema: HistoryExport } },
    handler: async ({ case: c, res, principal, services, requestId }) => {
      const runs = await fetchRunChain(services.deps.temporal, c.workflowId);
      const exportedAt = new Date().toISOString();
      await services.audit.append({
        actor: actorOf(principal),
        action: 'case.history_exported',
        caseId: c.id,
        requestId,
        after: {
          workflowId: c.workflowId,
          runs: runs.map((r) => ({ runId: r.runId, events: r.history.events?.length ?? 0 })),
        },
      });
      const body = historyExportJson({ caseId: c.id, workflowId: c.workflowId, exportedAt }, runs);
      res
        .status(200)
        .type('application/json')
        .set('Content-Disposition', `attachment; filename="case-${c.id}-history.json"`)
        .set('Cache-Control', 'no-store')
        .send(body);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/audit/replay',
    operationId: 'replayHistories',
    tags: ['Audit'],
    summary: 'Replay one case, or every case of a definition, against the running workflow code',
    description: `Fetches each case's Temporal history (every run) and replays it on a replay worker with the code this server runs. A case is \`deterministic\` when every run reproduces its recorded commands; \`nondeterministic\` means the code would now act differently on that history (a change needs a \`patched()\` guard). At most ${MAX_REPLAY_CASES} cases per request (\`truncated\` says when more matched); only cases in the caller's agency subtree. Every request is written to the audit log with its outcome.`,
    auth: { roles: AUDITORS, scope: { kind: 'subtree' } },
    request: { body: ReplayRequest, bodyExample: { definitionKey: 'bench-ten-steps', definitionVersion: 1 } },
    responses: { 200: { description: 'Per-case determinism', schema: ReplayReport } },
    handler: async ({ body, subtree, principal, services, requestId }) => {
      const limit = body.limit ?? MAX_REPLAY_CASES;
      const found = await services.replayTargets.find(
        subtree,
        body.caseId !== undefined
          ? { caseId: body.caseId }
          : { definitionKey: body.definitionKey!, definitionVersion: body.definitionVersion, limit },
      );
      if (body.caseId !== undefined && found.targets.length === 0) throw problems.notFound(`Case ${body.caseId}`);
      const request = {
        caseId: body.caseId,
        definitionKey: body.definitionKey,
        definitionVersion: body.definitionVersion,
        limit,
      };
      const audit = (after: Record<string, unknown>) =>
        services.audit.append({
          actor: actorOf(principal),
          action: 'audit.replay_requested',
          caseId: body.caseId ?? null,
          requestId,
          after: { request, ...after },
        });
      let report;
      try {
        report = await replayCases(services, found.targets);
      } catch (e) {
        await audit({ error: (e as Error).message.slice(0, 500) });
        throw e;
      }
      const counts = { deterministic: 0, nondeterministic: 0, failed: 0, missing: 0 };
      for (const r of report.results) counts[r.result] += 1;
      await audit({
        codeHash: report.codeHash,
        matched: found.targets.length,
        truncated: found.truncated,
        counts,
        notDeterministic: report.results
          .filter((r) => r.result === 'nondeterministic' || r.result === 'failed')
          .map((r) => r.caseId),
      });
      return {
        body: {
          codeHash: report.codeHash,
          limit,
          truncated: found.truncated,
          matched: found.targets.length,
          deterministic: counts.nondeterministic === 0 && counts.failed === 0,
          counts,
          results: report.results,
        },
      };
    },
  }),
];
