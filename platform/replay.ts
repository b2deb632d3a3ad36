/**
 * Replays workflow histories against workflow code (by default the running code, workflows/index.ts)
 * and reports determinism per history. Shared by `POST /v1/audit/replay` and `npm run replay`.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** The worker's single workflow bundle entry (same file as worker.ts's WORKFLOWS_PATH). */
export const DEFAULT_WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

interface CachedBundle {
  bundle: WorkflowBundleWithSourceMap;
  /** sha256 of the bundled code: names exactly which code a replay ran against. */
  codeHash: string;
}

const bundles = new Map<string, Promise<CachedBundle>>();

/**
 * The workflow bundle of `workflowsPath`, built once per process (bundling takes seconds; the code
 * of a running process does not change). A failed build is not cached.
 */
export function cachedWorkflowBundle(workflowsPath = DEFAULT_WORKFLOWS_PATH): Promise<CachedBundle> {
  let p = bundles.get(workflowsPath);
  if (!p) {
    p = bundleWorkflowCode({ workflowsPath, logger: quiet as never }).then((bundle) => ({
      bundle,
      codeHash: `sha256:${createHash('sha256').update(bundle.code).digest('hex')}`,
    }));
    p.catch(() => bundles.delete(workflowsPath));
    bundles.set(workflowsPath, p);
  }
  return p;
}

/** One history to replay. */
export interface ReplayItem {
  workflowId: string;
  /** The run id, when known (histories do not carry their own). */
  runId?: string;
  /** A History proto, or its JSON (`historyToJSON` / `temporal workflow show -o json`). */
  history: unknown;
}

/** What replaying one history found. */
export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  /** True when the code reproduced every command of the history. */
  deterministic: boolean;
  /** `nondeterministic`: the code issues different commands; `failed`: the replay could not run (bad history, unknown workflow type...). */
  result: 'deterministic' | 'nondeterministic' | 'failed';
  error?: string;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Replays `items` one after another on a replay worker. Replays in one process are serialised
 * (each is CPU-bound; two at once only slow both down and compete with the live worker).
 */
export function replayHistories(
  items: readonly ReplayItem[],
  opts: { workflowsPath?: string } = {},
): Promise<{ codeHash: string; outcomes: ReplayOutcome[] }> {
  const run = async () => {
    const { bundle, codeHash } = await cachedWorkflowBundle(opts.workflowsPath);
    const outcomes: ReplayOutcome[] = new Array(items.length);
    // A history that cannot even be decoded is reported as failed, not thrown: the others still run.
    const valid: number[] = [];
    const decoded: unknown[] = [];
    items.forEach((item, k) => {
      const d = decode(item.history);
      if ('error' in d)
        outcomes[k] = {
          workflowId: item.workflowId,
          runId: item.runId ?? '',
          deterministic: false,
          result: 'failed',
          error: d.error,
        };
      else {
        valid.push(k);
        decoded[k] = d.history;
      }
    });
    if (valid.length > 0) {
      let i = 0;
      const iterable = valid.map((k) => ({ workflowId: items[k]!.workflowId, history: decoded[k] }));
      for await (const r of Worker.runReplayHistories(
        { workflowBundle: bundle, replayName: 'kntc-replay' },
        iterable,
      )) {
        const k = valid[i++]!;
        const item = items[k]!;
        const err = r.error;
        const nondet =
          err !== undefined && (err.name === 'DeterminismViolationError' || /nondetermin/i.test(err.message));
        outcomes[k] = {
          workflowId: item.workflowId,
          runId: item.runId ?? r.runId,
          deterministic: err === undefined,
          result: err === undefined ? 'deterministic' : nondet ? 'nondeterministic' : 'failed',
          ...(err ? { error: err.message.slice(0, 2000) } : {}),
        };
      }
    }
    return { codeHash, outcomes };
  };
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p;
}

/** The History proto of `h` (proto or JSON), or why it cannot be replayed at all. */
function decode(h: unknown): { history: unknown } | { error: string } {
  if (!h || typeof h !== 'object') return { error: 'not a history object' };
  const events = (h as { events?: unknown }).events;
  if (!Array.isArray(events) || events.length === 0) return { error: 'history has no events' };
  const first = events[0] as Record<string, unknown>;
  if (!first.workflowExecutionStartedEventAttributes)
    return { error: 'the first event is not WorkflowExecutionStarted' };
  // JSON histories carry event ids as strings; protos as Long/number.
  if (typeof first.eventId !== 'string') return { history: h };
  try {
    return { history: historyFromJSON(h) };
  } catch (e) {
    return { error: `history JSON could not be decoded: ${(e as Error).message}` };
  }
}
