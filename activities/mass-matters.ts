/**
 * Activities of the mass-matter processes (ADR 0036): `recordDelegationReception`, the service task after the
 * head received a delegation — it links the reception session the head named, or records one (periodic or ad
 * hoc, received in person by the head) — so the head's reception counts as a reception session (ADR 0028/0029).
 * Idempotent by case and token; input the head's form gave, never personal data.
 */
import { createHash } from 'node:crypto';
import { appendAudit, SYSTEM_ACTOR } from '../db/audit.js';
import type { Db } from '../db/knex.js';
import type { ServiceTaskContext } from '../workflows/contract.js';
import type { JsonValue } from '../workflows/engine/index.js';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { createDefinitionStore } from '../db/definitions.js';
import {
  RECONCILER_MEMO,
  startedByReconciler,
  startProcessOnce,
  storedProcessInput,
  unprojectedProcesses,
} from '../platform/mass-process-start.js';
import { unstartedHotspotNotifications } from '../db/hotspots.js';
import type { DeliveryRetry } from '../workflows/notification-contract.js';
import { startNotificationDelivery } from './notifications.js';
import {
  MASS_PROCESS_RECONCILE_GRACE_SECONDS,
  type MassProcessReconcileInput,
  type MassProcessReconcileResult,
} from '../workflows/mass-process-contract.js';

const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RECOVERED = 'matter.process_start_recovered';

