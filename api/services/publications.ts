/**
 * Publishing a case's decision or conclusion on the public portal (ADR 0043). An officer of the deciding agency
 * sends the text; the server redacts it with the case's parties (decrypted here only), the officer reviews the
 * preview and publishes exactly what was previewed (its sha256), audited; withdrawal keeps the row with a reason.
 * Never stored or logged: the original text, the extra terms, any party's identity.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/knex.js';
import type { PartyStore } from '../../db/parties.js';
import type { DecisionDocument, PublishedDecision, PublishedDecisionStore } from '../../db/published-decisions.js';
import type { CaseRecord } from '../../db/cases.js';
import { containsIdentity, redactText, type Replacement } from '../../publication/redact.js';
import { PUBLISHABLE_TYPES, publicationRule, type PublicationRule } from '../../publication/rules.js';
import { addDays } from '../../workflows/clock/days.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { HttpProblem, problems } from '../problem.js';

interface AuditLike {
  append(
    input: {
      actor: ReturnType<typeof actorOf>;
      action: string;
      caseId?: string | null;
      before?: unknown;
      after?: unknown;
      legalBasis?: string | null;
      requestId?: string | null;
    },
    trx?: Db,
  ): Promise<unknown>;
}

export interface PublicationInput {
  documentId?: string | undefined;
  text: string;
  extraTerms?: readonly string[] | undefined;
}

export interface Preview {
  document: DecisionDocument;
  rule: PublicationRule;
  redactedText: string;
  textSha256: string;
  replacements: Replacement[];
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const unprocessable = (path: string, message: string) =>
  new HttpProblem(422, 'publication-rejected', 'The decision cannot be published', `${path}: ${message}`, {
    errors: [{ path, message }],
  });

export function createPublicationService(deps: {
  db: Db;
  store: PublishedDecisionStore;
  parties: PartyStore;
  audit: AuditLike;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  async function documentOf(c: CaseRecord, documentId: string | undefined): Promise<DecisionDocument> {
    const docs = await deps.store.documents(c.id, PUBLISHABLE_TYPES);
    if (documentId) {
      const d = docs.find((x) => x.id === documentId);
      if (!d) throw unprocessable('body.documentId', 'not an issued decision or conclusion of this case');
      return d;
    }
    const d = docs[0];
    if (!d) throw problems.conflict('The case has no issued decision or conclusion to publish yet');
    return d;
  }

  async function preview(c: CaseRecord, input: PublicationInput): Promise<Preview> {
    const document = await documentOf(c, input.documentId);
    const rule = publicationRule(document.type, document.issuedOn!);
    if (!rule)
      throw unprocessable('body.documentId', `no publication rule for ${document.type} issued ${document.issuedOn}`);
    const parties = await deps.parties.forCase(c.id);
    const r = redactText(input.text, parties, input.extraTerms ?? []);
    // Guaranteed by redactText; checked again because the law allows no exception (Luật Tố cáo 2018 Art 8(3)).
    if (containsIdentity(r.text, parties)) throw unprocessable('body.text', 'a party could not be redacted');
    return { document, rule, redactedText: r.text, textSha256: sha256(r.text), replacements: r.replacements };
  }

  return {
    preview,

    async publish(
      c: CaseRecord,
      input: PublicationInput & { reviewedSha256: string },
      ctx: { principal: Principal; requestId: string },
    ): Promise<PublishedDecision> {
      const p = await preview(c, input);
      if (p.textSha256 !== input.reviewedSha256)
        throw problems.conflict(
          'The redacted text differs from the one reviewed (reviewedSha256): preview it again before publishing',
        );
      const today = vnDate(now());
      const actor = actorOf(ctx.principal);
      return deps.db.transaction(async (trx) => {
        const row = await deps.store.insert(
          {
            caseId: c.id,
            documentId: p.document.id,
            agencyId: c.agencyId,
            kind: p.rule.kind,
            instance: p.rule.instance,
            decisionNumber: p.document.reference,
            issuedOn: p.document.issuedOn!,
            title: p.rule.title,
            redactedText: p.redactedText,
            textSha256: p.textSha256,
            legalBasis: p.rule.legalBasis,
            // "ít nhất 15 ngày, kể từ ngày đăng": the posting day is not counted (BLDS 2015 Art 147(3)).
            minimumUntil: addDays(today, p.rule.minimumDays),
            publishedBy: actor,
          },
          trx,
        );
        if (!row) throw problems.conflict(`Document ${p.document.id} is already published; withdraw it first`);
        await deps.audit.append(
          {
            actor,
            action: 'decision.published',
            caseId: c.id,
            requestId: ctx.requestId,
            legalBasis: p.rule.legalBasis,
            after: {
              publicationId: row.id,
              documentId: row.documentId,
              kind: row.kind,
              textSha256: row.textSha256,
              minimumUntil: row.minimumUntil,
              replacements: p.replacements,
            },
          },
          trx,
        );
        return row;
      });
    },

    async withdraw(
      c: CaseRecord,
      publicationId: string,
      reason: string,
      ctx: { principal: Principal; requestId: string },
    ): Promise<PublishedDecision> {
      const actor = actorOf(ctx.principal);
      return deps.db.transaction(async (trx) => {
        const before = await deps.store.get(publicationId, trx);
        if (!before || before.caseId !== c.id) throw problems.notFound(`Publication ${publicationId}`);
        const row = await deps.store.withdraw(publicationId, actor, reason, trx);
        if (!row) throw problems.conflict(`Publication ${publicationId} is already withdrawn`);
        await deps.audit.append(
          {
            actor,
            action: 'decision.publication_withdrawn',
            caseId: c.id,
            requestId: ctx.requestId,
            legalBasis: before.legalBasis,
            before: { publicationId, status: before.status },
            after: {
              publicationId,
              status: row.status,
              reason,
              // Withdrawn before the statutory minimum: the posting no longer meets it (NĐ 75/2012 Art 12(3)).
              minimumMet: vnDate(now()) > before.minimumUntil,
            },
          },
          trx,
        );
        return row;
      });
    },
  };
}

export type PublicationService = ReturnType<typeof createPublicationService>;
