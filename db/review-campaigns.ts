/**
 * Backlog review campaigns (rà soát, issue 15.5, ADR 0037): the campaign, one review per selected matter
 * for the matter's agency, escalation of overdue reviews to the agency above, outcomes and progress.
 * Migration 20261205070000_task_forces_review_campaigns.
 */
import { startOfDayInstant } from '../workflows/clock/vn-time.js';
import type { Db } from './knex.js';
import { flagSql, type FlagRule, type MatterFlag } from './matters.js';

export const REVIEW_OUTCOMES = ['resolved', 'resolution_plan', 'terminated', 'referred_to_task_force'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface CampaignCriteria {
  /** A matter is selected when it has any of these flags. */
  flags: MatterFlag[];
  /** …and has been open at least this many months (since its first receipt). */
  openLongerThanMonths: number;
  /** …in one of these agencies. */
  agencyIds: string[];
}

export interface CampaignRecord {
  id: string;
  name: string;
  agencyId: string;
  criteria: CampaignCriteria;
  dueAt: string;
  status: 'running' | 'completed';
  workflowId: string;
  createdBy: unknown;
  createdAt: string;
  completedAt: string | null;
}

export interface ReviewRecord {
  id: string;
  campaignId: string;
  matterId: string;
  matterTitle: string;
  agencyId: string;
  dueAt: string;
  status: 'pending' | 'open' | 'reviewed';
  openedAt: string | null;
  escalatedTo: string | null;
  escalatedAt: string | null;
  outcome: ReviewOutcome | null;
  planDate: string | null;
  legalGround: string | null;
  taskForceId: string | null;
  note: string | null;
  reviewedBy: unknown;
  reviewedAt: string | null;
}

export interface ReviewOutcomeInput {
  outcome: ReviewOutcome;
  planDate?: string | null | undefined;
  legalGround?: string | null | undefined;
  taskForceId?: string | null | undefined;
  note?: string | null | undefined;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
const dayOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

function campaignOf(r: Record<string, unknown>): CampaignRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    agencyId: r.agency_id as string,
    criteria: r.criteria as CampaignCriteria,
    dueAt: iso(r.due_at),
    status: r.status as CampaignRecord['status'],
    workflowId: r.workflow_id as string,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    completedAt: isoOrNull(r.completed_at),
  };
}

function reviewOf(r: Record<string, unknown>): ReviewRecord {
  return {
    id: r.id as string,
    campaignId: r.campaign_id as string,
    matterId: r.matter_id as string,
    matterTitle: (r.matter_title as string | undefined) ?? '',
    agencyId: r.agency_id as string,
    dueAt: iso(r.due_at),
    status: r.status as ReviewRecord['status'],
    openedAt: isoOrNull(r.opened_at),
    escalatedTo: (r.escalated_to as string | null) ?? null,
    escalatedAt: isoOrNull(r.escalated_at),
    outcome: (r.outcome as ReviewOutcome | null) ?? null,
    planDate: dayOrNull(r.plan_date),
    legalGround: (r.legal_ground as string | null) ?? null,
    taskForceId: (r.task_force_id as string | null) ?? null,
    note: (r.note as string | null) ?? null,
    reviewedBy: r.reviewed_by ?? null,
    reviewedAt: isoOrNull(r.reviewed_at),
  };
}

export interface AgencyProgress {
  agencyId: string;
  selected: number;
  reviewed: number;
  byOutcome: Record<ReviewOutcome, number>;
  open: number;
  overdue: number;
  escalated: number;
}

/**
 * The reviews of campaigns as a report counts them and its list shows them (issue 16 item 6: one definition for
 * both, chairman's report rows VIII.1.a–d and `GET /v1/review-campaigns/reviews`). Over
 * `review_items i JOIN review_campaigns c`; named bindings `:a` (the agencies whose matters are reviewed),
 * `:fromDay`, `:toDay` (Vietnam days): reviews of campaigns running in `[fromDay, toDay]` (launched before the end
 * of `toDay`, not completed before `fromDay`); a bound left out is not applied.
 */
