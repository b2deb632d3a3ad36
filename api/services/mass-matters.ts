/**
 * Mass and complex matters (ADR 0036): a crowd on a matter flags it mass and has the head receive the delegation;
 * citizens gathered at a central place are brought home. Both run as versioned process definitions
 * (processes/builtin/mass.ts, or a newer registered version) in the interpreter workflow; each process has a
 * `cases` row of its own type, so its tasks are in the task inbox, routed, claimed and completed like any case's.
 *
 * The process's row commits with the record that caused it (delegation, gathering) and its workflow starts right
 * after the commit; a start lost to a crash is made by the reconciler the worker runs on a Temporal Schedule
 * (workflows/mass-process-reconcile.ts), and sooner by {@link ensureStarted} when the process is read — both
 * start it once ever (platform/mass-process-start.ts).
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { appendEvents, type NewEvent } from '../../db/events.js';
import type { AuditStore } from '../../db/audit.js';
import type { DefinitionStore } from '../../db/definitions.js';
import { ingestHotspotItems } from '../../db/hotspots.js';
import type { Db } from '../../db/knex.js';
import type { MatterRecord } from '../../db/matters.js';
import type { DelegationRecord, GatheringRecord, MassMatterStore, ProcessState } from '../../db/mass-matters.js';
import type { VisitorIdentity } from '../../db/reception.js';
import type { HotspotConfig } from '../../hotspots/config.js';
import { MASS_CASE_MIN_SIGNERS, stageLabel, validateRepresentatives } from '../../processes/builtin/index.js';
import {
  ART_MASS_RECEPTION,
  DELEGATION_CASE_TYPE,
  GATHERING_CASE_TYPE,
  GATHERING_STEPS,
} from '../../processes/builtin/mass.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { PROCESS_WORKFLOW, type ProcessInput } from '../../workflows/contract.js';
import { massProcessStartOptions, startProcessOnce, storedProcessInput } from '../../platform/mass-process-start.js';
import type { JsonValue } from '../../workflows/engine/index.js';
import type { AgencyScope } from '../auth/agencies.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { HttpProblem } from '../problem.js';
import type { Journal } from './journal.js';

/** Article of the representatives rule (one function for letters, visits and gatherings). */
export const REPRESENTATIVES_BASIS = 'Luật Tiếp công dân 2013 Art 29; Luật Khiếu nại 2011 Art 8(4)';

/**
 * The representatives rule of the sources applied to a crowd of `people` with `representatives` named: 5 to 10
 * people appoint 1 or 2, more than 10 up to 5 (Luật Tiếp công dân 2013 Art 29). The same function
 * (processes/builtin/representatives.ts `validateRepresentatives`) checks letters of several signers, so letters,
 * complaints, denunciations, visits and gatherings follow one rule. Answers the problems, empty when it holds.
 */
export function representativeProblems(people: number, representatives: number, path = 'representatives') {
  const check = validateRepresentatives(
    [],
    Array.from({ length: representatives }, (_x, i) => `r${i}`),
    people,
  );
  return check.ok
    ? []
    : check.errors
        .filter((e) => e.code === 'too_few' || e.code === 'too_many')
        .map((e) => ({ path, message: `${e.message} (${e.legalBasis})` }));
}

export interface MassMatterConfig {
  /** People from which a visit or letter is a crowd (UNCONFIRMED default: 5, Luật Tiếp công dân 2013 Art 29). */
  minPeople: number;
}

/** `KNTC_MASS_MIN_PEOPLE` (an integer ≥ 2), else 5. */
export function loadMassMatterConfig(env: NodeJS.ProcessEnv = process.env): MassMatterConfig {
  const raw = env.KNTC_MASS_MIN_PEOPLE;
  if (raw === undefined || raw === '') return { minPeople: MASS_CASE_MIN_SIGNERS };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2) throw new Error(`KNTC_MASS_MIN_PEOPLE must be an integer ≥ 2, got ${raw}`);
  return { minPeople: n };
}

export interface MassMatterDeps {
  db: Db;
  store: MassMatterStore;
  definitions: Pick<DefinitionStore, 'select' | 'getCached'>;
  agencies: Pick<AgencyScope, 'ancestors'>;
  audit: Pick<AuditStore, 'append'>;
  temporal: Client;
  taskQueue: string;
  config: MassMatterConfig;
  hotspots: { config: HotspotConfig; startDelivery(notificationId: string): Promise<void> };
}

