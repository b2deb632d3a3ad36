/**
 * Published decisions and conclusions (ADR 0043): the redacted texts on the public portal, their withdrawal,
 * and the public list (newest first, by cursor). Only redacted text is ever stored here.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './knex.js';
import type { PublicationKind } from '../publication/rules.js';

export interface PublishedDecision {
  id: string;
  caseId: string;
  documentId: string;
  agencyId: string;
  agencyName: string;
  kind: PublicationKind;
  instance: 'first' | 'second' | null;
  decisionNumber: string | null;
  issuedOn: string;
  title: string;
  redactedText: string;
  textSha256: string;
  legalBasis: string;
  minimumUntil: string;
  status: 'published' | 'withdrawn';
  publishedBy: Record<string, unknown>;
  publishedAt: Date;
  withdrawnBy: Record<string, unknown> | null;
  withdrawnAt: Date | null;
  withdrawnReason: string | null;
  /** `published_at::text`, the cursor's sort key. */
  sortKey: string;
}

export interface DecisionDocument {
  id: string;
  type: string;
  reference: string | null;
  issuedOn: string | null;
}

export type NewPublication = Omit<
  PublishedDecision,
  'id' | 'agencyName' | 'status' | 'publishedAt' | 'withdrawnBy' | 'withdrawnAt' | 'withdrawnReason' | 'sortKey'
>;

export interface PublicListQuery {
  agencies?: readonly string[];
  kind?: PublicationKind;
  year?: number;
  after?: { k: string; id: string };
  limit: number;
}

const COLUMNS = [
  'p.*',
  'a.name as agency_name',
  'p.published_at::text as sort_key',
  'p.issued_on::text as issued_on_text',
  'p.minimum_until::text as minimum_until_text',
];

function rowOf(r: Record<string, unknown>): PublishedDecision {
  return {
    id: r.id as string,
    caseId: r.case_id as string,
    documentId: r.document_id as string,
    agencyId: r.agency_id as string,
    agencyName: (r.agency_name as string | null) ?? (r.agency_id as string),
    kind: r.kind as PublicationKind,
    instance: (r.instance as 'first' | 'second' | null) ?? null,
    decisionNumber: (r.decision_number as string | null) ?? null,
    issuedOn: r.issued_on_text as string,
    title: r.title as string,
    redactedText: r.redacted_text as string,
    textSha256: r.text_sha256 as string,
    legalBasis: r.legal_basis as string,
    minimumUntil: r.minimum_until_text as string,
    status: r.status as 'published' | 'withdrawn',
    publishedBy: r.published_by as Record<string, unknown>,
    publishedAt: r.published_at as Date,
    withdrawnBy: (r.withdrawn_by as Record<string, unknown> | null) ?? null,
    withdrawnAt: (r.withdrawn_at as Date | null) ?? null,
    withdrawnReason: (r.withdrawn_reason as string | null) ?? null,
    sortKey: r.sort_key as string,
  };
}

export function createPublishedDecisionStore(db: Db) {
  const select = (trx: Db = db) =>
    trx('published_decisions as p')
      .leftJoin('agencies as a', 'a.id', 'p.agency_id')
      .select(COLUMNS.map((c) => db.raw(c)));
  return {
    /** The case's decision and conclusion documents of `types` that carry an issue date, newest first. */
    async documents(caseId: string, types: readonly string[]): Promise<DecisionDocument[]> {
      const rows = await db('case_documents')
        .where({ case_id: caseId })
        .whereIn('type', types)
        .whereNotNull('issued_on')
        .orderBy([
          { column: 'recorded_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .select('id', 'type', 'reference', db.raw('issued_on::text as issued_on'));
      return rows.map((r: Record<string, unknown>) => ({
        id: r.id as string,
        type: r.type as string,
        reference: (r.reference as string | null) ?? null,
        issuedOn: (r.issued_on as string | null) ?? null,
      }));
    },

    /**
     * Inserts a publication; `undefined` when the document already has one in force (the partial unique
     * index decides, so two concurrent publishers cannot both win).
     */
    async insert(p: NewPublication, trx: Db = db): Promise<PublishedDecision | undefined> {
      const id = `pdc_${randomBytes(8).toString('hex')}`;
      const inserted = await trx('published_decisions')
        .insert({
          id,
          case_id: p.caseId,
          document_id: p.documentId,
          agency_id: p.agencyId,
          kind: p.kind,
          instance: p.instance,
          decision_number: p.decisionNumber,
          issued_on: p.issuedOn,
          title: p.title,
          redacted_text: p.redactedText,
          text_sha256: p.textSha256,
          legal_basis: p.legalBasis,
          minimum_until: p.minimumUntil,
          published_by: JSON.stringify(p.publishedBy),
        })
        .onConflict(db.raw("(document_id) WHERE status = 'published'"))
        .ignore()
        .returning('id');
      if (inserted.length === 0) return undefined;
      return (await select(trx)
        .where('p.id', id)
        .first()
        .then((r) => (r ? rowOf(r) : undefined)))!;
    },

    async get(id: string, trx: Db = db): Promise<PublishedDecision | undefined> {
      const r = await select(trx).where('p.id', id).first();
      return r ? rowOf(r) : undefined;
    },

    async forCase(caseId: string): Promise<PublishedDecision[]> {
      const rows = await select().where('p.case_id', caseId).orderBy('p.published_at', 'desc').orderBy('p.id', 'desc');
      return rows.map(rowOf);
    },

    /** Withdraws a publication in force; `undefined` when it is not (already withdrawn). */
    async withdraw(
      id: string,
      by: Record<string, unknown>,
      reason: string,
      trx: Db = db,
    ): Promise<PublishedDecision | undefined> {
      const n = await trx('published_decisions')
        .where({ id, status: 'published' })
        .update({
          status: 'withdrawn',
          withdrawn_by: JSON.stringify(by),
          withdrawn_at: trx.fn.now(),
          withdrawn_reason: reason,
        });
      return n === 0 ? undefined : this.get(id, trx);
    },

    /** Publications in force, newest first; filters by agency, kind and the year of issue. */
    async listPublic(q: PublicListQuery): Promise<PublishedDecision[]> {
      const b = select().where('p.status', 'published');
      if (q.agencies) b.whereIn('p.agency_id', q.agencies as string[]);
      if (q.kind) b.where('p.kind', q.kind);
      if (q.year !== undefined)
        b.where('p.issued_on', '>=', `${q.year}-01-01`).where('p.issued_on', '<=', `${q.year}-12-31`);
      if (q.after) b.whereRaw('(p.published_at, p.id) < (?::timestamptz, ?)', [q.after.k, q.after.id]);
      const rows = await b.orderBy('p.published_at', 'desc').orderBy('p.id', 'desc').limit(q.limit);
      return rows.map(rowOf);
    },
  };
}

export type PublishedDecisionStore = ReturnType<typeof createPublishedDecisionStore>;