export const REVIEWS_FROM = 'review_items i JOIN review_campaigns c ON c.id = i.campaign_id';
const END_OF_TO_DAY = `((:toDay::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`;
const START_OF_FROM_DAY = `(:fromDay::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`;
export function reviewsWhere(bounds: { from: boolean; to: boolean }): string {
  const parts = ['i.agency_id = ANY(:a::text[])'];
  if (bounds.to) parts.push(`c.created_at < ${END_OF_TO_DAY}`);
  if (bounds.from) parts.push(`(c.completed_at IS NULL OR c.completed_at >= ${START_OF_FROM_DAY})`);
  return parts.join(' AND ');
}
export const REVIEW_STATES = ['reviewed', 'overdue', 'escalated'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
/**
 * A review's state as of the end of the period (`toDay`; now without one): reviewed by then; overdue (due by then,
 * and not reviewed by its due time); escalated to the agency above by then.
 */
export function reviewStateSql(state: ReviewState, bounded: boolean): string {
  const asOf = bounded ? END_OF_TO_DAY : 'now()';
  switch (state) {
    case 'reviewed':
      return `(i.status = 'reviewed' AND i.reviewed_at < ${asOf})`;
    case 'overdue':
      return `(i.due_at < ${asOf} AND NOT (i.status = 'reviewed' AND i.reviewed_at <= i.due_at))`;
    case 'escalated':
      return `(i.escalated_at < ${asOf})`;
  }
}

export function createReviewCampaignStore(db: Db) {
  const items = (trx: Db = db) =>
    trx('review_items as i').join('matters as m', 'm.id', 'i.matter_id').select('i.*', 'm.title as matter_title');
  return {
    /** Open matters meeting `c` (flags as stored, or the time rules of `rules` that hold now: ADR 0028). */
    async select(
      c: CampaignCriteria,
      rules: readonly FlagRule[],
      trx: Db = db,
    ): Promise<Array<{ id: string; agencyId: string }>> {
      const rows = await trx('matters as m')
        .select('m.id', 'm.agency_id')
        .where('m.status', 'open')
        .whereRaw('m.agency_id = ANY(?::text[])', [c.agencyIds])
        .whereRaw('m.first_received_at <= now() - make_interval(months => ?)', [c.openLongerThanMonths])
        .where((w) => {
          for (const f of c.flags) {
            if (f === 'mass') w.orWhere('m.mass', true);
            else {
              const { sql, bindings } = flagSql(f, rules);
              w.orWhereRaw(sql, bindings);
            }
          }
        })
        .orderBy('m.id')
        .limit(5000);
      return rows.map((r: Record<string, unknown>) => ({ id: r.id as string, agencyId: r.agency_id as string }));
    },
    async insert(
      c: Omit<CampaignRecord, 'createdAt' | 'completedAt' | 'status'>,
      reviews: ReadonlyArray<{ id: string; matterId: string; agencyId: string }>,
      trx: Db,
    ): Promise<void> {
      await trx('review_campaigns').insert({
        id: c.id,
        name: c.name,
        agency_id: c.agencyId,
        criteria: JSON.stringify(c.criteria),
        due_at: c.dueAt,
        workflow_id: c.workflowId,
        created_by: JSON.stringify(c.createdBy),
      });
      for (let i = 0; i < reviews.length; i += 500)
        await trx('review_items').insert(
          reviews.slice(i, i + 500).map((r) => ({
            id: r.id,
            campaign_id: c.id,
            matter_id: r.matterId,
            agency_id: r.agencyId,
            due_at: c.dueAt,
          })),
        );
    },
    /**
     * Deletes a campaign and its reviews when none has moved (a launch whose workflow did not start); false, and
     * nothing deleted, when its workflow did start after all and opened them (a start that timed out after the
     * server took it). The reviews are locked first, so opening them waits for this and then finds none.
     */
    async removeUntouched(id: string, trx: Db): Promise<boolean> {
      const items = (await trx('review_items').where({ campaign_id: id }).forUpdate().select('status')) as Array<{
        status: string;
      }>;
      if (items.some((i) => i.status !== 'pending')) return false;
      await trx('review_items').where({ campaign_id: id }).delete();
      await trx('review_campaigns').where({ id }).delete();
      return true;
    },
    async get(id: string): Promise<CampaignRecord | undefined> {
      const r = await db('review_campaigns').where({ id }).first();
      return r ? campaignOf(r as Record<string, unknown>) : undefined;
    },
    /**
     * Campaigns of `agencies`; with `running`, those running some day of `[from, to]` (Vietnam days): launched
     * before the end of `to`, not completed before `from`.
     */
    async list(
      agencies: readonly string[],
      limit: number,
      running?: { from?: string | undefined; to?: string | undefined },
      after?: { k: string; id: string },
    ): Promise<Array<CampaignRecord & { sortKey: string }>> {
      const rows = await db('review_campaigns')
        .select('*', db.raw('created_at::text AS sort_key'))
        .whereRaw('agency_id = ANY(?::text[])', [agencies as string[]])
        .modify((b) => {
          if (after) b.whereRaw('(created_at, id) < (?::timestamptz, ?)', [after.k, after.id]);
          // The day after, in SQL: any day a client may send has one (`9999-12-31` + 1 is no ISO day for the clock).
          if (running?.to)
            b.whereRaw(`created_at < ((?::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`, [running.to]);
          if (running?.from)
            b.where((w) => w.whereNull('completed_at').orWhere('completed_at', '>=', startOfDayInstant(running.from!)));
        })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit);
      return rows.map((r: Record<string, unknown>) => ({ ...campaignOf(r), sortKey: r.sort_key as string }));
    },
    /**
     * The reviews of `agencies`' matters in campaigns ({@link reviewsWhere}), due first (keyset on due_at, id),
     * with the campaign's name.
     */
    async campaignReviews(q: {
      agencies: readonly string[];
      fromDay?: string | undefined;
      toDay?: string | undefined;
      state?: ReviewState | undefined;
      campaignId?: string | undefined;
      after?: { k: string; id: string } | undefined;
      limit: number;
    }): Promise<Array<ReviewRecord & { campaignName: string; sortKey: string }>> {
      const where = [reviewsWhere({ from: q.fromDay !== undefined, to: q.toDay !== undefined })];
      if (q.state) where.push(reviewStateSql(q.state, q.toDay !== undefined));
      if (q.campaignId) where.push('c.id = :campaignId');
      if (q.after) where.push('(i.due_at, i.id) > (:afterK::timestamptz, :afterId)');
      const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
        `SELECT i.*, m.title AS matter_title, c.name AS campaign_name, i.due_at::text AS sort_key
           FROM ${REVIEWS_FROM} JOIN matters m ON m.id = i.matter_id
          WHERE ${where.join(' AND ')} ORDER BY i.due_at, i.id LIMIT :limit`,
        {
          a: q.agencies as string[],
          ...(q.fromDay !== undefined ? { fromDay: q.fromDay } : {}),
          ...(q.toDay !== undefined ? { toDay: q.toDay } : {}),
          ...(q.campaignId ? { campaignId: q.campaignId } : {}),
          ...(q.after ? { afterK: q.after.k, afterId: q.after.id } : {}),
          limit: q.limit,
        },
      );
      return rows.map((r) => ({
        ...reviewOf(r),
        campaignName: r.campaign_name as string,
        sortKey: r.sort_key as string,
      }));
    },
    async ownerOf(resource: 'review-campaign' | 'review', id: string): Promise<string | undefined> {
      const r = await db(resource === 'review' ? 'review_items' : 'review_campaigns')
        .where({ id })
        .first<{ agency_id: string } | undefined>('agency_id');
      return r?.agency_id;
    },
    async review(id: string, trx: Db = db): Promise<ReviewRecord | undefined> {
      const r = await items(trx).where('i.id', id).first();
      return r ? reviewOf(r as Record<string, unknown>) : undefined;
    },
    async lockReview(id: string, trx: Db): Promise<void> {
      await trx('review_items').where({ id }).forUpdate().first('id');
    },
    /** Reviews for `agencies` (their own or escalated to them), due first. */
    async reviews(q: {
      agencies: readonly string[];
      campaignId?: string | undefined;
      status?: ReviewRecord['status'] | undefined;
      limit: number;
    }): Promise<ReviewRecord[]> {
      const rows = await items()
        .whereRaw('(i.agency_id = ANY(?::text[]) OR i.escalated_to = ANY(?::text[]))', [
          q.agencies as string[],
          q.agencies as string[],
        ])
        .modify((b) => {
          if (q.campaignId) b.where('i.campaign_id', q.campaignId);
          if (q.status) b.where('i.status', q.status);
        })
        .orderBy([{ column: 'i.due_at' }, { column: 'i.id' }])
        .limit(q.limit);
      return rows.map((r: Record<string, unknown>) => reviewOf(r));
    },
    /** Opens the campaign's pending reviews; returns how many were opened (none on a repeat). */
    async open(campaignId: string): Promise<number> {
      return db('review_items')
        .where({ campaign_id: campaignId, status: 'pending' })
        .update({ status: 'open', opened_at: db.fn.now() });
    },
    /**
     * Campaigns whose workflow never ran (ADR 0037, amendment of session 12): running, stored at least
     * `olderThanSeconds` ago (the database's clock, which stamped them), every review still pending — the workflow's
     * first step opens them all, and completes a campaign without reviews. Newest first: one whose workflow exists but
     * never opened its reviews (terminated by hand) stays untouched for ever, and such campaigns must not hide a
     * newer lost start behind the limit.
     */
    async untouched(q: { olderThanSeconds: number; limit: number }): Promise<string[]> {
      const rows = (await db('review_campaigns as c')
        .where('c.status', 'running')
        .whereRaw('c.created_at <= now() - make_interval(secs => ?)', [q.olderThanSeconds])
        .whereNotExists((b) =>
          b.select(1).from('review_items as i').whereRaw('i.campaign_id = c.id').whereNot('i.status', 'pending'),
        )
        .orderBy([
          { column: 'c.created_at', order: 'desc' },
          { column: 'c.id', order: 'desc' },
        ])
        .limit(q.limit)
        .select('c.id')) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    },
    /**
     * The campaign locked (FOR UPDATE) when it is still untouched (as {@link untouched}, without the age); else
     * undefined. A withdrawal (`removeUntouched`) deleting it waits for the lock holder's commit.
     */
    async lockUntouched(id: string, trx: Db): Promise<{ id: string; dueAt: string } | undefined> {
      const r = (await trx('review_campaigns as c')
        .where({ 'c.id': id, 'c.status': 'running' })
        .whereNotExists((b) =>
          b.select(1).from('review_items as i').whereRaw('i.campaign_id = c.id').whereNot('i.status', 'pending'),
        )
        .forUpdate()
        .first('c.id', 'c.due_at')) as { id: string; due_at: unknown } | undefined;
      return r ? { id: r.id, dueAt: iso(r.due_at) } : undefined;
    },
    async exists(campaignId: string): Promise<boolean> {
      return (await db('review_campaigns').where({ id: campaignId }).first('id')) !== undefined;
    },
    /**
     * Escalates the campaign's reviews still open past their due date to the agency above theirs (a root
     * agency: to itself); returns the escalated reviews (none on a repeat).
     */
    async escalateOverdue(
      campaignId: string,
      trx: Db,
      asOfMs?: number,
    ): Promise<Array<{ id: string; agencyId: string; to: string }>> {
      const { rows } = await trx.raw<{ rows: Array<{ id: string; agency_id: string; escalated_to: string }> }>(
        `UPDATE review_items i SET escalated_to = COALESCE(a.parent_id, a.id), escalated_at = now()
           FROM agencies a
          WHERE a.id = i.agency_id AND i.campaign_id = ? AND i.status = 'open'
            AND i.due_at <= COALESCE(?::timestamptz, now()) AND i.escalated_to IS NULL
          RETURNING i.id, i.agency_id, i.escalated_to`,
        [campaignId, asOfMs === undefined ? null : new Date(asOfMs).toISOString()],
      );
      // In id order: UPDATE … RETURNING has none, and the audit entries and events follow this list.
      return rows
        .map((r) => ({ id: r.id, agencyId: r.agency_id, to: r.escalated_to }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async remaining(campaignId: string): Promise<number> {
      const r = await db('review_items')
        .where({ campaign_id: campaignId })
        .whereNot('status', 'reviewed')
        .count<Array<{ n: string }>>('* as n');
      return Number(r[0]?.n ?? 0);
    },
    /** Marks the campaign completed; false when it already was. */
    async complete(campaignId: string, trx: Db): Promise<boolean> {
      const n = await trx('review_campaigns')
        .where({ id: campaignId, status: 'running' })
        .update({ status: 'completed', completed_at: trx.fn.now() });
      return n > 0;
    },
    async record(id: string, o: ReviewOutcomeInput, by: unknown, trx: Db): Promise<void> {
      await trx('review_items')
        .where({ id })
        .update({
          status: 'reviewed',
          outcome: o.outcome,
          plan_date: o.planDate ?? null,
          legal_ground: o.legalGround ?? null,
          task_force_id: o.taskForceId ?? null,
          note: o.note ?? null,
          reviewed_by: JSON.stringify(by),
          reviewed_at: trx.fn.now(),
        });
    },
    /** Progress per agency of the reviews (the agency they were opened for). */
    async progress(campaignId: string): Promise<AgencyProgress[]> {
      const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
        `SELECT agency_id,
                count(*)::int AS selected,
                count(*) FILTER (WHERE status = 'reviewed')::int AS reviewed,
                count(*) FILTER (WHERE outcome = 'resolved')::int AS resolved,
                count(*) FILTER (WHERE outcome = 'resolution_plan')::int AS resolution_plan,
                count(*) FILTER (WHERE outcome = 'terminated')::int AS terminated,
                count(*) FILTER (WHERE outcome = 'referred_to_task_force')::int AS referred_to_task_force,
                count(*) FILTER (WHERE status <> 'reviewed')::int AS open,
                count(*) FILTER (WHERE status <> 'reviewed' AND due_at < now())::int AS overdue,
                count(*) FILTER (WHERE escalated_to IS NOT NULL)::int AS escalated
           FROM review_items WHERE campaign_id = ? GROUP BY agency_id ORDER BY agency_id`,
        [campaignId],
      );
      return rows.map((r) => ({
        agencyId: r.agency_id as string,
        selected: r.selected as number,
        reviewed: r.reviewed as number,
        byOutcome: {
          resolved: r.resolved as number,
          resolution_plan: r.resolution_plan as number,
          terminated: r.terminated as number,
          referred_to_task_force: r.referred_to_task_force as number,
        },
        open: r.open as number,
        overdue: r.overdue as number,
        escalated: r.escalated as number,
      }));
    },
  };
}

export type ReviewCampaignStore = ReturnType<typeof createReviewCampaignStore>;
