/**
 * The lifecycle of a hotspot (ADR 0034): acknowledged with a plan, closed with a reason — each with its
 * history row, audit entry and feed event in one transaction, built by one factory ({@link transition}).
 * Lock order as the intake's: the audit chain head first (the intake's detector update runs under it), then
 * the hotspot's row (re-read under `FOR UPDATE`: no lost update between concurrent changes), the event head last.
 * The full recompute writes its audit entry in the transaction of its effects, under the same order.
 */
import type { AuditInput, AuditStore } from '../../db/audit.js';
import { appendEvents } from '../../db/events.js';
import type { HotspotStore, HotspotTransition, HotspotView } from '../../db/hotspots.js';
import type { Db } from '../../db/knex.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { HttpProblem, problems } from '../problem.js';
import { unknownReference } from './case-start.js';

type AuditActor = AuditInput['actor'];

export interface HotspotServiceDeps {
  people: { exists(id: string): Promise<boolean> };
  /** A task force named in a plan: its governing agency and end date (ADR 0037). */
  taskForces: { get(id: string): Promise<{ governingAgencyId: string; endsOn: string } | undefined> };
  agencies: { isWithin(agencyId: string, ancestorId: string): Promise<boolean> };
}

/** What the caller of an acknowledgement or closure gives. */
interface ChangeRequest<C> {
  id: string;
  change: C;
  actor: AuditActor;
  requestId: string;
  /** The caller's agency (the event's, and the subtree a task force named must lie in). */
  agencyId: string | null;
}

export function createHotspotService(
  db: Db,
  store: HotspotStore,
  audit: Pick<AuditStore, 'append'>,
  deps: HotspotServiceDeps,
) {
  const closedProblem = (id: string) =>
    new HttpProblem(
      409,
      'hotspot-closed',
      'The hotspot is closed',
      `Hotspot ${id} is closed; nothing more can be done to it`,
    );

  /** The plan's references: a person of the directory, a running task force of the caller's subtree. */
  async function checkPlan(plan: Extract<HotspotTransition, { kind: 'acknowledged' }>['plan'], agency: string | null) {
    const errors: Array<{ path: string; message: string }> = [];
    if (!(await deps.people.exists(plan.ownerPersonId)))
      errors.push({ path: 'ownerPersonId', message: `no person ${plan.ownerPersonId} in the directory` });
    if (plan.taskForceId !== null) {
      const tf = await deps.taskForces.get(plan.taskForceId);
      // Another subtree's task force is not named (404-like: its existence is not told).
      if (!tf || !agency || !(await deps.agencies.isWithin(tf.governingAgencyId, agency)))
        errors.push({ path: 'taskForceId', message: `no task force ${plan.taskForceId} in your subtree` });
      else if (tf.endsOn < vnDate(Date.now()))
        errors.push({ path: 'taskForceId', message: `task force ${plan.taskForceId} ended on ${tf.endsOn}` });
    }
    if (errors.length > 0) throw unknownReference(errors);
  }

  /**
   * One transition of a hotspot (acknowledge, close): checked first, then in one transaction the audit head,
   * the row re-read and written with its history, the audit entry and the event.
   */
  function transition<C extends HotspotTransition>(
    audited: (r: { before: HotspotView; after: HotspotView }, c: C) => Pick<AuditInput, 'action' | 'before' | 'after'>,
  ) {
    return async (a: ChangeRequest<C>): Promise<HotspotView> => {
      if (a.change.kind === 'acknowledged') await checkPlan(a.change.plan, a.agencyId);
      return db.transaction(async (trx) => {
        const r = await store.transition(trx, a.id, a.change, a.actor);
        if (r === undefined) throw problems.notFound(`Hotspot ${a.id}`);
        if (r === 'closed') throw closedProblem(a.id);
        await audit.append({ actor: a.actor, requestId: a.requestId, ...audited(r, a.change) }, trx as Db);
        await appendEvents(trx, [store.lifecycleEvent(a.change.kind, r.after, a.agencyId)]);
        return r.after;
      });
    };
  }

  return {
    acknowledge: transition<Extract<HotspotTransition, { kind: 'acknowledged' }>>((r) => ({
      action: 'hotspot.acknowledged',
      before: { status: r.before.status, plan: r.before.plan },
      after: { hotspotId: r.after.id, status: r.after.status, plan: r.after.plan },
    })),

    close: transition<Extract<HotspotTransition, { kind: 'closed' }>>((r, c) => ({
      action: 'hotspot.closed',
      before: { status: r.before.status, level: r.before.level },
      after: { hotspotId: r.after.id, status: r.after.status, reason: c.reason },
    })),

    /**
     * The full recompute, its audit entry in the transaction of its effects (the detector's exclusive lock first,
     * then the audit head through the append: the intakes' order); starts the deliveries it records and any left
     * unstarted once it commits. A dry run writes nothing and is not audited.
     */
    async recompute(a: {
      dryRun: boolean;
      actor: AuditActor;
      requestId: string;
      startDelivery(id: string): Promise<void>;
    }) {
      if (a.dryRun) return store.recompute({ dryRun: true });
      const r = await db.transaction(async (trx) => {
        const out = await store.recompute({ trx });
        await audit.append(
          {
            actor: a.actor,
            action: 'hotspot.recomputed',
            requestId: a.requestId,
            after: {
              clusters: out.clusters,
              atLevel: out.atLevel,
              changed: out.changed.length,
              notifications: out.notifications.length,
              ms: Math.round(out.ms),
            },
          },
          trx as Db,
        );
        if (out.events.length > 0) await appendEvents(trx, out.events);
        return out;
      });
      const pending = [...new Set([...r.notifications, ...(await store.unstartedNotifications(60_000))])];
      for (const id of pending) await a.startDelivery(id);
      return r;
    },
  };
}

export type HotspotService = ReturnType<typeof createHotspotService>;
