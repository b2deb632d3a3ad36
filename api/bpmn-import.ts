/**
 * BPMN 2.0 XML import off the event loop (issue 11.5). A document is first bounded (size → 413,
 * element count and nesting → 422, in one linear pass), then parsed and converted in a worker
 * thread with its own heap limit and a time limit, so that `/healthz`, other requests and the
 * in-process worker keep being served while it runs; a document the thread cannot finish in time
 * is refused (422) and the thread is stopped.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkBpmnBounds } from '../processes/bpmn/bounds.js';
import type { ValidationResult } from '../workflows/engine/index.js';
import { HttpProblem } from './problem.js';

/** Longest a worker thread may take to import one document. */
export const BPMN_IMPORT_TIMEOUT_MS = 20_000;

const WORKER_URL = new URL(
  `../processes/bpmn/import-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

/**
 * The worker's bootstrap: TypeScript sources (tsx, vitest) are loaded through tsx's loader, which
 * the thread registers itself (vitest does not run Node with a loader); compiled sources directly.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(workerData.tsxApi ? import(workerData.tsxApi).then((m) => m.register()) : Promise.resolve())
  .then(() => import(workerData.entry))
  .catch((e) => { throw e; });
`;

function tsxApi(): string | null {
  if (!WORKER_URL.pathname.endsWith('.ts')) return null;
  try {
    // The ESM build of tsx's API (module.register hooks), next to the CommonJS one \`require\` resolves.
    return pathToFileURL(
      createRequire(import.meta.url)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
  } catch {
    return null;
  }
}

/** Refusal of a document outside the bounds, or null. */
export function bpmnBoundsProblem(xml: string): HttpProblem | null {
  const v = checkBpmnBounds(xml);
  if (!v) return null;
  return v.bound === 'size'
    ? new HttpProblem(413, 'payload-too-large', 'Payload too large', v.message)
    : new HttpProblem(422, 'invalid-definition', 'The process definition is not valid', v.message, {
        errors: [{ path: '', message: v.message }],
      });
}

/** Imports a BPMN document in a worker thread (bounds checked first); throws an HttpProblem when refused. */
export async function importBpmnOffThread(xml: string, opts: { timeoutMs?: number } = {}): Promise<ValidationResult> {
  const refused = bpmnBoundsProblem(xml);
  if (refused) throw refused;
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { xml, entry: WORKER_URL.href, tsxApi: tsxApi() },
    resourceLimits: { maxOldGenerationSizeMb: 512 },
    stdout: false,
    stderr: false,
  });
  const timeoutMs = opts.timeoutMs ?? BPMN_IMPORT_TIMEOUT_MS;
  try {
    return await new Promise<ValidationResult>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new HttpProblem(
              422,
              'invalid-definition',
              'The process definition is not valid',
              `the BPMN document could not be imported within ${timeoutMs / 1000} s`,
              { errors: [{ path: '', message: 'import took too long' }] },
            ),
          ),
        timeoutMs,
      );
      worker.once('message', (m: ValidationResult) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`BPMN import worker exited with code ${code}`));
      });
    });
  } finally {
    await worker.terminate();
  }
}
