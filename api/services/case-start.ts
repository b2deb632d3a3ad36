/**
 * Starting a case (`POST /v1/cases`, ADR 0011 / 0016 / 0022): the start logic between the thin handler
 * (api/routes/cases.ts, which validates the request) and the storage (db/case-intake.ts, two statements).
 *
 * 1. Before the workflow: the definition version in force, the key claim, the parties (encrypted) and the
 *    PIN hash in one statement; a reference another case holds moves this case to a longer reference.
 * 2. The workflow, with references only (party ids and roles, never identities).
 * 3. After it: the read-model seed, its audit entry and the key's stored response in one statement; a
 *    start whose seed cannot be written is undone (no invisible running case).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { derivePin } from '../../db/case-pins.js';
import type { CaseIntakeStore, IntakeResult, KeyClaim } from '../../db/case-intake.js';
import { caseReference, REFERENCE_DIGITS } from '../../db/cases.js';
import type { DefinitionStore } from '../../db/definitions.js';
import type { IdempotencyStore } from '../../db/idempotency-keys.js';
import type { PartyIdentity, PartyRole, SealedPartyRow } from '../../db/parties.js';
import { recordCaseStarted } from '../../platform/metrics.js';
import type { PiiKeyring } from '../../platform/pii.js';
import { MASS_CASE_MIN_SIGNERS } from '../../processes/builtin/index.js';
import { selectDefinition } from '../../workflows/engine/select.js';
import { caseWorkflowId, PROCESS_WORKFLOW, SA, type CaseType, type ProcessInput } from '../../workflows/contract.js';
import type { JsonValue } from '../../workflows/engine/index.js';
import type { EstablishedFacts } from '../../workflows/engine/runtime/index.js';
import type { AgencyScope } from '../auth/agencies.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { requestHash } from '../idempotency.js';
import type { PlaceStore } from '../../db/places.js';
import { ingestHotspotItems } from '../../db/hotspots.js';
import type { HotspotConfig } from '../../hotspots/config.js';
import { respondentKey } from '../../hotspots/respondent.js';
import { HttpProblem, problems } from '../problem.js';

/** A validated `POST /v1/cases` body (api/routes/cases.ts `CreateCaseBody`). */
export interface CaseStartRequest {
  type: CaseType;
  channel: string;
  receivedAt: string;
  agencyId: string;
  subject: string;
  remoteArea: boolean;
  parties: Array<{ role: PartyRole; isRepresentative: boolean } & PartyIdentity>;
  respondent?: string | undefined;
  /** The respondent as an agency of the directory (issue 15.4): wins over `respondent` as the cluster key. */
  respondentAgencyId?: string | undefined;
  place?: { provinceCode: string; communeCode?: string | undefined } | undefined;
  sector?: string | undefined;
  contentSummary?: string | undefined;
  attachments: unknown[];
  signersCount?: number | undefined;
}

/** The receipt instant: epoch ms, the receipt date in Vietnam, the UTC ISO form. */
export interface Receipt {
  ms: number;
  on: string;
  utc: string;
}

type Log = { error(o: object, m: string): void } | undefined;

export type CaseStartOutcome =
  /** A new (or finished) start: the 201 body, the citizen PIN included. */
  | { replayed: false; body: Record<string, unknown> & { id: string } }
  /** The stored answer of an earlier identical request under the same key. */
  | { replayed: true; status: number; body: Record<string, unknown> };

export interface CaseStartDeps {
  temporal: Client;
  taskQueue: string;
  pii: PiiKeyring;
  newCaseId?: (() => string) | undefined;
  intake: CaseIntakeStore;
  idempotency: IdempotencyStore;
  parties: {
    sealAll(caseId: string, parties: ReadonlyArray<{ role: PartyRole; identity: PartyIdentity }>): SealedPartyRow[];
  };
  definitions: Pick<DefinitionStore, 'getCached'>;
  agencies: Pick<AgencyScope, 'ancestors' | 'closure' | 'invalidate'>;
  /** Checks a structured place, sector and respondent agency (issue 15.4). */
  places: Pick<PlaceStore, 'check'>;
  /** The hotspot detector (ADR 0034): its configuration and the start of a notification's delivery. */
  hotspots: { config: HotspotConfig; startDelivery(notificationId: string): Promise<void> };
}

/** 422: a well-formed value the reference data does not know (a commune of another province, an unknown sector). */
export function unknownReference(errors: Array<{ path: string; message: string }>): HttpProblem {
  return new HttpProblem(
    422,
    'unknown-reference',
    'A value is not in the reference data',
    errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    { errors },
  );
}

