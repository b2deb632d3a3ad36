import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of this process (API and worker), served at `/metrics`. One registry per
 * process; other modules record through the functions below rather than touching prom-client.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'kntc_' });

const httpDuration = new Histogram({
  name: 'kntc_http_request_duration_seconds',
  help: 'HTTP request latency by route template, method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
  registers: [metricsRegistry],
});
const casesStarted = new Counter({
  name: 'kntc_cases_started_total',
  help: 'Cases started through the API',
  labelNames: ['case_type'] as const,
  registers: [metricsRegistry],
});
const tasksCompleted = new Counter({
  name: 'kntc_tasks_completed_total',
  help: 'Tasks completed',
  labelNames: ['task_type'] as const,
  registers: [metricsRegistry],
});
const deadlineBreaches = new Counter({
  name: 'kntc_deadline_breaches_total',
  help: 'Statutory deadlines breached',
  labelNames: ['clock'] as const,
  registers: [metricsRegistry],
});
const projectionLag = new Gauge({
  name: 'kntc_projection_lag_seconds',
  help: 'Time from a workflow state change to its projection in the read model (last observed)',
  registers: [metricsRegistry],
});

const projectionFailures = new Counter({
  name: 'kntc_projection_failures_total',
  help:
    'Read-model projections that failed, by reason (each failed attempt; ADR 0016): data refused by PostgreSQL ' +
    '(untranslatable_character, invalid_text, data_exception, limit_exceeded), then written sanitized or not at all ' +
    '(outcome sanitized / failed); or transient (the activity is retried)',
  labelNames: ['reason', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** Starts a latency timer; call the result with the route template and status when the response ends. */
export function startHttpTimer(method: string): (route: string, status: number) => void {
  const end = httpDuration.startTimer({ method });
  return (route, status) => end({ route, status: String(status) });
}
export function recordCaseStarted(caseType: string): void {
  casesStarted.inc({ case_type: caseType });
}
export function recordTaskCompleted(taskType = 'unknown'): void {
  tasksCompleted.inc({ task_type: taskType });
}
export function recordDeadlineBreach(clock = 'unknown'): void {
  deadlineBreaches.inc({ clock });
}
export function recordProjectionLag(seconds: number): void {
  projectionLag.set(seconds);
}
export function recordProjectionFailure(reason: string, outcome: 'retried' | 'sanitized' | 'failed'): void {
  projectionFailures.inc({ reason, outcome });
}

/** Counts the cases whose workflow task keeps failing; set by the API process (api/stuck-cases.ts). */
let stuckCasesProbe: (() => Promise<number>) | undefined;
new Gauge({
  name: 'kntc_cases_stuck',
  help: 'Running cases whose workflow task keeps failing (listed at GET /v1/admin/stuck-cases; reset by an admin)',
  registers: [metricsRegistry],
  async collect() {
    if (!stuckCasesProbe) return;
    try {
      this.set(await stuckCasesProbe());
    } catch {
      // Temporal unreachable: keep the last value rather than fail the scrape.
    }
  },
});
/** Installs the function the `kntc_cases_stuck` gauge reads at each scrape. */
export function setStuckCasesProbe(probe: (() => Promise<number>) | undefined): void {
  stuckCasesProbe = probe;
}

const webhookAttempts = new Counter({
  name: 'kntc_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome (delivered, failed: retried; dead: dead-lettered after the retry period; ADR 0026)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
const webhookAttemptDuration = new Histogram({
  name: 'kntc_webhook_attempt_duration_seconds',
  help: 'Duration of webhook delivery attempts (HTTP request to answer)',
  buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
  registers: [metricsRegistry],
});
/** One webhook attempt (`delivered` / `failed`) with its duration, or a dead-lettered delivery (`dead`). */
export function recordWebhookDelivery(outcome: 'delivered' | 'failed' | 'dead', seconds: number): void {
  webhookAttempts.inc({ outcome });
  if (outcome !== 'dead') webhookAttemptDuration.observe(seconds);
}
