/**
 * Citizen reception (issue 14 items 2–3, ADR 0028): the logic between the thin handlers
 * (api/routes/reception.ts, matters.ts) and the stores (db/reception.ts, db/matters.ts).
 *
 * Every change, its audit entry and its outbox event commit in one transaction (ADR 0026). A visit whose
 * outcome is `letter_received` starts its case through the idempotent case start (api/services/case-start.ts)
 * under a key derived from the visit id, before the visit row is written: a retry (same visit id) attaches to
 * the same case, and the visit then records the case id. Matters are linked only on an officer's decision.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AuditStore } from '../../db/audit.js';
import { appendEvents, type NewEvent } from '../../db/events.js';
import type { Db } from '../../db/knex.js';
import {
  evaluateFlags,
  type MatterLinkKind,
  type MatterPlacePatch,
  type MatterRecord,
  type MatterStatus,
  type MatterStore,
} from '../../db/matters.js';
import type { PartyStore } from '../../db/parties.js';
import { redactedIdentity } from '../redaction.js';
import {
  ONLINE_RECEPTION,
  onlineReceptionAllowed,
  refusalBasis,
  REPRESENTATIVES_RULE,
} from '../../reception/legal-rules.js';
import { createReceptionPeriodStore } from '../../db/reception-periods.js';
import {
  identityKeys,
  RECEPTION_EVENTS,
  respondentKeys,
  type ContentType,
  type NewSession,
  type PlaceKind,
  type PlaceRecord,
  type ReceptionStore,
  type SessionRecord,
  type VisitorIdentity,
  type VisitOutcome,
  type VisitPartyRecord,
  type VisitRecord,
} from '../../db/reception.js';
import type { ReceptionScheduleStore } from '../../db/reception-schedule.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import type { CaseType } from '../../workflows/contract.js';
import type { AgencyScope } from '../auth/agencies.js';
import { actorOf, IDENTITY_READ, type Principal } from '../auth/principal.js';
import { requestHash } from '../idempotency.js';
import { HttpProblem } from '../problem.js';
import { CreateCaseBody } from '../case-body.js';
import type { CaseStartRequest, CaseStartService } from './case-start.js';
import { unknownReference } from './case-start.js';
import { representativeProblems, type MassMatterService, type PendingStart } from './mass-matters.js';
import { recordVisitPlace, type IngestResult } from '../../db/hotspots.js';
import type { PlaceStore } from '../../db/places.js';
import type { HotspotConfig } from '../../hotspots/config.js';
import { respondentKey as clusterRespondent } from '../../hotspots/respondent.js';
import { MASS_CASE_MIN_SIGNERS } from '../../processes/builtin/index.js';
import { appendJournal, newJournal, type Journal } from './journal.js';

type Log = { error(o: object, m: string): void } | undefined;

/** 422 naming the field: the request is well-formed but refers to something it may not. */
export const unprocessable = (path: string, message: string): HttpProblem =>
  new HttpProblem(422, 'validation', 'The request cannot be processed', `${path}: ${message}`, {
    errors: [{ path, message }],
  });

/** `s` cut to at most `max` UTF-16 units without splitting a surrogate pair (a code point). */
export function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** The visit field a problem of the case-start body built from a visit comes from (422 naming it). */
function visitFieldOf(path: ReadonlyArray<PropertyKey>, v: VisitInput): string {
  const [head, index, ...rest] = path.map(String);
  const tail = rest.length ? `.${rest.join('.')}` : '';
  switch (head) {
    case 'parties':
      if (index === undefined) return 'visitors';
      return +index < v.visitors.length
        ? `visitors[${index}]${tail}`
        : `representatives[${+index - v.visitors.length}]${tail}`;
    case 'subject':
      return v.letter?.subject !== undefined ? 'letter.subject' : 'summary';
    case 'type':
      return v.letter?.caseType !== undefined ? 'letter.caseType' : 'contentType';
    case 'attachments':
      return `letter.attachments${index === undefined ? '' : `[${index}]`}${tail}`;
    case 'remoteArea':
      return 'letter.remoteArea';
    case 'respondent':
      return 'respondent';
    case 'contentSummary':
      return 'summary';
    case 'signersCount':
      return 'peopleCount';
    case 'receivedAt':
      return 'visitedAt';
    default:
      return head ?? 'visitedAt';
  }
}

export const DENOUNCER_BASIS = 'Luật Tố cáo 2018 Art 8(3), 47, 56; Luật Tiếp công dân 2013 Art 7';

/** The case type a letter received at a visit starts as, by the visit's content (the officer may override). */
export const CASE_TYPE_OF: Record<ContentType, CaseType> = {
  complaint: 'complaint_first',
  denunciation: 'denunciation',
  petition: 'petition',
  feedback: 'petition',
};

/** Visitors of a denunciation visit, and its representatives, are protected like denouncers. */
export const isProtectedVisitor = (role: string, contentType: ContentType): boolean =>
  contentType === 'denunciation' && (role === 'visitor' || role === 'representative');

