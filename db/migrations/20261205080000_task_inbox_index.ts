import type { Knex } from 'knex';

/**
 * The task inbox's order as an index (issue 17 item 10): `GET /v1/tasks` lists the tasks routed to the
 * caller's agencies, due soonest first. Filtering on `COALESCE(target_agency_id, cases.agency_id)` across the
 * join had no index: every task and every case was read, joined and sorted to return the first page (≈270 ms
 * for 100,000 cases on an idle machine, seconds under load). The search now reads each agency's tasks in due
 * order from this index, `LIMIT` rows per agency (db/case-search.ts), and the few tasks with no resolved
 * target (an unknown case agency, rows projected before routing) through the partial index.
 * It replaces the `(target_agency_id, status)` index, its prefix.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`CREATE INDEX case_tasks_inbox_idx ON case_tasks
    (target_agency_id, status, (COALESCE(due_at, 'infinity'::timestamptz)), case_id, task_id)`);
  await db.raw(`CREATE INDEX case_tasks_untargeted_idx ON case_tasks (case_id) WHERE target_agency_id IS NULL`);
  await db.schema.alterTable('case_tasks', (t) => {
    t.dropIndex(['target_agency_id', 'status']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('case_tasks', (t) => {
    t.index(['target_agency_id', 'status']);
  });
  await db.raw('DROP INDEX case_tasks_untargeted_idx');
  await db.raw('DROP INDEX case_tasks_inbox_idx');
}