/** 422: a closed agency receives nothing, its successor does (ADR 0024). */
function agencyClosed(agencyId: string, successorId: string | null): HttpProblem {
  return new HttpProblem(
    422,
    'agency-closed',
    'The agency is closed',
    `agencyId: ${agencyId} is closed; its successor is ${successorId ?? 'none'}`,
    { errors: [{ path: 'agencyId', message: `closed; its successor is ${successorId ?? 'none'}` }] },
  );
}

export function createCaseStartService(deps: CaseStartDeps) {
  const { intake: store, idempotency: idem } = deps;

  /**
   * ADR 0016: undoes a start whose read-model seed (step 3) failed, so that a refused request leaves no
   * running workflow and no rows. Not undone: a case another identical request (same key) recorded
   * already; nor, when the database cannot even be asked and a key was sent, a case that request may be
   * recording (the retry with the key finishes it, ADR 0011). Without a key the id is this request's own.
   */
  async function abandon(a: {
    log: Log;
    handle: { terminate(reason?: string): Promise<unknown> };
    caseId: string;
    claim: KeyClaim | undefined;
    err: unknown;
  }) {
    const code = (a.err as { code?: unknown })?.code;
    let recorded: boolean | undefined;
    try {
      recorded = await store.recorded(a.caseId);
    } catch {
      recorded = undefined;
    }
    // Logged without the error's message: a database error may quote the request's text.
    a.log?.error(
      { caseId: a.caseId, sqlstate: typeof code === 'string' ? code : undefined, recorded },
      'case start: the read-model seed failed',
    );
    if (recorded === true || (recorded === undefined && a.claim !== undefined)) return;
    await a.handle.terminate('case start abandoned: its read-model row could not be written').catch(() => undefined);
    try {
      await store.discard(a.caseId, a.claim);
    } catch (cleanupErr) {
      const c = (cleanupErr as { code?: unknown })?.code;
      a.log?.error(
        { caseId: a.caseId, sqlstate: typeof c === 'string' ? c : undefined },
        'case start: rows of the abandoned start not removed',
      );
    }
  }

  return {
    /**
     * Starts the case of `body` received at `received` (checked by the handler: not in the future), for
     * `principal`, under the Idempotency-Key `key` (format checked by the handler) if sent.
     */
    async start(a: {
      body: CaseStartRequest;
      received: Receipt;
      principal: Principal;
      key: string | undefined;
      requestId: string;
      log: Log;
      /** Another key scope than the caller's `POST /v1/cases` one (an import: its source ids, ADR 0027). */
      keyScope?: { scope: string; hash: string } | undefined;
      /** An imported case: the facts its workflow applies before it runs on (ADR 0027). */
      established?: EstablishedFacts | undefined;
      /** The audit action (default `case.received`) and what it adds to the entry's `after`. */
      action?: string | undefined;
      auditAfter?: Record<string, JsonValue> | undefined;
    }): Promise<CaseStartOutcome> {
      const { body, received, principal, key } = a;
      // Reference data first: a place, sector or respondent agency that does not exist is the caller's
      // mistake (422 naming the field), found before anything is written.
      if (body.place !== undefined || body.sector !== undefined || body.respondentAgencyId !== undefined) {
        const errors = await deps.places.check({
          place: body.place,
          sector: body.sector,
          respondentAgencyId: body.respondentAgencyId,
        });
        if (errors.length > 0) throw unknownReference(errors);
      }
      const respondent = respondentKey({ agencyId: body.respondentAgencyId, name: body.respondent });
      // A closed agency receives nothing: its successor does (ADR 0024; the cached tree, no extra statement).
      const closed = await deps.agencies.closure(body.agencyId);
      if (closed) throw agencyClosed(body.agencyId, closed.successorId);
      // The law version follows the receipt date in Vietnam (NĐ 155/2026 Art 22): 30/06 vs 01/07/2026.
      const receivedOn = received.on;
      // Keys are per caller: two systems may use the same key without seeing each other's cases.
      const scope = a.keyScope?.scope ?? `POST /v1/cases ${principal.type}:${principal.id}`;
      const claim: KeyClaim | undefined = key
        ? { scope, key, hash: a.keyScope?.hash ?? requestHash('POST', '/v1/cases', body) }
        : undefined;
      const withPin = (b: Record<string, unknown>) => ({
        ...b,
        pin: derivePin(deps.pii.key(String(b.pinKid)), String(b.id)),
        pinKid: undefined,
      });
      const pinKid = deps.pii.currentKid;
      // The citizen PIN of a case id under the current key, derived once per id (an HMAC each).
      let lastPin: { caseId: string; pin: string } | undefined;
      const pinOf = (caseId: string): string => {
        if (lastPin?.caseId !== caseId) lastPin = { caseId, pin: derivePin(deps.pii.key(pinKid), caseId) };
        return lastPin.pin;
      };

      // 1. One statement before the start (db/case-intake.ts); the workflow only ever gets the case id and
      // party references. None of it is visible through the API until the read-model row of step 3 exists.
      const referenceOf = (caseId: string, digits?: number) =>
        caseReference(caseId, body.type, body.receivedAt, digits);
      // ADR 0013: only system-level versions and those governed by the case's agency or an ancestor.
      const agencyLine = await deps.agencies.ancestors(body.agencyId);
      const intake = async (caseId: string, claimed: boolean, reference: string) => {
        const sealed = deps.parties.sealAll(
          caseId,
          body.parties.map(({ role, ...identity }) => ({ role, identity })),
        );
        const r: IntakeResult = await store.intake({
          caseId,
          reference,
          caseType: body.type,
          receivedOn,
          agencyLine,
          ...(claimed && claim ? { claim } : {}),
          parties: sealed,
          pin: pinOf(caseId),
        });
        // The one selection rule (workflows/engine/select.ts): highest version, then smallest key.
        const def = selectDefinition(r.candidates, { caseType: body.type, receivedOn });
        if (!def) {
          throw new HttpProblem(
            422,
            'no-definition',
            'No process definition applies',
            `No registered definition of case type ${body.type} is effective on ${receivedOn} (the receipt date in Vietnam)`,
          );
        }
        return {
          def,
          fresh: r.fresh,
          taken: r.owner !== null && r.owner !== caseId,
          refs: sealed.map((p) => ({ id: p.id, role: p.role })),
        };
      };
      // A reference already held by another case: the same id under a longer reference (its PIN row
      // claims it; parties are idempotent per case id).
      const freeReference = async (caseId: string, taken: boolean): Promise<string> => {
        for (const digits of REFERENCE_DIGITS.slice(1)) {
          if (!taken) break;
          const longer = referenceOf(caseId, digits);
          taken = (await intake(caseId, false, longer)).taken;
          if (!taken) return longer;
        }
        if (taken) throw new Error(`case ${caseId}: no free reference`);
        return referenceOf(caseId);
      };
      let id: string = deps.newCaseId?.() ?? randomUUID();
      let reference = referenceOf(id);
      const first = await intake(id, Boolean(key), reference);
      let refs = first.refs;
      if (first.taken && (!key || first.fresh)) reference = await freeReference(id, true);
      if (key && !first.fresh) {
        const earlier = await idem.lookup(scope, key, claim!.hash); // a different body under this key → 422
        if (earlier.response) {
          return {
            replayed: true,
            status: earlier.response.status,
            body: withPin(earlier.response.body as Record<string, unknown>),
          };
        }
        // An identical earlier request did not finish: finish it with the same id (the rows are idempotent).
        id = earlier.resourceId;
        reference = referenceOf(id);
        let again = await intake(id, false, reference);
        if (again.taken) {
          // The earlier request moved to a longer reference: its PIN row has it.
          reference = (await store.referenceOf(id)) ?? (await freeReference(id, true));
          again = await intake(id, false, reference);
        }
        ({ refs } = again);
      }
      // Versions are immutable: the content comes from the process-wide cache once read.
      const chosen = await deps.definitions.getCached(first.def.key, first.def.version, first.def.hash);
      if (!chosen) throw new Error(`definition ${first.def.key}@${first.def.version} vanished`);
      const pin = {
        key: chosen.key,
        version: chosen.version,
        hash: chosen.hash,
        label: `${chosen.key}@${chosen.version}+${chosen.hash}`,
      };
      const citizenPin = pinOf(id);

      // References only: party ids and roles, never identities.
      const signerRefs = refs.filter((r) => r.role === 'complainant' || r.role === 'denouncer').map((r) => r.id);
      const representativeRefs = refs.filter((_r, i) => body.parties[i]?.isRepresentative).map((r) => r.id);
      const signers = Math.max(body.signersCount ?? 0, signerRefs.length);
      const input: ProcessInput = {
        caseId: id,
        caseType: body.type,
        agencyId: body.agencyId,
        reference,
        definition: chosen.content,
        pin,
        variables: {
          caseId: id,
          reference,
          receivedOn,
          channel: body.channel,
          remoteArea: body.remoteArea,
          signerRefs,
          representativeRefs,
          signersCount: signers,
          massCase: signers >= MASS_CASE_MIN_SIGNERS,
        },
        caseEvents: { received: receivedOn },
        ...(a.established === undefined ? {} : { established: a.established }),
      };
      const receivedAtUtc = received.utc;
      const workflowId = caseWorkflowId(id);
      // 2. The workflow. If this fails, nothing of step 1 is visible (no read-model row), and a retry
      // with the same key finishes the case under the same id.
      const handle = await deps.temporal.workflow.start(PROCESS_WORKFLOW, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [input],
        // A retried request (same business key) attaches to the running case instead of failing or duplicating.
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: SA.caseType, value: body.type },
          { key: SA.agencyId, value: body.agencyId },
          { key: SA.stage, value: 'received' },
          { key: SA.receivedAt, value: new Date(receivedAtUtc) },
        ],
      });
      const stored = {
        id,
        reference,
        workflowId,
        runId: handle.firstExecutionRunId,
        status: 'open',
        stage: 'received',
        parties: refs,
        definition: { key: pin.key, version: pin.version, hash: pin.hash, pin: pin.label },
        links: { self: `/v1/cases/${id}` },
      };
      // 3. One statement once the workflow runs (db/case-intake.ts `record`): seed, audit entry, stored answer.
      let done: { fresh: boolean; audited: boolean; notifications: string[]; agencyClosed?: true };
      try {
        done = await store.record({
          seed: {
            id,
            reference,
            workflowId,
            caseType: body.type,
            channel: body.channel,
            agencyId: body.agencyId,
            subject: body.subject,
            remoteArea: body.remoteArea,
            receivedAt: receivedAtUtc,
            definition: pin,
            ...(body.place
              ? { place: { provinceCode: body.place.provinceCode, communeCode: body.place.communeCode ?? null } }
              : {}),
            ...(body.sector ? { sector: body.sector } : {}),
            ...(respondent ? { respondentKey: respondent } : {}),
            details: {
              ...(body.respondent ? { respondent: body.respondent } : {}),
              ...(body.respondentAgencyId ? { respondentAgencyId: body.respondentAgencyId } : {}),
              ...(body.contentSummary ? { contentSummary: body.contentSummary } : {}),
              attachments: body.attachments,
              signersCount: signers,
              representatives: representativeRefs.length,
            },
          },
          audit: {
            actor: actorOf(principal),
            action: a.action ?? 'case.received',
            caseId: id,
            requestId: a.requestId,
            after: {
              reference,
              caseType: body.type,
              channel: body.channel,
              agencyId: body.agencyId,
              receivedAt: receivedAtUtc,
              parties: refs,
              definition: pin.label,
              ...(a.auditAfter ?? {}),
            },
          },
          // The stored replay holds the key id of the PIN, never the PIN itself.
          ...(key ? { completion: { scope, key, response: { status: 201, body: { ...stored, pinKid } } } } : {}),
          // ADR 0034: the detector's incremental update commits with the case (or not at all), before the audit head.
          ...(body.place
            ? {
                afterSeed: (trx) =>
                  ingestHotspotItems(
                    trx,
                    [
                      {
                        kind: 'case',
                        id,
                        at: received.ms,
                        provinceCode: body.place!.provinceCode,
                        communeCode: body.place!.communeCode ?? null,
                        sector: body.sector ?? null,
                        respondent,
                        mass: signers >= MASS_CASE_MIN_SIGNERS,
                        agencyId: body.agencyId,
                      },
                    ],
                    deps.hotspots.config,
                    { deferEvents: true },
                  ),
              }
            : {}),
        });
      } catch (err) {
        // ADR 0016: a start whose case cannot be recorded is undone — no invisible running case.
        await abandon({ log: a.log, handle, caseId: id, claim, err });
        throw problems.unavailable('The case could not be recorded; nothing was started. Retry the request.');
      }
      if (done.agencyClosed) {
        // Closed since the cached tree was read (ADR 0024): nothing of this start stays.
        await abandon({ log: a.log, handle, caseId: id, claim, err: new Error('agency closed') });
        deps.agencies.invalidate(); // this process's tree is behind the closure
        throw agencyClosed(body.agencyId, (await deps.agencies.closure(body.agencyId))?.successorId ?? null);
      }
      const { fresh, audited } = done;
      // Once committed: the area's supervisors are told of a new or rising hotspot. A start that fails here
      // is retried by the detector's sweep (db/hotspots.ts unstartedNotifications), never lost.
      for (const n of done.notifications) {
        await deps.hotspots.startDelivery(n).catch((err: unknown) => {
          a.log?.error({ notificationId: n, err: (err as Error).message }, 'hotspot notification: start failed');
        });
      }
      if (fresh && !audited) throw new Error('case.received was not audited: audit chain head missing');
      // Not inserted: a concurrent request with the same key inserted this id first (any unique index
      // may report the conflict first — id or reference — hence ON CONFLICT without a target); make
      // sure it really is this case and not another one holding the reference.
      if (!fresh && !(await store.recorded(id)))
        throw new Error(`case ${id}: its read-model row was not written (reference ${reference} taken)`);
      if (fresh) recordCaseStarted(body.type);
      return { replayed: false, body: { ...stored, pin: citizenPin } };
    },
  };
}

export type CaseStartService = ReturnType<typeof createCaseStartService>;
