import type { Knex } from 'knex';

/**
 * Published complaint decisions and denunciation conclusions (issue 17 item 8, ADR 0043): the redacted text an
 * officer of the deciding agency put on the public portal (Luật Khiếu nại 2011 Art 41(2)-(3); Luật Tố cáo 2018
 * Art 40; NĐ 31/2019 Art 6(2)(c)). Only the redacted text is stored — never the original, never the terms the
 * publisher asked to redact. A withdrawal keeps the row (status `withdrawn`, with its reason); a document has at
 * most one publication in force.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('published_decisions', (t) => {
    t.text('id').primary();
    t.text('case_id').notNullable().references('id').inTable('cases');
    t.text('document_id').notNullable();
    t.text('agency_id').notNullable();
    // complaint_decision | denunciation_conclusion
    t.text('kind').notNullable();
    // first | second (complaints); null (conclusions)
    t.text('instance');
    t.text('decision_number');
    t.date('issued_on').notNullable();
    t.text('title').notNullable();
    t.text('redacted_text').notNullable();
    t.text('text_sha256').notNullable();
    t.text('legal_basis').notNullable();
    t.date('minimum_until').notNullable();
    t.text('status').notNullable().defaultTo('published');
    t.jsonb('published_by').notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.jsonb('withdrawn_by');
    t.timestamp('withdrawn_at', { useTz: true });
    t.text('withdrawn_reason');
    t.index(['case_id']);
  });
  await db.raw(`ALTER TABLE published_decisions ADD CONSTRAINT published_decisions_kind_check
    CHECK (kind IN ('complaint_decision', 'denunciation_conclusion'))`);
  await db.raw(`ALTER TABLE published_decisions ADD CONSTRAINT published_decisions_status_check
    CHECK (status IN ('published', 'withdrawn'))`);
  // One publication in force per document.
  await db.raw(`CREATE UNIQUE INDEX published_decisions_document_uq ON published_decisions (document_id)
    WHERE status = 'published'`);
  // The public list: newest first, per agency, by cursor.
  await db.raw(`CREATE INDEX published_decisions_public_idx ON published_decisions (agency_id, published_at DESC, id DESC)
    WHERE status = 'published'`);
  await db.raw(`CREATE INDEX published_decisions_public_all_idx ON published_decisions (published_at DESC, id DESC)
    WHERE status = 'published'`);
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('published_decisions');
}