/** A visit id from the caller and its Idempotency-Key: a retried request is the same visit. */
export function visitIdOf(principal: Principal, key: string | undefined): string {
  if (key === undefined) return randomUUID();
  const h = createHash('sha256').update(`reception-visit|${principal.type}:${principal.id}|${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface VisitInput {
  visitedAt: string;
  peopleCount?: number | undefined;
  isDelegation: boolean;
  visitors: VisitorIdentity[];
  representatives: VisitorIdentity[];
  respondent?: string | undefined;
  contentType: ContentType;
  summary: string;
  outcome: VisitOutcome;
  refusalGround?: string | undefined;
  transferAgencyId?: string | undefined;
  transferTarget?: string | undefined;
  letter?:
    | {
        caseType?: CaseType | undefined;
        subject?: string | undefined;
        remoteArea?: boolean | undefined;
        attachments?: CaseStartRequest['attachments'] | undefined;
      }
    | undefined;
  matterId?: string | undefined;
  /** Structured place, sector and respondent agency (issue 15.4): the visit feeds the hotspot detector. */
  place?: { provinceCode: string; communeCode?: string | undefined } | undefined;
  sector?: string | undefined;
  respondentAgencyId?: string | undefined;
  /** A crowd: tell the police when its delegation opens (ADR 0036). */
  securityLiaison?: boolean | undefined;
}

export interface SessionInput {
  agencyId: string;
  placeId: string;
  kind: NewSession['kind'];
  leaderPersonId?: string | undefined;
  receivedBy: NewSession['receivedBy'];
  delegatePersonId?: string | undefined;
  mode: NewSession['mode'];
  startedAt: string;
  endedAt?: string | undefined;
  sessionDate?: string | undefined;
  periodId?: string | undefined;
  scheduleEntryId?: string | undefined;
  notes?: string | undefined;
}

export interface ReceptionDeps {
  db: Db;
  reception: ReceptionStore;
  matters: MatterStore;
  audit: Pick<AuditStore, 'append'>;
  caseStart: Pick<CaseStartService, 'start'>;
  parties: Pick<PartyStore, 'forCase'>;
  agencies: Pick<AgencyScope, 'isWithin' | 'subtree' | 'closure'>;
  cases: { get(id: string): Promise<{ id: string; agencyId: string; receivedAt: string } | undefined> };
  /** The directory position of a leader or delegate, and the schedule entry a session held. */
  schedule: Pick<ReceptionScheduleStore, 'positionOf' | 'get'>;
  /** Mass matters (ADR 0036): a crowd confirmed in a matter flags it mass and opens its delegation process. */
  massMatters?:
    Pick<MassMatterService, 'onConfirmed' | 'startAll' | 'feedGatherings' | 'startDeliveries' | 'isCrowd'> | undefined;
  /** Reference data check and the hotspot detector, for a visit's place (ADR 0034). */
  places?: Pick<PlaceStore, 'check'> | undefined;
  hotspots?: { config: HotspotConfig; startDelivery(notificationId: string): Promise<void> } | undefined;
}

const by = (p: Principal) => `${p.type}:${p.id}`;
const todayVn = () => vnDate(Date.now());

/**
 * A matter's structured place, sector and respondent as given to `POST`/`PATCH /v1/matters` (ADR 0034): null
 * clears a field, undefined leaves it. The respondent is an agency of the directory or a text, keyed as the
 * hotspot detector keys cases and visits (an agency wins).
 */
export interface MatterPlaceInput {
  place?: { provinceCode: string; communeCode?: string | undefined } | null | undefined;
  sector?: string | null | undefined;
  respondentAgencyId?: string | null | undefined;
  respondent?: string | null | undefined;
}

export function createReceptionService(deps: ReceptionDeps) {
  /** Checks a matter's place, sector and respondent against the reference data (422 naming the field). */
  async function placePatch(m: MatterPlaceInput): Promise<MatterPlacePatch> {
    const errors = deps.places
      ? await deps.places.check({
          place: m.place ?? undefined,
          sector: m.sector ?? undefined,
          respondentAgencyId: m.respondentAgencyId ?? undefined,
        })
      : [];
    if (errors.length > 0) throw unknownReference(errors);
    const out: MatterPlacePatch = {};
    if (m.place !== undefined)
      out.place = m.place ? { provinceCode: m.place.provinceCode, communeCode: m.place.communeCode ?? null } : null;
    if (m.sector !== undefined) out.sector = m.sector;
    if (m.respondentAgencyId !== undefined || m.respondent !== undefined)
      out.respondentKey = clusterRespondent({ agencyId: m.respondentAgencyId, name: m.respondent });
    return out;
  }

  const { db, reception, matters, audit } = deps;
  const periods = createReceptionPeriodStore(db);
  const hasher = reception.hasher;

  /**
   * Person and respondent hashes of identities (never stored in clear, never logged): under the current key
   * to index (`all` false), under every configured key to look up (`all` true; matches across a rotation).
   */
  const hashesOf = (people: readonly VisitorIdentity[], respondent: string | undefined, all = false) => {
    const h = (k: string) => (all ? hasher.hashAll(k) : [hasher.hash(k)]);
    return {
      person: people.flatMap((p) => identityKeys(p).flatMap(h)),
      respondent: respondent ? respondentKeys(respondent).flatMap(h) : [],
    };
  };

  /**
   * Counts and flags of a matter from its links, stored; a `matter.flagged` entry and event when a flag changed, in
   * `journal` (the caller appends it after its writes).
   */
  async function refresh(
    matterId: string,
    trx: Db,
    requestId: string,
    principal: Principal,
    journal: Journal,
  ): Promise<MatterRecord> {
    const before = (await matters.lock(matterId, trx))!;
    const counts = await matters.counts(matterId, trx);
    const rules = await matters.rules(todayVn(), trx);
    const next = {
      status: before.status,
      finalDecisionAt: before.finalDecisionAt,
      firstReceivedAt: counts.firstReceivedAt ?? before.firstReceivedAt,
      lastReceivedAt: counts.lastReceivedAt ?? before.lastReceivedAt,
      timesReceived: counts.timesReceived,
      peopleMax: counts.peopleMax,
    };
    const flags = evaluateFlags(next, rules, new Date());
    const after = await matters.store(matterId, counts, flags, trx);
    if (after.prolonged !== before.prolonged || after.complex !== before.complex) {
      journal.audit.push({
        actor: actorOf(principal),
        action: 'matter.flagged',
        requestId,
        before: { matterId, prolonged: before.prolonged, complex: before.complex },
        after: { matterId, prolonged: after.prolonged, complex: after.complex, rules: flags.reasons },
        legalBasis: rules
          .filter((r) => flags.reasons.includes(r.id))
          .map((r) => r.source)
          .join('; '),
      });
      journal.events.push({
        type: RECEPTION_EVENTS.matterFlagged,
        caseId: null,
        agencyId: after.agencyId,
        time: new Date().toISOString(),
        data: { matterId, prolonged: after.prolonged, complex: after.complex, rules: flags.reasons },
      });
    }
    return after;
  }

  /**
   * A crowd visit that gave no place, confirmed in a matter that has one, is fed to the detector in the matter's
   * place, with the visit's own sector and respondent (`own`, at intake) or else the matter's (ADR 0036 amended).
   * Run in `trx` before any audit append of it (the detector before the audit head); the caller appends the
   * answered events last and starts the notifications after the commit. Undefined when nothing is fed.
   */
  async function feedVisitFromMatter(
    trx: Db,
    visitId: string,
    matterId: string,
    own: { sector: string | null; respondentKey: string | null } = { sector: null, respondentKey: null },
  ) {
    if (!deps.hotspots || !deps.massMatters) return undefined;
    const v = await trx('reception_visits')
      .where({ id: visitId })
      .first<{ people_count: number; is_delegation: boolean; place_province: string | null } | undefined>(
        'people_count',
        'is_delegation',
        'place_province',
      );
    if (!v || v.place_province !== null || !deps.massMatters.isCrowd(v.people_count, v.is_delegation)) return undefined;
    const m = await trx('matters').where({ id: matterId }).first<
      | {
          place_province: string | null;
          place_commune: string | null;
          sector: string | null;
          respondent_key: string | null;
        }
      | undefined
    >('place_province', 'place_commune', 'sector', 'respondent_key');
    if (!m?.place_province) return undefined;
    return recordVisitPlace(
      trx,
      {
        visitId,
        place: { provinceCode: m.place_province, communeCode: m.place_commune },
        sector: own.sector ?? m.sector,
        respondentKey: own.respondentKey ?? m.respondent_key,
      },
      deps.hotspots.config,
      { deferEvents: true },
    );
  }

  /**
   * Records an officer's decision on a link (in `trx`); a confirmed visit link also confirms the case its
   * letter started, and adds the visit's identity hashes to the matter's index. 409 when the reference is
   * already confirmed in another matter. Its audit entries and events (and those of the delegation a crowd opens)
   * go to `a.journal`, which the caller appends after every write of its transaction (ADR 0034 lock order).
   */
  async function decide(
    trx: Db,
    a: {
      matter: MatterRecord;
      kind: MatterLinkKind;
      refId: string;
      decision: 'confirmed' | 'rejected';
      reason?: string | undefined;
      principal: Principal;
      requestId: string;
      /** Processes to start once the transaction commits (a crowd's delegation, ADR 0036). */
      pending?: PendingStart[] | undefined;
      securityLiaison?: boolean | undefined;
      journal: Journal;
    },
  ): Promise<{ linkId: string; fresh: boolean; matter: MatterRecord }> {
    const { matter, kind, refId, decision, principal } = a;
    if (decision === 'confirmed') {
      const other = await matters.confirmedOf(kind, refId, trx);
      if (other && other !== matter.id) {
        throw new HttpProblem(409, 'conflict', 'Conflict', `${kind} ${refId} is already linked to matter ${other}`, {
          errors: [{ path: 'refId', message: `already linked to matter ${other}` }],
        });
      }
    }
    const { link, fresh } = await matters.insertLink(
      {
        id: randomUUID(),
        matterId: matter.id,
        kind,
        refId,
        decision,
        reason: a.reason ?? null,
        linkedBy: by(principal),
      },
      trx,
    );
    if (!fresh) {
      if (link.decision !== decision) {
        throw new HttpProblem(
          409,
          'conflict',
          'Conflict',
          `${kind} ${refId} was already ${link.decision} for matter ${matter.id}`,
          { errors: [{ path: 'decision', message: `already ${link.decision}` }] },
        );
      }
      return { linkId: link.id, fresh: false, matter };
    }
    const refs: Array<{ kind: MatterLinkKind; refId: string }> = [{ kind, refId }];
    if (decision === 'confirmed') {
      if (kind === 'visit') {
        await reception.setVisitMatter(refId, matter.id, trx);
        const visit = await reception.visit(refId, trx);
        const people = await reception.visitParties(refId, trx);
        const h = hashesOf(
          people.filter((p) => p.role !== 'respondent').map((p) => p.identity),
          people.find((p) => p.role === 'respondent')?.identity.name,
        );
        await matters.addIdentities(
          matter.id,
          [
            ...h.person.map((hash) => ({ hash, kind: 'person' as const })),
            ...h.respondent.map((hash) => ({ hash, kind: 'respondent' as const })),
          ],
          hasher.kid,
          trx,
        );
        // The letter received at the visit belongs to the same matter (the officer's decision covers it).
        if (visit?.caseId && !(await matters.confirmedOf('case', visit.caseId, trx))) {
          await matters.insertLink(
            {
              id: randomUUID(),
              matterId: matter.id,
              kind: 'case',
              refId: visit.caseId,
              decision: 'confirmed',
              reason: `received at visit ${refId}`,
              linkedBy: by(principal),
            },
            trx,
          );
          refs.push({ kind: 'case', refId: visit.caseId });
        }
      } else {
        // A letter: its parties are decrypted one case at a time, only to hash them.
        const people = await deps.parties.forCase(refId);
        const h = hashesOf(
          people.map((p) => ({ ...p.identity })),
          undefined,
        );
        await matters.addIdentities(
          matter.id,
          h.person.map((hash) => ({ hash, kind: 'person' as const })),
          hasher.kid,
          trx,
        );
      }
    }
    a.journal.audit.push({
      actor: actorOf(principal),
      action: decision === 'confirmed' ? 'matter.link_confirmed' : 'matter.link_rejected',
      caseId: refs.find((r) => r.kind === 'case')?.refId ?? null,
      requestId: a.requestId,
      after: { matterId: matter.id, links: refs, decision, ...(a.reason ? { reason: a.reason } : {}) },
    });
    let updated = decision === 'confirmed' ? await refresh(matter.id, trx, a.requestId, principal, a.journal) : matter;
    if (decision === 'confirmed' && deps.massMatters) {
      for (const r of refs) {
        const p = await deps.massMatters.onConfirmed(
          trx,
          {
            matter: updated,
            ...r,
            principal,
            requestId: a.requestId,
            securityLiaison: a.securityLiaison === true,
          },
          a.journal,
        );
        if (p) a.pending?.push(p);
      }
      updated = (await matters.get(matter.id, trx)) ?? updated;
    }
    a.journal.events.push(
      ...refs.map((r): NewEvent => ({
        type: RECEPTION_EVENTS.matterLinked,
        caseId: r.kind === 'case' ? r.refId : null,
        agencyId: matter.agencyId,
        time: new Date().toISOString(),
        data: {
          matterId: matter.id,
          kind: r.kind,
          refId: r.refId,
          decision,
          timesReceived: updated.timesReceived,
          lettersCount: updated.lettersCount,
        },
      })),
    );
    return { linkId: link.id, fresh: true, matter: updated };
  }

  return {
    async createPlace(
      p: {
        agencyId: string;
        name: string;
        kind: PlaceKind;
        address?: string | undefined;
        onlineUrl?: string | undefined;
      },
      principal: Principal,
      requestId: string,
    ): Promise<PlaceRecord> {
      if (p.kind === 'online' && !p.onlineUrl) throw unprocessable('onlineUrl', 'required for an online place');
      if (p.kind !== 'online' && !p.address) throw unprocessable('address', `required for a ${p.kind} place`);
      return db.transaction(async (trx) => {
        const place = await reception.insertPlace(
          {
            id: `rp_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
            agencyId: p.agencyId,
            name: p.name,
            kind: p.kind,
            address: p.address ?? null,
            onlineUrl: p.onlineUrl ?? null,
            active: true,
            createdBy: by(principal),
          },
          trx,
        );
        await audit.append(
          { actor: actorOf(principal), action: 'reception.place_created', requestId, after: place },
          trx,
        );
        return place;
      });
    },

    async updatePlace(
      id: string,
      patch: {
        name?: string | undefined;
        kind?: PlaceKind | undefined;
        address?: string | undefined;
        onlineUrl?: string | undefined;
        active?: boolean | undefined;
      },
      principal: Principal,
      requestId: string,
    ): Promise<PlaceRecord | undefined> {
      return db.transaction(async (trx) => {
        const u = await reception.updatePlace(id, patch, trx);
        if (!u) return undefined;
        if (u.after.kind === 'online' && !u.after.onlineUrl)
          throw unprocessable('onlineUrl', 'required for an online place');
        if (u.after.kind !== 'online' && !u.after.address) throw unprocessable('address', 'required for this place');
        await audit.append(
          { actor: actorOf(principal), action: 'reception.place_updated', requestId, before: u.before, after: u.after },
          trx,
        );
        return u.after;
      });
    },

    /** Records a session; 422 naming the field when the place, leader or delegate does not fit. */
    async recordSession(s: SessionInput, principal: Principal, key: string | undefined, requestId: string) {
      const place = await reception.place(s.placeId);
      if (!place || place.agencyId !== s.agencyId)
        throw unprocessable('placeId', `not a reception place of ${s.agencyId}`);
      if (!place.active) throw unprocessable('placeId', 'the place is not active');
      if (s.mode === 'online' && place.kind !== 'online')
        throw unprocessable('placeId', 'an online session needs an online place');
      if (s.kind !== 'regular' && !s.leaderPersonId)
        throw unprocessable('leaderPersonId', `required for a ${s.kind} session`);
      if (s.leaderPersonId) {
        const position = await deps.schedule.positionOf(s.leaderPersonId, s.agencyId);
        if (position === undefined)
          throw unprocessable('leaderPersonId', `not active staff of ${s.agencyId} in the directory`);
        // The head receives on the periodic days (Luật Tiếp công dân 2013 Art 12(5), 15(2)(d), 18(2)); a
        // deputy may hold them (Art 18(2)); anyone else is a delegate, not the leader.
        if (s.kind === 'periodic' && position !== 'head' && position !== 'deputy')
          throw unprocessable('leaderPersonId', 'a periodic session is led by the head or a deputy of the agency');
      }
      if (s.receivedBy === 'delegated' && !s.delegatePersonId)
        throw unprocessable('delegatePersonId', 'required when the reception is delegated');
      if (s.receivedBy === 'in_person' && s.delegatePersonId)
        throw unprocessable('delegatePersonId', 'only for a delegated reception');
      if (s.delegatePersonId && (await deps.schedule.positionOf(s.delegatePersonId, s.agencyId)) === undefined)
        throw unprocessable('delegatePersonId', `not active staff of ${s.agencyId} in the directory`);
      if (s.scheduleEntryId && (await deps.schedule.get(s.scheduleEntryId))?.agencyId !== s.agencyId)
        throw unprocessable('scheduleEntryId', `not a reception schedule entry of ${s.agencyId}`);
      const started = Date.parse(s.startedAt);
      if (started > Date.now() + 5 * 60_000) throw unprocessable('startedAt', 'must not be in the future');
      if (s.endedAt && Date.parse(s.endedAt) < started) throw unprocessable('endedAt', 'before startedAt');
      const sessionDate = s.sessionDate ?? vnDate(started);
      if (sessionDate !== vnDate(started)) throw unprocessable('sessionDate', 'not the date of startedAt in Vietnam');
      if (s.mode === 'online' && !onlineReceptionAllowed(sessionDate))
        throw unprocessable(
          'mode',
          `online reception only from ${ONLINE_RECEPTION.from} (${ONLINE_RECEPTION.citation})`,
        );
      // ADR 0035: a session is recorded with its special period — the one named (it must concern the agency on
      // that day), else the period active for the agency that day, if any.
      let periodId = s.periodId ?? null;
      if (periodId !== null) {
        const p = await periods.get(periodId);
        if (
          !p ||
          p.status !== 'active' ||
          !p.agencies.includes(s.agencyId) ||
          sessionDate < p.startsOn ||
          sessionDate > p.endsOn
        )
          throw unprocessable('periodId', `no special period ${periodId} concerning ${s.agencyId} on ${sessionDate}`);
      } else periodId = (await periods.activeFor(s.agencyId, sessionDate))?.id ?? null;
      const id = key === undefined ? randomUUID() : visitIdOf(principal, `session|${key}`);
      return db.transaction(async (trx) => {
        const { session, fresh } = await reception.insertSession(
          {
            id,
            agencyId: s.agencyId,
            placeId: s.placeId,
            kind: s.kind,
            leaderPersonId: s.leaderPersonId ?? null,
            receivedBy: s.receivedBy,
            delegatePersonId: s.delegatePersonId ?? null,
            mode: s.mode,
            sessionDate,
            startedAt: new Date(started).toISOString(),
            endedAt: s.endedAt ? new Date(Date.parse(s.endedAt)).toISOString() : null,
            periodId,
            scheduleEntryId: s.scheduleEntryId ?? null,
            notes: s.notes ?? null,
            createdBy: by(principal),
          },
          trx,
        );
        if (fresh) {
          await audit.append(
            {
              actor: actorOf(principal),
              action: 'reception.session_recorded',
              requestId,
              after: { ...session, notes: undefined },
              legalBasis: 'Luật Tiếp công dân 2013 Art 12, 13, 18',
            },
            trx,
          );
          await appendEvents(trx, [
            {
              type: RECEPTION_EVENTS.sessionRecorded,
              caseId: null,
              agencyId: session.agencyId,
              time: session.startedAt,
              data: {
                sessionId: session.id,
                placeId: session.placeId,
                kind: session.kind,
                receivedBy: session.receivedBy,
                mode: session.mode,
                sessionDate: session.sessionDate,
                leaderPersonId: session.leaderPersonId,
                delegatePersonId: session.delegatePersonId,
              },
            },
          ]);
        }
        return session;
      });
    },

    /**
     * Records a visit of `session`. Checks what the schema cannot (422 naming the field), before any write;
     * a received letter starts its case first (idempotent per visit), then the visit, its sealed parties, an
     * optional confirmed matter link, the audit entry and the events commit together.
     */
    async recordVisit(a: {
      session: SessionRecord;
      input: VisitInput;
      principal: Principal;
      key: string | undefined;
      requestId: string;
      log: Log;
    }): Promise<{ visit: VisitRecord; caseRef: { id: string; reference: string; pin?: string } | null }> {
      const { session, input: v, principal } = a;
      const visited = Date.parse(v.visitedAt);
      if (visited > Date.now() + 5 * 60_000) throw unprocessable('visitedAt', 'must not be in the future');
      // The visit instant becomes a started case's receivedAt (which picks the law version in force): a visit
      // is on the session's date in Vietnam, and not after the session ended.
      if (vnDate(visited) !== session.sessionDate)
        throw unprocessable('visitedAt', `not on the session date ${session.sessionDate} (Vietnam)`);
      if (session.endedAt && visited > Date.parse(session.endedAt))
        throw unprocessable('visitedAt', 'after the session ended');
      const peopleCount = v.peopleCount ?? v.visitors.length;
      if (peopleCount < v.visitors.length) throw unprocessable('peopleCount', 'fewer than the visitors listed');
      if (v.isDelegation && peopleCount < 2) throw unprocessable('peopleCount', 'a delegation has at least 2 people');
      if (v.isDelegation && v.representatives.length === 0)
        throw unprocessable(
          'representatives',
          `a delegation names its representatives (${REPRESENTATIVES_RULE.citation})`,
        );
      if (v.outcome === 'refused' && !v.refusalGround)
        throw unprocessable('refusalGround', `required when the visit is refused (${refusalBasis(vnDate(visited))})`);
      if (v.outcome !== 'refused' && v.refusalGround) throw unprocessable('refusalGround', 'only for a refused visit');
      if (v.outcome === 'transferred' && !v.transferAgencyId && !v.transferTarget)
        throw unprocessable('transferAgencyId', 'a transferred visit names where it was transferred');
      if (v.outcome !== 'transferred' && (v.transferAgencyId || v.transferTarget))
        throw unprocessable(v.transferAgencyId ? 'transferAgencyId' : 'transferTarget', 'only for a transferred visit');
      if (v.transferAgencyId && (await deps.agencies.subtree(v.transferAgencyId)).length === 0)
        throw unprocessable('transferAgencyId', 'no such agency');
      if (v.outcome !== 'letter_received' && v.letter) throw unprocessable('letter', 'only when a letter is received');
      // A denunciation's people are protected by their role (Luật Tố cáo Art 47): a case started as a denunciation
      // from a visit recorded as something else would store its denouncers as complainants, unprotected.
      if (v.letter?.caseType === 'denunciation' && v.contentType !== 'denunciation')
        throw unprocessable('letter.caseType', 'a denunciation is recorded with contentType denunciation');
      if (v.place !== undefined || v.sector !== undefined || v.respondentAgencyId !== undefined) {
        const errors = deps.places
          ? await deps.places.check({ place: v.place, sector: v.sector, respondentAgencyId: v.respondentAgencyId })
          : [];
        if (errors.length > 0) throw unknownReference(errors);
      }
      // The representatives rule of the sources (Luật Tiếp công dân 2013 Art 29), as for letters.
      if (v.isDelegation || peopleCount >= MASS_CASE_MIN_SIGNERS) {
        const rep = representativeProblems(peopleCount, v.representatives.length);
        if (rep.length > 0) throw unprocessable('representatives', rep[0]!.message);
      }
      let matter: MatterRecord | undefined;
      if (v.matterId) {
        matter = await matters.get(v.matterId);
        const subtree = await deps.agencies.subtree(principal.agencyId);
        if (!matter || !subtree.includes(matter.agencyId)) throw unprocessable('matterId', 'no such matter');
      }
      const visitId = visitIdOf(principal, a.key);

      let caseRef: { id: string; reference: string; pin?: string } | null = null;
      if (v.outcome === 'letter_received') {
        const role = v.contentType === 'denunciation' ? 'denouncer' : 'complainant';
        const built = CreateCaseBody.safeParse({
          type: v.letter?.caseType ?? CASE_TYPE_OF[v.contentType],
          channel: session.mode === 'online' ? 'online_reception' : 'reception_desk',
          receivedAt: new Date(visited).toISOString(),
          agencyId: session.agencyId,
          subject: v.letter?.subject ?? cutText(v.summary, 500),
          remoteArea: v.letter?.remoteArea ?? false,
          parties: [
            ...v.visitors.map((p) => ({ role, isRepresentative: false, ...p })),
            ...v.representatives.map((p) => ({ role: 'representative', isRepresentative: true, ...p })),
          ].map((p) => Object.fromEntries(Object.entries(p).filter(([, x]) => x !== undefined))),
          ...(v.respondent ? { respondent: v.respondent } : {}),
          contentSummary: v.summary,
          attachments: v.letter?.attachments ?? [],
          ...(v.isDelegation ? { signersCount: peopleCount } : {}),
        });
        if (!built.success) {
          const issue = built.error.issues[0]!;
          throw unprocessable(visitFieldOf(issue.path, v), `${issue.message} (the case the letter starts)`);
        }
        const body: CaseStartRequest = built.data;
        const started = await deps.caseStart.start({
          body,
          received: { ms: visited, on: vnDate(visited), utc: new Date(visited).toISOString() },
          principal,
          key: visitId,
          keyScope: { scope: 'reception-visit', hash: requestHash('POST', '/v1/reception/visits', body) },
          requestId: a.requestId,
          log: a.log,
          auditAfter: { receptionVisitId: visitId, receptionSessionId: session.id },
        });
        const b = started.body as { id: string; reference: string; pin?: string };
        caseRef = { id: b.id, reference: b.reference, ...(b.pin ? { pin: b.pin } : {}) };
      }

      const pending: PendingStart[] = [];
      let notifications: string[] = [];
      const visit = await db.transaction(async (trx) => {
        // The matter's row first (lock order: matter → a delegation's case row → cluster locks → hotspot rows →
        // audit head → event head, as a matter's update, a link decision and a central gathering take them).
        if (matter) await matters.lock(matter.id, trx);
        const { visit: row, fresh } = await reception.insertVisit(
          {
            id: visitId,
            sessionId: session.id,
            agencyId: session.agencyId,
            visitedAt: new Date(visited).toISOString(),
            peopleCount,
            isDelegation: v.isDelegation,
            contentType: v.contentType,
            summary: v.summary,
            outcome: v.outcome,
            refusalGround: v.refusalGround ?? null,
            transferAgencyId: v.transferAgencyId ?? null,
            transferTarget: v.transferTarget ?? null,
            caseId: caseRef?.id ?? null,
            createdBy: by(principal),
            parties: [
              ...v.visitors.map((identity) => ({ role: 'visitor' as const, identity })),
              ...v.representatives.map((identity) => ({ role: 'representative' as const, identity })),
              ...(v.respondent ? [{ role: 'respondent' as const, identity: { name: v.respondent } }] : []),
            ],
          },
          trx,
        );
        if (!fresh) return row;
        // Every write before the audit head, the events last (ADR 0034 lock order): the matter's link and the
        // delegation process a crowd opens (its `cases` row, facts lock, counters), then the hotspot detector.
        const journal = newJournal();
        // References and counts only: never a visitor's identity (a denouncer's above all).
        journal.audit.push({
          actor: actorOf(principal),
          action: 'reception.visit_recorded',
          caseId: row.caseId,
          requestId: a.requestId,
          after: {
            visitId: row.id,
            sessionId: row.sessionId,
            agencyId: row.agencyId,
            contentType: row.contentType,
            outcome: row.outcome,
            peopleCount: row.peopleCount,
            isDelegation: row.isDelegation,
            visitors: v.visitors.length,
            representatives: v.representatives.length,
            caseId: row.caseId,
          },
          legalBasis: row.outcome === 'refused' ? refusalBasis(vnDate(visited)) : 'Luật Tiếp công dân 2013 Art 26, 28',
        });
        if (matter) {
          await decide(trx, {
            matter,
            kind: 'visit',
            refId: row.id,
            decision: 'confirmed',
            reason: 'confirmed at intake',
            principal,
            requestId: a.requestId,
            pending,
            securityLiaison: v.securityLiaison,
            journal,
          });
        }
        // The hotspot detector (ADR 0034), in the visit's own transaction, before the audit head; its events last.
        const respondentKey = clusterRespondent({ agencyId: v.respondentAgencyId, name: v.respondent });
        // A crowd without a place confirmed in a matter that has one: the matter's place (ADR 0036 amended).
        const r =
          v.place && deps.hotspots
            ? await recordVisitPlace(
                trx,
                {
                  visitId: row.id,
                  place: { provinceCode: v.place.provinceCode, communeCode: v.place.communeCode ?? null },
                  sector: v.sector ?? null,
                  respondentKey,
                },
                deps.hotspots.config,
                { deferEvents: true },
              )
            : matter
              ? await feedVisitFromMatter(trx, row.id, matter.id, { sector: v.sector ?? null, respondentKey })
              : undefined;
        notifications = r?.notifications ?? [];
        // The visit's event and the detector's come before those of its link, as they always did.
        journal.events.unshift(
          {
            type: RECEPTION_EVENTS.visitRecorded,
            caseId: row.caseId,
            agencyId: row.agencyId,
            time: row.visitedAt,
            data: {
              visitId: row.id,
              sessionId: row.sessionId,
              contentType: row.contentType,
              outcome: row.outcome,
              peopleCount: row.peopleCount,
              isDelegation: row.isDelegation,
              caseId: row.caseId,
            },
          },
          ...(r?.events ?? []),
        );
        await appendJournal(trx, audit, journal);
        return matter ? { ...row, matterId: matter.id } : row;
      });
      await deps.massMatters?.startAll(pending, a.log);
      for (const n of notifications) await deps.hotspots?.startDelivery(n).catch(() => undefined);
      return { visit, caseRef };
    },

    /**
     * The parties of a visit: a denunciation's visitors and representatives are redacted unless the caller
     * holds `identity:read` for the visit's agency; each such read is audited before the data leaves.
     */
    async visitParties(
      visit: VisitRecord,
      principal: Principal,
      requestId: string,
    ): Promise<Array<{ id: string; role: string; redacted: boolean } & Partial<VisitorIdentity>>> {
      const all: VisitPartyRecord[] = await reception.visitParties(visit.id);
      const protectedOnes = all.filter((p) => isProtectedVisitor(p.role, visit.contentType));
      let reveal = false;
      if (protectedOnes.length > 0) {
        for (const perm of principal.permissions) {
          if (perm === IDENTITY_READ) reveal = true;
          else if (
            perm.startsWith(`${IDENTITY_READ}@`) &&
            (await deps.agencies.isWithin(visit.agencyId, perm.slice(IDENTITY_READ.length + 1)))
          )
            reveal = true;
        }
      }
      if (reveal) {
        await audit.append({
          actor: actorOf(principal),
          action: 'reception.visitor_identity_read',
          caseId: visit.caseId,
          requestId,
          legalBasis: DENOUNCER_BASIS,
          after: { visitId: visit.id, partyIds: protectedOnes.map((p) => p.id) },
        });
      }
      return all.map((p) =>
        !isProtectedVisitor(p.role, visit.contentType) || reveal
          ? { id: p.id, role: p.role, redacted: false, ...p.identity }
          : { id: p.id, role: p.role, redacted: true, ...redactedIdentity(p.identity) },
      );
    },

    /** The visit a case's letter was received at, and the matter the case is linked to. */
    async ofCase(caseId: string): Promise<{ visit: VisitRecord | null; matter: MatterRecord | null }> {
      const visit = (await reception.visitOfCase(caseId)) ?? null;
      const matterId = await matters.confirmedOf('case', caseId);
      return { visit, matter: matterId ? ((await matters.get(matterId)) ?? null) : null };
    },

    /** Opens a matter, optionally with its first confirmed link (the officer's decision). */
    async createMatter(
      m: {
        agencyId: string;
        title: string;
        contentType?: ContentType | undefined;
        link?: { kind: MatterLinkKind; refId: string } | undefined;
      } & MatterPlaceInput,
      principal: Principal,
      key: string | undefined,
      requestId: string,
    ): Promise<MatterRecord> {
      const located = await placePatch(m);
      const subtree = await deps.agencies.subtree(principal.agencyId);
      let receivedAt = new Date().toISOString();
      if (m.link) {
        const owner =
          m.link.kind === 'visit' ? await reception.visit(m.link.refId) : await deps.cases.get(m.link.refId);
        if (!owner || !subtree.includes(owner.agencyId)) throw unprocessable('link.refId', `no such ${m.link.kind}`);
        receivedAt = 'visitedAt' in owner ? owner.visitedAt : owner.receivedAt;
      }
      const id = key === undefined ? randomUUID() : visitIdOf(principal, `matter|${key}`);
      const pending: PendingStart[] = [];
      let fed: IngestResult | undefined;
      const created = await db.transaction(async (trx) => {
        const { matter, fresh } = await matters.insert(
          {
            id,
            agencyId: m.agencyId,
            title: m.title,
            contentType: m.contentType ?? null,
            receivedAt,
            createdBy: by(principal),
            ...located,
          },
          trx,
        );
        if (!fresh) return matter;
        // Every write before the audit head, the events last (ADR 0034 lock order).
        const journal = newJournal();
        journal.audit.push({
          actor: actorOf(principal),
          action: 'matter.created',
          requestId,
          after: {
            matterId: id,
            agencyId: m.agencyId,
            title: m.title,
            place: matter.place,
            sector: matter.sector,
            respondentKey: matter.respondentKey,
          },
        });
        let linked = matter;
        if (m.link) {
          linked = (
            await decide(trx, {
              matter,
              kind: m.link.kind,
              refId: m.link.refId,
              decision: 'confirmed',
              reason: 'opened the matter',
              principal,
              requestId,
              pending,
              journal,
            })
          ).matter;
          // A crowd visit linked at creation takes the matter's place: the detector after the link's writes (a
          // delegation's case row), before the audit head.
          if (m.link.kind === 'visit') fed = await feedVisitFromMatter(trx, m.link.refId, id);
          if (fed) journal.events.push(...fed.events);
        }
        await appendJournal(trx, audit, journal);
        return linked;
      });
      await deps.massMatters?.startAll(pending);
      await deps.massMatters?.startDeliveries(fed?.notifications ?? []);
      return created;
    },

    /** An officer's confirmation or rejection of a suggested link. */
    async decideLink(
      matterId: string,
      l: { kind: MatterLinkKind; refId: string; decision: 'confirmed' | 'rejected'; reason?: string | undefined },
      principal: Principal,
      requestId: string,
    ) {
      const subtree = await deps.agencies.subtree(principal.agencyId);
      const owner = l.kind === 'visit' ? await reception.visit(l.refId) : await deps.cases.get(l.refId);
      if (!owner || !subtree.includes(owner.agencyId)) throw unprocessable('refId', `no such ${l.kind}`);
      const pending: PendingStart[] = [];
      let fed: IngestResult | undefined;
      const out = await db.transaction(async (trx) => {
        const matter = (await matters.lock(matterId, trx))!;
        const newlyConfirmed =
          l.kind === 'visit' && l.decision === 'confirmed' && !(await matters.confirmedOf('visit', l.refId, trx));
        // Every write before the audit head, the events last (ADR 0034 lock order): the link and the delegation
        // process a crowd opens (its `cases` row: facts lock, counters), then the detector.
        const journal = newJournal();
        const decided = await decide(trx, { matter, ...l, principal, requestId, pending, journal });
        // A crowd visit confirmed later takes the matter's place.
        if (newlyConfirmed) fed = await feedVisitFromMatter(trx, l.refId, matter.id);
        if (fed) journal.events.push(...fed.events);
        await appendJournal(trx, audit, journal);
        return decided;
      });
      await deps.massMatters?.startAll(pending);
      await deps.massMatters?.startDeliveries(fed?.notifications ?? []);
      return out;
    },

    /**
     * Changes a matter's status, final decision date, title, place, sector or respondent (audited; the reference
     * data checked first, 422 naming the field); flags are re-evaluated. A place given to a matter feeds its
     * central gatherings not yet fed to the hotspot detector (ADR 0034); the place is not moved afterwards: items
     * already fed stay in their clusters.
     */
    async updateMatter(
      id: string,
      patch: {
        status?: MatterStatus | undefined;
        finalDecisionAt?: string | null | undefined;
        title?: string | undefined;
      } & MatterPlaceInput,
      principal: Principal,
      requestId: string,
    ): Promise<MatterRecord> {
      const located = await placePatch(patch);
      const plain = {
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.finalDecisionAt !== undefined ? { finalDecisionAt: patch.finalDecisionAt } : {}),
        ...(patch.title !== undefined ? { title: patch.title } : {}),
      };
      let notifications: string[] = [];
      const out = await db.transaction(async (trx) => {
        const before = (await matters.lock(id, trx))!;
        await matters.update(id, { ...plain, ...located }, trx);
        const placed = Object.keys(located).length > 0;
        // The detector before the audit head, the events last (ADR 0034 lock order): the re-evaluated flags'
        // entry and event are appended with the update's, after every write.
        let hotspotEvents: NewEvent[] = [];
        if (located.place && deps.massMatters) {
          const fed = await deps.massMatters.feedGatherings(trx, id, { deferEvents: true });
          notifications = fed.notifications;
          hotspotEvents = fed.events;
        }
        const journal = newJournal();
        journal.audit.push({
          actor: actorOf(principal),
          action: 'matter.updated',
          requestId,
          before: {
            matterId: id,
            status: before.status,
            finalDecisionAt: before.finalDecisionAt,
            title: before.title,
            ...(placed ? { place: before.place, sector: before.sector, respondentKey: before.respondentKey } : {}),
          },
          after: { matterId: id, ...plain, ...located },
        });
        journal.events.push(...hotspotEvents);
        const after = await refresh(id, trx, requestId, principal, journal);
        await appendJournal(trx, audit, journal);
        return after;
      });
      await deps.massMatters?.startDeliveries(notifications);
      return out;
    },

    /**
     * Likely existing matters for an intake: from the identities given (hashed here, never stored) or those
     * of a recorded visit (decrypted for that one visit only), the respondent and the subject.
     */
    async suggest(q: {
      subtree: string[];
      visit?: VisitRecord | undefined;
      people: VisitorIdentity[];
      respondent?: string | undefined;
      subject?: string | undefined;
      limit: number;
    }) {
      let people = q.people;
      let respondent = q.respondent;
      let subject = q.subject ?? '';
      if (q.visit) {
        const parties = await reception.visitParties(q.visit.id);
        people = [...people, ...parties.filter((p) => p.role !== 'respondent').map((p) => p.identity)];
        respondent ??= parties.find((p) => p.role === 'respondent')?.identity.name;
        subject = subject || q.visit.summary;
      }
      const h = hashesOf(people, respondent, true);
      const found = await matters.suggest({
        agencies: q.subtree,
        personHashes: h.person,
        respondentHashes: h.respondent,
        subject,
        exclude: q.visit ? { kind: 'visit', refId: q.visit.id } : undefined,
        threshold: 0.3,
        limit: q.limit,
      });
      return found.filter((s) => !q.visit || s.matter.id !== q.visit.matterId);
    },

    /**
     * The effective flags of a matter now (a rule of time may hold though nothing changed since), under
     * `rules` when the caller already loaded the rules in force today (Vietnam), else those.
     */
    async effective(
      list: MatterRecord[],
      given?: Awaited<ReturnType<MatterStore['rules']>>,
    ): Promise<Array<MatterRecord & { flagRules: string[] }>> {
      const rules = given ?? (await matters.rules(todayVn()));
      const now = new Date();
      return list.map((m) => {
        const f = evaluateFlags(m, rules, now);
        return { ...m, prolonged: m.prolonged || f.prolonged, complex: m.complex || f.complex, flagRules: f.reasons };
      });
    },
  };
}

export type ReceptionService = ReturnType<typeof createReceptionService>;