function derivedId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function createMassMatterActivities(deps: { db: Db; notifications?: { retry: DeliveryRetry } | undefined }) {
  const definitions = createDefinitionStore(deps.db);
  return {
    /**
     * The reconciler's pass (workflows/mass-process-reconcile.ts): starts each process whose row committed but
     * whose workflow never ran (a start lost to a crash), at most once ever per case (the workflow id is the
     * case's; a running or closed one is left alone). Each start it makes is audited
     * (`matter.process_start_recovered`) in one transaction with what it records: the case row locked and found
     * still unprojected, the start, the entry (the audit head last, and not held across the call to Temporal);
     * concurrent passes serialise on the row, so one entry per start. A start cannot roll back: should the entry
     * or the commit fail after it, the run carries the reconciler's memo, and the next attempt that finds the row
     * still unprojected audits that start then (no entry yet for the case). On the worker's own task queue, with
     * the worker's client.
     * Then (notifications configured) the hotspot notifications whose delivery start was lost after a visit, a
     * gathering, a matter's place or an intake (db/hotspots.ts `unstartedHotspotNotifications`) are started:
     * once each (the delivery's workflow id is the notification's).
     */
    async reconcileMassProcessStarts(input: MassProcessReconcileInput = {}): Promise<MassProcessReconcileResult> {
      const ctx = Context.current();
      const grace = (input.olderThanSeconds ?? MASS_PROCESS_RECONCILE_GRACE_SECONDS) * 1000;
      const ids = await unprojectedProcesses(deps.db, grace);
      const started: string[] = [];
      const existing: string[] = [];
      for (const caseId of ids) {
        ctx.heartbeat(caseId);
        const p = await storedProcessInput(deps.db, caseId, definitions.getCached);
        if (!p) continue;
        const outcome = await deps.db.transaction(async (trx) => {
          const still = await trx('cases as c')
            .where('c.id', caseId)
            .whereNotExists((b) => b.select(1).from('case_states as s').whereRaw('s.case_id = c.id'))
            .forUpdate()
            .first<{ id: string } | undefined>('c.id');
          if (!still) return 'existing';
          const mine = await startProcessOnce(ctx.client, ctx.info.taskQueue, p, RECONCILER_MEMO);
          if (!mine) {
            // Started before: by the API, another pass (its entry committed: none to write), or by a pass of
            // ours whose entry did not commit (the memo says so and no entry exists: write it now).
            const audited = await trx('audit_log')
              .where({ case_id: caseId, action: RECOVERED })
              .first<{ seq: unknown } | undefined>('seq');
            if (audited || !(await startedByReconciler(ctx.client, caseId))) return 'existing';
          }
          await appendAudit(
            trx,
            {
              actor: SYSTEM_ACTOR,
              action: RECOVERED,
              caseId,
              after: { caseId, caseType: p.input.caseType, definition: p.input.pin.label },
            },
            trx,
          );
          return 'started';
        });
        (outcome === 'started' ? started : existing).push(caseId);
      }
      const notifications: string[] = [];
      if (deps.notifications) {
        for (const id of await unstartedHotspotNotifications(deps.db, grace)) {
          ctx.heartbeat(id);
          await startNotificationDelivery(ctx.client, ctx.info.taskQueue, id, deps.notifications.retry);
          notifications.push(id);
        }
      }
      return { checked: ids.length, started, existing, notifications };
    },

    /**
     * Links or records the head's reception session of a delegation. Answers the session id, or null with the
     * reason when the form named none that can be used (the delegation stays received, without a session).
     */
    async recordDelegationReception(
      input: Record<string, JsonValue>,
      ctx?: ServiceTaskContext,
    ): Promise<{ sessionId: string | null; reason?: string }> {
      if (!ctx?.caseId || !ctx.tokenId)
        throw ApplicationFailure.nonRetryable(
          'recordDelegationReception needs the service-task context',
          'MissingContext',
        );
      return deps.db.transaction(async (trx) => {
        const d = await trx('matter_delegations')
          .where({ process_case_id: ctx.caseId })
          .forUpdate()
          .first<{ id: string; agency_id: string; reception_session_id: string | null } | undefined>(
            'id',
            'agency_id',
            'reception_session_id',
          );
        if (!d) return { sessionId: null, reason: 'no delegation for this process' };
        if (d.reception_session_id) return { sessionId: d.reception_session_id };
        // The agency's line: the head above may have received it (escalated task).
        const line = await trx.raw<{ rows: Array<{ id: string }> }>(
          `WITH RECURSIVE up AS (SELECT id, parent_id, 0 AS n FROM agencies WHERE id = ?
             UNION ALL SELECT a.id, a.parent_id, up.n + 1
             FROM agencies a JOIN up ON a.id = up.parent_id WHERE up.n < 32)
           SELECT id FROM up`,
          [d.agency_id],
        );
        const agencies = line.rows.map((r) => r.id);
        let sessionId = str(input.sessionId);
        let created = false;
        if (sessionId) {
          const s = await trx('reception_sessions')
            .where({ id: sessionId })
            .whereIn('agency_id', agencies)
            .first<{ id: string } | undefined>('id');
          if (!s) return { sessionId: null, reason: 'sessionId: no such session of the agency or the agencies above' };
        } else {
          const placeId = str(input.placeId);
          const leader = str(input.leaderPersonId);
          const on = str(input.receivedOn);
          const place = placeId
            ? await trx('reception_places')
                .where({ id: placeId })
                .whereIn('agency_id', agencies)
                .first<{ id: string; agency_id: string } | undefined>('id', 'agency_id')
            : undefined;
          const person = leader ? await trx('people').where({ id: leader }).first('id') : undefined;
          if (!place || !person || !on || !DAY.test(on))
            return { sessionId: null, reason: 'no session: give sessionId, or placeId, leaderPersonId and receivedOn' };
          sessionId = derivedId(`delegation-session|${ctx.caseId}|${ctx.nodeId}|${ctx.tokenId}`);
          const kind = str(input.sessionKind) === 'periodic' ? 'periodic' : 'ad_hoc';
          const inserted = await trx('reception_sessions')
            .insert({
              id: sessionId,
              agency_id: place.agency_id,
              place_id: place.id,
              kind,
              leader_person_id: leader,
              received_by: 'in_person',
              mode: 'in_person',
              session_date: on,
              started_at: `${on}T08:00:00+07:00`,
              notes: `Reception of a delegation (matter delegation ${d.id})`,
              created_by: 'system:delegation-reception',
            })
            .onConflict('id')
            .ignore()
            .returning('id');
          created = inserted.length > 0;
        }
        await trx('matter_delegations').where({ id: d.id }).update({ reception_session_id: sessionId });
        await appendAudit(
          trx,
          {
            actor: SYSTEM_ACTOR,
            action: 'matter.delegation_received',
            caseId: ctx.caseId,
            after: { delegationId: d.id, sessionId, sessionCreated: created },
            legalBasis: 'Luật Tiếp công dân 2013 Art 30(1)',
          },
          trx,
        );
        return { sessionId };
      });
    },
  };
}