/** A uuid-shaped id derived from a name: the same source is the same process. */
function derivedId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const by = (p: Principal) => `${p.type}:${p.id}`;
type Log = { error(o: object, m: string): void } | undefined;

/** A process to start once the transaction that recorded it commits. */
export interface PendingStart {
  caseId: string;
  run(): Promise<void>;
}

export interface GatheringInput {
  gatheredAt: string;
  place: GatheringRecord['place'];
  peopleCount: number;
  representatives: VisitorIdentity[];
  reportedBy: GatheringRecord['reportedBy'];
}

export function createMassMatterService(deps: MassMatterDeps) {
  const { store, audit } = deps;

  /** Selects the definition in force, inserts the process's `cases` row; answers how to start its workflow. */
  async function prepareProcess(
    trx: Db,
    p: {
      id: string;
      caseType: string;
      agencyId: string;
      subject: string;
      receivedAt: string;
      variables: Record<string, JsonValue>;
      details: Record<string, unknown>;
    },
  ): Promise<PendingStart> {
    const on = vnDate(Date.parse(p.receivedAt));
    const line = await deps.agencies.ancestors(p.agencyId);
    const chosen = await deps.definitions.select(p.caseType, on, [p.agencyId, ...line]);
    if (!chosen) {
      throw new HttpProblem(
        422,
        'no-definition',
        'No process definition in force',
        `no definition of ${p.caseType} is in force on ${on}`,
      );
    }
    const pin = { key: chosen.key, version: chosen.version, hash: chosen.hash };
    const variables = { caseId: p.id, receivedOn: on, ...p.variables };
    const { reference } = await store.insertProcessCase(trx, { ...p, pin, details: { ...p.details, variables } });
    const input: ProcessInput = {
      caseId: p.id,
      caseType: p.caseType,
      agencyId: p.agencyId,
      reference,
      definition: chosen.content,
      pin: { ...pin, label: `${pin.key}@${pin.version}+${pin.hash}` },
      variables: { ...variables, reference },
      caseEvents: { received: on },
    };
    return { caseId: p.id, run: () => startWorkflow(input, p.receivedAt) };
  }

  async function startWorkflow(input: ProcessInput, receivedAt: string): Promise<void> {
    await deps.temporal.workflow.start(PROCESS_WORKFLOW, {
      ...massProcessStartOptions(input, receivedAt, deps.taskQueue),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }

  /** Starts the workflows prepared in a committed transaction (a failure is left to `ensureStarted`). */
  async function startAll(list: ReadonlyArray<PendingStart | undefined>, log?: Log): Promise<void> {
    for (const p of list) {
      if (!p) continue;
      try {
        await p.run();
      } catch (err) {
        log?.error({ caseId: p.caseId, err: (err as Error).name }, 'mass matters: process start failed');
      }
    }
  }

  /**
   * The central gatherings of a matter not yet fed to the detector, as items in the matter's place, sector and
   * respondent (ADR 0034; a gathering weighs most): none while the matter has no place. Run in the transaction
   * that recorded the gathering, or that gave the matter its place. Answers the notifications to start after it.
   */
  async function feedGatherings(
    trx: Db,
    matterId: string,
    opts: { deferEvents?: boolean } = {},
  ): Promise<{ notifications: string[]; events: NewEvent[] }> {
    const m = await trx('matters').where({ id: matterId }).first<
      | {
          agency_id: string;
          place_province: string | null;
          place_commune: string | null;
          sector: string | null;
          respondent_key: string | null;
        }
      | undefined
    >('agency_id', 'place_province', 'place_commune', 'sector', 'respondent_key');
    if (!m?.place_province) return { notifications: [], events: [] };
    const fresh = await trx('central_gatherings')
      .where({ matter_id: matterId })
      .whereNull('hotspot_fed_at')
      .orderBy([{ column: 'gathered_at' }, { column: 'id' }])
      .forUpdate()
      .select<Array<{ id: string; gathered_at: Date }>>('id', 'gathered_at');
    if (fresh.length === 0) return { notifications: [], events: [] };
    const r = await ingestHotspotItems(
      trx,
      fresh.map((g) => ({
        kind: 'central_gathering' as const,
        id: g.id,
        at: g.gathered_at.getTime(),
        provinceCode: m.place_province!,
        communeCode: m.place_commune,
        sector: m.sector,
        respondent: m.respondent_key,
        mass: true,
        agencyId: m.agency_id,
      })),
      deps.hotspots.config,
      { deferEvents: opts.deferEvents ?? false },
    );
    await trx('central_gatherings')
      .whereIn(
        'id',
        fresh.map((g) => g.id),
      )
      .update({ hotspot_fed_at: trx.fn.now() });
    return { notifications: r.notifications, events: r.events };
  }

  /** A crowd: a delegation, or `minPeople` or more people (the test that opens a delegation process). */
  const isCrowd = (people: number, isDelegation: boolean): boolean => isDelegation || people >= deps.config.minPeople;

  return {
    feedGatherings,
    isCrowd,

    /** Starts the deliveries of notifications recorded in a committed transaction (a failure is swept later). */
    async startDeliveries(ids: readonly string[]): Promise<void> {
      for (const n of ids) await deps.hotspots.startDelivery(n).catch(() => undefined);
    },

    /**
     * After a visit or letter is confirmed in a matter (in the link's transaction): a crowd — `minPeople` or more
     * people at the visit or signing the letter, a delegation, or a letter the lifecycle flagged mass
     * (`mass.flag`) — flags the matter mass and opens its delegation process (once per visit or letter).
     * Its audit entries and events go to `journal`, which the caller appends after every write of its transaction:
     * the process's `cases` row (its facts lock, the shared counters) before the audit head (ADR 0034).
     * Answers the start to run after the commit, if any.
     */
    async onConfirmed(
      trx: Db,
      a: {
        matter: MatterRecord;
        kind: 'visit' | 'case';
        refId: string;
        principal: Principal;
        requestId: string;
        securityLiaison?: boolean;
      },
      journal: Journal,
    ): Promise<PendingStart | undefined> {
      let people: number;
      let crowd: boolean;
      let at = new Date().toISOString();
      if (a.kind === 'visit') {
        const v = await store.visitCrowd(a.refId, trx);
        if (!v) return undefined;
        people = v.peopleCount;
        crowd = isCrowd(v.peopleCount, v.isDelegation);
        const row = await trx('reception_visits').where({ id: a.refId }).first<{ visited_at: Date }>('visited_at');
        if (row) at = row.visited_at.toISOString();
      } else {
        const c = await store.caseCrowd(a.refId, trx);
        if (!c) return undefined;
        people = c.signers;
        crowd = c.flagged || c.signers >= deps.config.minPeople;
      }
      if (!crowd) return undefined;
      // A letter received at a delegation's visit is the same crowd: one delegation.
      if (a.kind === 'case') {
        const visit = await trx('reception_visits').where({ case_id: a.refId }).first<{ id: string } | undefined>('id');
        if (visit && (await store.delegationOfSource('visit', visit.id, trx))) return undefined;
      }
      if (await store.delegationOfSource(a.kind, a.refId, trx)) return undefined;
      if (await store.flagMass(a.matter.id, trx)) {
        journal.audit.push({
          actor: actorOf(a.principal),
          action: 'matter.flagged',
          requestId: a.requestId,
          before: { matterId: a.matter.id, mass: false },
          after: { matterId: a.matter.id, mass: true, by: { kind: a.kind, refId: a.refId, people } },
          legalBasis: `${REPRESENTATIVES_BASIS}; ${ART_MASS_RECEPTION}`,
        });
      }
      const processId = derivedId(`delegation|${a.kind}|${a.refId}`);
      const pending = await prepareProcess(trx, {
        id: processId,
        caseType: DELEGATION_CASE_TYPE,
        agencyId: a.matter.agencyId,
        subject: `Đoàn đông người (${people} người): ${a.matter.title}`.slice(0, 500),
        receivedAt: at,
        variables: { matterId: a.matter.id, peopleCount: people, securityLiaison: a.securityLiaison === true },
        details: { matterId: a.matter.id, source: { kind: a.kind, refId: a.refId } },
      });
      const { delegation } = await store.insertDelegation(trx, {
        id: derivedId(`delegation-record|${a.kind}|${a.refId}`),
        matterId: a.matter.id,
        sourceKind: a.kind,
        sourceId: a.refId,
        agencyId: a.matter.agencyId,
        peopleCount: people,
        securityLiaison: a.securityLiaison === true,
        processCaseId: processId,
        createdBy: by(a.principal),
      });
      journal.audit.push({
        actor: actorOf(a.principal),
        action: 'matter.delegation_opened',
        caseId: processId,
        requestId: a.requestId,
        after: { delegationId: delegation.id, matterId: a.matter.id, source: a.kind, refId: a.refId, people },
        legalBasis: ART_MASS_RECEPTION,
      });
      journal.events.push({
        type: 'vn.kntc.matter.delegation_opened',
        caseId: processId,
        agencyId: a.matter.agencyId,
        time: new Date().toISOString(),
        data: { delegationId: delegation.id, matterId: a.matter.id, source: a.kind, people },
      });
      return pending;
    },

    startAll,

    /**
     * Records a central gathering on a matter and starts its process (idempotent per `id`: a retry answers the
     * same gathering). The representatives rule is checked first (422 naming the field).
     */
    async recordGathering(a: {
      id: string;
      matter: MatterRecord;
      input: GatheringInput;
      principal: Principal;
      requestId: string;
      log?: Log;
    }): Promise<{ gathering: GatheringRecord; fresh: boolean }> {
      const { input: g, matter } = a;
      const errors = representativeProblems(g.peopleCount, g.representatives.length);
      if (errors.length > 0)
        throw new HttpProblem(422, 'validation', 'The request cannot be processed', errors[0]!.message, { errors });
      const existing = await store.gathering(a.id);
      if (existing) return { gathering: existing, fresh: false };
      const processId = derivedId(`central-gathering|${a.id}`);
      let pending: PendingStart | undefined;
      let notifications: string[] = [];
      const out = await deps.db.transaction(async (trx) => {
        // The matter's row first (ADR 0034, session 9: matter → a process's case row → cluster locks → hotspot
        // rows → audit head → event head), as a visit recorded into a matter and a link decision take them.
        await trx('matters').where({ id: matter.id }).forUpdate().select('id');
        pending = await prepareProcess(trx, {
          id: processId,
          caseType: GATHERING_CASE_TYPE,
          agencyId: matter.agencyId,
          subject: `Tập trung đông người tại ${g.place.city === 'hanoi' ? 'Hà Nội' : 'TP HCM'}: ${matter.title}`.slice(
            0,
            500,
          ),
          receivedAt: g.gatheredAt,
          variables: { matterId: matter.id, gatheringId: a.id, peopleCount: g.peopleCount },
          details: { matterId: matter.id, gatheringId: a.id },
        });
        const res = await store.insertGathering(
          trx,
          {
            id: a.id,
            matterId: matter.id,
            agencyId: matter.agencyId,
            gatheredAt: g.gatheredAt,
            place: g.place,
            peopleCount: g.peopleCount,
            reportedBy: g.reportedBy,
            processCaseId: processId,
            createdBy: by(a.principal),
          },
          g.representatives,
        );
        if (!res.fresh) return res;
        await store.flagMass(matter.id, trx);
        // The detector (ADR 0034): a central gathering weighs most, in the matter's place, sector and respondent —
        // before the audit head (lock order), its events last.
        const fed = await feedGatherings(trx, matter.id, { deferEvents: true });
        notifications = fed.notifications;
        const hotspotEvents = fed.events;
        // References and counts only: the representatives are personal data.
        await audit.append(
          {
            actor: actorOf(a.principal),
            action: 'matter.central_gathering_recorded',
            caseId: processId,
            requestId: a.requestId,
            after: {
              gatheringId: a.id,
              matterId: matter.id,
              city: g.place.city,
              placeKind: g.place.kind,
              peopleCount: g.peopleCount,
              representatives: g.representatives.length,
              reportedBy: g.reportedBy.kind,
              processCaseId: processId,
            },
            legalBasis: `${REPRESENTATIVES_BASIS}; Luật Tiếp công dân 2013 Art 31(1)`,
          },
          trx,
        );
        await appendEvents(trx, [
          {
            type: 'vn.kntc.matter.central_gathering_recorded',
            caseId: processId,
            agencyId: matter.agencyId,
            time: new Date().toISOString(),
            data: { gatheringId: a.id, matterId: matter.id, city: g.place.city, peopleCount: g.peopleCount },
          },
          ...hotspotEvents,
        ]);
        return res;
      });
      if (out.fresh) {
        await startAll([pending], a.log);
        for (const n of notifications) await deps.hotspots.startDelivery(n).catch(() => undefined);
      }
      return out;
    },

    /**
     * Starts a process whose row exists but which was never projected (its start was lost), as the reconciler
     * does (platform/mass-process-start.ts: never a second run).
     */
    async ensureStarted(caseId: string, state: ProcessState | undefined, log?: Log) {
      if (state?.state) return;
      try {
        const p = await storedProcessInput(deps.db, caseId, deps.definitions.getCached);
        if (p) await startProcessOnce(deps.temporal, deps.taskQueue, p);
      } catch (err) {
        log?.error({ caseId, err: (err as Error).name }, 'mass matters: process start failed');
      }
    },

    /** A gathering with its steps: each step's task (open, completed, escalated), limit, due instant and status. */
    gatheringView(g: GatheringRecord, s: ProcessState | undefined) {
      const state = s?.state ?? null;
      const tasks = state?.tasks ?? [];
      const clocks = state?.clocks ?? [];
      const steps = GATHERING_STEPS.map((id) => {
        const own = tasks.filter((t) => t.nodeId === id);
        const above = tasks.filter((t) => t.nodeId === `${id}.above`);
        const last = [...own, ...above].sort((x, y) => x.openedAt.localeCompare(y.openedAt)).at(-1);
        const timer = clocks.find((c) => c.nodeId === `${id}.late`);
        const escalated = above.length > 0;
        const done = [...own, ...above].find((t) => t.status === 'completed');
        return {
          step: id,
          name: own[0]?.name ?? above[0]?.name ?? id,
          status: done ? 'completed' : last ? (escalated ? 'escalated' : 'open') : 'pending',
          escalated,
          taskId: last ? `${g.processCaseId}.${last.id}` : null,
          agencyScope: last?.agencyScope ?? null,
          openedAt: last?.openedAt ?? null,
          dueAt: timer?.dueAt ?? null,
          completedAt: done?.closedAt ?? null,
        };
      });
      const vars = state?.variables ?? {};
      const home = steps.find((x) => x.step === 'bringHome')!;
      const report = steps.find((x) => x.step === 'report')!;
      return {
        ...g,
        status:
          s?.status === 'completed'
            ? 'closed'
            : report.status === 'completed'
              ? 'reported'
              : home.status === 'completed'
                ? 'home'
                : 'open',
        citizensHome: home.status === 'completed',
        homeOn: typeof vars.homeOn === 'string' ? vars.homeOn : null,
        homeAt: typeof vars.homeAt === 'string' ? vars.homeAt : null,
        reportFiled: report.status === 'completed',
        reportReference: typeof vars.reportReference === 'string' ? vars.reportReference : null,
        process: {
          caseId: g.processCaseId,
          status: s?.status ?? 'starting',
          stage: s?.stage ?? 'starting',
          stageLabel: stageLabel(s?.stage ?? 'starting'),
          definition: state?.pin ?? null,
        },
        steps,
        links: {
          self: `/v1/gatherings/${g.id}`,
          matter: `/v1/matters/${g.matterId}`,
          process: `/v1/cases/${g.processCaseId}`,
        },
      };
    },

    delegationView(d: DelegationRecord, s: ProcessState | undefined) {
      const state = s?.state ?? null;
      const tasks = (state?.tasks ?? []).filter((t) => t.nodeId === 'receive' || t.nodeId === 'receive.above');
      const last = tasks.sort((x, y) => x.openedAt.localeCompare(y.openedAt)).at(-1);
      const timer = state?.clocks.find((c) => c.nodeId === 'receive.late');
      const sessionId =
        typeof state?.variables.receptionSessionId === 'string' ? state.variables.receptionSessionId : null;
      return {
        ...d,
        receptionSessionId: d.receptionSessionId ?? sessionId,
        status:
          s?.status === 'completed'
            ? 'received'
            : tasks.some((t) => t.nodeId === 'receive.above')
              ? 'escalated'
              : 'open',
        task: last
          ? {
              id: `${d.processCaseId}.${last.id}`,
              nodeId: last.nodeId,
              status: last.status,
              agencyScope: last.agencyScope,
              openedAt: last.openedAt,
              dueAt: timer?.dueAt ?? null,
            }
          : null,
        links: { matter: `/v1/matters/${d.matterId}`, process: `/v1/cases/${d.processCaseId}` },
      };
    },
  };
}

export type MassMatterService = ReturnType<typeof createMassMatterService>;
