/**
 * The lifecycle of a hotspot (ADR 0034): acknowledged with a plan, closed with a reason — each with its
 * history row, audit entry and feed event in one transaction. Lock order as the intake's: the hotspot's row
 * (the intake's detector update writes it before taking the audit chain head), then the audit chain head (the
 * audit append), the event head last.
 */
import type { AuditInput, AuditStore } from '../../db/audit.js';
import { appendEvents } from '../../db/events.js';
import type { HotspotStore, HotspotView } from '../../db/hotspots.js';
import type { Db } from '../../db/knex.js';
import { HttpProblem, problems } from '../problem.js';

type AuditActor = AuditInput['actor'];

export function createHotspotService(
  db: Db,
  store: HotspotStore,
  audit: Pick<AuditStore, 'append'>,
  people: { exists(id: string): Promise<boolean> },
) {
  const closedProblem = (id: string) =>
    new HttpProblem(
      409,
      'hotspot-closed',
      'The hotspot is closed',
      `Hotspot ${id} is closed; nothing more can be done to it`,
    );

  return {
    async acknowledge(a: {
      id: string;
      plan: { ownerPersonId: string; taskForceId: string | null; note: string | null };
      actor: AuditActor;
      requestId: string;
      agencyId: string | null;
    }): Promise<HotspotView> {
      if (!(await people.exists(a.plan.ownerPersonId)))
        throw new HttpProblem(
          422,
          'unknown-reference',
          'A value is not in the reference data',
          'ownerPersonId: no such person',
          {
            errors: [{ path: 'ownerPersonId', message: `no person ${a.plan.ownerPersonId} in the directory` }],
          },
        );
      return db.transaction(async (trx) => {
        const r = await store.acknowledge(trx, a.id, a.plan, a.actor);
        if (r === undefined) throw problems.notFound(`Hotspot ${a.id}`);
        if (r === 'closed') throw closedProblem(a.id);
        await audit.append(
          {
            actor: a.actor,
            action: 'hotspot.acknowledged',
            requestId: a.requestId,
            before: { status: r.before.status, plan: r.before.plan },
            after: { hotspotId: a.id, status: r.after.status, plan: r.after.plan },
          },
          trx as Db,
        );
        await appendEvents(trx, [store.lifecycleEvent('acknowledged', r.after, a.agencyId)]);
        return r.after;
      });
    },

    async close(a: { id: string; reason: string; actor: AuditActor; requestId: string; agencyId: string | null }) {
      return db.transaction(async (trx) => {
        const r = await store.close(trx, a.id, a.reason, a.actor);
        if (r === undefined) throw problems.notFound(`Hotspot ${a.id}`);
        if (r === 'closed') throw closedProblem(a.id);
        await audit.append(
          {
            actor: a.actor,
            action: 'hotspot.closed',
            requestId: a.requestId,
            before: { status: r.before.status, level: r.before.level },
            after: { hotspotId: a.id, status: r.after.status, reason: a.reason },
          },
          trx as Db,
        );
        await appendEvents(trx, [store.lifecycleEvent('closed', r.after, a.agencyId)]);
        return r.after;
      });
    },

    /** The full recompute (audited); starts the deliveries it records and any left unstarted. */
    async recompute(a: {
      dryRun: boolean;
      actor: AuditActor;
      requestId: string;
      startDelivery(id: string): Promise<void>;
    }) {
      const r = await store.recompute({ dryRun: a.dryRun });
      if (!a.dryRun) {
        await audit.append({
          actor: a.actor,
          action: 'hotspot.recomputed',
          requestId: a.requestId,
          after: { clusters: r.clusters, atLevel: r.atLevel, changed: r.changed.length, ms: Math.round(r.ms) },
        });
        const pending = [...new Set([...r.notifications, ...(await store.unstartedNotifications(60_000))])];
        for (const id of pending) await a.startDelivery(id);
      }
      return r;
    },
  };
}

export type HotspotService = ReturnType<typeof createHotspotService>;
