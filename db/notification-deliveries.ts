/**
 * Reading notifications (ADR 0025): a case's recorded notifications with their deliveries, and a
 * person's in-app inbox (messages about cases and about other subjects: a compliance task, a report) (`notification_deliveries` with channel `inapp`). Rows as stored; the route
 * (api/routes/notifications.ts) shapes them.
 */
import type { Db } from './knex.js';

export type NotificationRow = Record<string, unknown>;

const inboxColumns = (db: Db) => [
  'd.id',
  'd.case_id',
  'd.subject_kind',
  'd.subject_id',
  'd.notification_id',
  // A report's overdue escalation (ADR 0032) writes its deliveries without a notification row.
  db.raw("coalesce(n.kind, CASE d.subject_kind WHEN 'report' THEN 'report_overdue' ELSE d.subject_kind END) AS kind"),
  'd.subject',
  'd.body_text',
  'd.link',
  'd.created_at',
  'd.read_at',
];

export function createNotificationStore(db: Db) {
  const mine = (personId: string) =>
    db('notification_deliveries as d').where({ 'd.person_id': personId, 'd.channel': 'inapp' });
  return {
    /** The case's notifications (newest first, at most 500) and all their deliveries (oldest first). */
    async ofCase(caseId: string): Promise<{ notifications: NotificationRow[]; deliveries: NotificationRow[] }> {
      const [notifications, deliveries] = await Promise.all([
        db('case_notifications')
          .where({ case_id: caseId })
          .orderBy([
            { column: 'recorded_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(500)
          .select('id', 'kind', 'node_id', 'recipients', 'status', 'attempts', 'reason', 'recorded_at', 'settled_at'),
        db('notification_deliveries')
          .where({ case_id: caseId })
          .orderBy([{ column: 'created_at' }, { column: 'id' }])
          .select(
            'id',
            'notification_id',
            'person_id',
            'channel',
            'address',
            'status',
            'attempts',
            'last_error',
            'last_attempt_at',
            'sent_at',
          ),
      ]);
      return { notifications, deliveries };
    },
    /** A person's in-app messages, newest first, and how many are unread. */
    async inbox(
      personId: string,
      opts: { unreadOnly: boolean; limit: number },
    ): Promise<{ rows: NotificationRow[]; unread: number }> {
      const q = mine(personId)
        .leftJoin('case_notifications as n', 'n.id', 'd.notification_id')
        .orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.id' }])
        .limit(opts.limit)
        .select(...inboxColumns(db));
      if (opts.unreadOnly) q.whereNull('d.read_at');
      const [rows, count] = await Promise.all([
        q,
        mine(personId).whereNull('d.read_at').count<Array<{ n: string }>>('* as n'),
      ]);
      return { rows, unread: Number(count[0]?.n ?? 0) };
    },
    /** Marks a person's in-app message read (keeps the first read time); the message, or undefined if not theirs. */
    async markRead(personId: string, id: string): Promise<NotificationRow | undefined> {
      await db('notification_deliveries')
        .where({ id, person_id: personId, channel: 'inapp' })
        .whereNull('read_at')
        .update({ read_at: db.fn.now() });
      return mine(personId)
        .where({ 'd.id': id })
        .leftJoin('case_notifications as n', 'n.id', 'd.notification_id')
        .first(...inboxColumns(db)) as Promise<NotificationRow | undefined>;
    },
  };
}

export type NotificationStore = ReturnType<typeof createNotificationStore>;
