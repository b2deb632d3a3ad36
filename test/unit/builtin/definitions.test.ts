import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  hashDefinition,
  LEGAL_MESSAGES,
  selectDefinition,
  validateDefinition,
  type FeelVariables,
  type ProcessDefinition,
} from '../../../workflows/engine/index.js';
import { fromBpmnXml, toBpmnXml } from '../../../processes/bpmn/index.js';
import { BUILTIN_DEFINITIONS } from '../../../processes/builtin/index.js';
import { clocksOf, def, DEFS, node } from './helpers.js';

const label = (d: { key: string; version: number }) => `${d.key} v${d.version}`;

/** Target of the first outgoing flow of `gateway` whose condition holds, else the default's. */
function route(d: ProcessDefinition, gateway: string, vars: FeelVariables): string {
  const gw = node(d, gateway);
  if (gw.type !== 'exclusiveGateway') throw new Error(`${gateway} is not an exclusive gateway`);
  const out = d.flows.filter((f) => f.source === gateway);
  const hit = out.find((f) => f.id !== gw.default && f.condition !== undefined && evaluateCondition(f.condition, vars));
  return (hit ?? out.find((f) => f.id === gw.default)!).target;
}

describe('built-in definitions: structure', () => {
  it('are the nine expected key/version pairs', () => {
    expect(DEFS.map(label)).toEqual([
      'letter-handling v1',
      'letter-handling v2',
      'complaint-first v1',
      'complaint-first v2',
      'complaint-second v1',
      'complaint-second v2',
      'denunciation v1',
      'denunciation v2',
      'petition v1',
    ]);
  });

  it.each(BUILTIN_DEFINITIONS.map((d) => [label(d), d] as const))('%s passes validateDefinition', (_l, d) => {
    const r = validateDefinition(d);
    expect(r.ok ? [] : r.errors).toEqual([]);
  });

  it.each(DEFS.map((d) => [label(d), d] as const))('%s round-trips through BPMN 2.0 XML', async (_l, d) => {
    const xml = await toBpmnXml(d);
    expect(xml).toContain(`id="${d.key}"`);
    const back = await fromBpmnXml(xml);
    expect(back.ok ? [] : back.errors).toEqual([]);
    if (back.ok) {
      expect(back.definition).toEqual(d);
      expect(hashDefinition(back.definition)).toEqual(hashDefinition(d));
    }
  });

  it.each(DEFS.map((d) => [label(d), d] as const))('%s: every clock counts from an event the case records', (_l, d) => {
    const recorded = new Set(['received']); // recorded by the interpreter when the case starts
    for (const n of d.nodes) {
      if (n.type === 'serviceTask' && n.activity === 'recordCaseEvent')
        recorded.add(JSON.parse(n.input.event!) as string);
    }
    const missing = clocksOf(d)
      .filter(({ rule }) => !recorded.has(rule.from))
      .map(({ node: n, rule }) => `${n.id}: ${rule.ruleId} from ${rule.from}`);
    expect(missing).toEqual([]);
  });

  it.each(DEFS.map((d) => [label(d), d] as const))(
    '%s: every clock cites its article and has reminder rungs; every breach escalates',
    (_l, d) => {
      for (const { node: n, rule } of clocksOf(d)) {
        expect(rule.legalBasis.length, `${n.id}`).toBeGreaterThan(5);
        expect(n.legalBasis, `${n.id} cites its article`).toBeTruthy();
        if (rule.amount >= 3)
          expect(
            rule.rungs?.map((r) => r.name),
            `${n.id}`,
          ).toContain('reminder');
      }
      // Due breaches not caught on the task reach the process-level handler (flag, notification, head task).
      const handler = d.nodes.find((n) => n.type === 'startEvent' && n.trigger?.kind === 'escalation');
      expect(handler?.id).toBe('overdue.start');
      const chain = d.flows
        .filter((f) => f.source.startsWith('overdue.') && !f.source.startsWith('overdue.superseded'))
        .map((f) => f.target);
      expect(chain).toEqual(['overdue.flag', 'overdue.notify', 'overdue.headReview', 'overdue.end']);
      // A breach superseded by a late-recorded extension / suspension (ADR 0018): flags cleared, the head told.
      const superseded = d.flows.filter((f) => f.source.startsWith('overdue.superseded')).map((f) => f.target);
      expect(superseded).toEqual([
        'overdue.superseded.resolution',
        'overdue.superseded.notify',
        'overdue.superseded.end',
      ]);
    },
  );

  it.each(DEFS.map((d) => [label(d), d] as const))(
    '%s: every document record states type, recipients and dates',
    (_l, d) => {
      const docs = d.nodes.filter((n) => n.type === 'serviceTask' && n.activity === 'recordDocument');
      expect(docs.length).toBeGreaterThan(2);
      for (const n of docs) {
        if (n.type !== 'serviceTask') continue;
        expect(Object.keys(n.input)).toEqual(
          expect.arrayContaining(['type', 'recipients', 'issuedOn', 'sentOn', 'receivedOn', 'legalBasis']),
        );
      }
    },
  );

  it.each(DEFS.map((d) => [label(d), d] as const))(
    '%s: message names are legal events or documented extras',
    (_l, d) => {
      const allowed = new Set<string>([...LEGAL_MESSAGES, 'terminate', 'stayExecution', 'secondComplaintLodged']);
      const used = d.nodes.flatMap((n) =>
        (n.type === 'boundaryEvent' || n.type === 'intermediateCatchEvent') && n.trigger.kind === 'message'
          ? [n.trigger.messageName]
          : [],
      );
      expect(used.filter((m) => !allowed.has(m))).toEqual([]);
    },
  );

  it("denunciations never carry the denouncer's identity (TC Art 8(3), 47, 56): references only", () => {
    const personal = /(name|address|phone|email|idnumber|cccd|passport|handwriting)/i;
    for (const d of [def('denunciation', 1), def('denunciation', 2)]) {
      const fields = d.nodes.flatMap((n) => (n.type === 'userTask' ? n.form.fields.map((f) => f.name) : []));
      expect(fields.filter((f) => personal.test(f))).toEqual([]);
      expect(Object.keys(d.variables).filter((v) => personal.test(v))).toEqual([]);
      const recipients = d.nodes.flatMap((n) =>
        n.type === 'serviceTask' && n.activity === 'recordDocument' ? [n.input.recipients!] : [],
      );
      expect(recipients.join(' ')).not.toMatch(/"denouncer"/); // role reference denouncer_ref only
    }
  });
});

describe('version selection by receipt date', () => {
  it.each([
    ['letter', 'letter-handling'],
    ['complaint_first', 'complaint-first'],
    ['complaint_second', 'complaint-second'],
    ['denunciation', 'denunciation'],
  ])('%s: received 30/06/2026 -> v1, 01/07/2026 -> v2', (caseType, key) => {
    expect(selectDefinition(DEFS, { caseType, receivedOn: '2026-06-30' })).toMatchObject({ key, version: 1 });
    expect(selectDefinition(DEFS, { caseType, receivedOn: '2026-07-01' })).toMatchObject({ key, version: 2 });
  });

  it('the two complaint versions have different acceptance rules (10 days, configurable unit, vs 07 WD)', () => {
    const v1 = selectDefinition(DEFS, { caseType: 'complaint_first', receivedOn: '2026-06-30' })!;
    const v2 = selectDefinition(DEFS, { caseType: 'complaint_first', receivedOn: '2026-07-01' })!;
    const a1 = node(v1, 'accept');
    const a1wd = node(v1, 'accept.wd');
    const a2 = node(v2, 'accept');
    expect(a1.type === 'userTask' && a1.due).toMatchObject({
      ruleId: 'K2',
      amount: 10,
      unit: 'calendar_days',
      from: 'received',
    });
    expect(a1wd.type === 'userTask' && a1wd.due).toMatchObject({ ruleId: 'K2_wd', amount: 10, unit: 'working_days' });
    expect(a2.type === 'userTask' && a2.due).toMatchObject({
      ruleId: 'K2',
      amount: 7,
      unit: 'working_days',
      legalBasis: expect.stringContaining('NĐ 155/2026 Art 10'),
    });
    // Default is the stricter calendar-day count with a warning; acceptanceUnit = "working_days" picks the rules' unit.
    expect(v1.variables.acceptanceUnit).toBe('calendar_days');
    expect(route(v1, 'acceptUnit', { acceptanceUnit: 'calendar_days' })).toBe('acceptUnit.warning');
    expect(route(v1, 'acceptUnit', { acceptanceUnit: 'working_days' })).toBe('accept.wd');
  });

  it('petition has one version for both periods; agency-defined case types select nothing', () => {
    expect(selectDefinition(DEFS, { caseType: 'petition', receivedOn: '2026-06-30' })).toMatchObject({
      key: 'petition',
      version: 1,
    });
    expect(selectDefinition(DEFS, { caseType: 'petition', receivedOn: '2026-07-01' })).toMatchObject({
      key: 'petition',
      version: 1,
    });
    expect(selectDefinition(DEFS, { caseType: 'complaint_first', receivedOn: '2019-01-01' })).toBeUndefined();
  });
});

describe('routing rules (FEEL conditions evaluated as the interpreter would)', () => {
  const eligible = {
    letterType: 'complaint',
    language: 'vietnamese',
    dated: true,
    hasNameAddress: true,
    hasSignature: true,
    contentElementsComplete: true,
    withinCompetence: true,
    limitationExpired: false,
    anonymous: false,
  };
  it.each([
    ['eligible complaint within competence -> linked complaint-first case', {}, 'outcome.complaint'],
    ['time-barred complaint -> archive', { limitationExpired: true }, 'outcome.archived'],
    ['no signature -> archive', { hasSignature: false }, 'outcome.archived'],
    ['complaint not within competence -> guide once', { withinCompetence: false }, 'outcome.guided'],
    [
      'denunciation not within competence -> transfer in 5 WD',
      { letterType: 'denunciation', withinCompetence: false },
      'transferDenunciation',
    ],
    [
      'denunciation within competence -> linked denunciation case',
      { letterType: 'denunciation' },
      'outcome.denunciation',
    ],
    ['anonymous -> TC Art 25', { letterType: 'denunciation', anonymous: true, hasSignature: false }, 'anonymous'],
    [
      'petition not within competence -> transfer',
      { letterType: 'petition', withinCompetence: false },
      'outcome.transferred',
    ],
    ['petition -> linked petition case', { letterType: 'petition' }, 'outcome.petition'],
    ['several contents -> guide to split', { letterType: 'several_contents' }, 'outcome.split'],
    ['court seized -> archive', { courtSeized: true }, 'outcome.archived'],
    [
      'final decision with new facts -> head review',
      { finalDecisionExists: true, newFactsOrSignsOfIllegality: true },
      'finalReview',
    ],
  ])('letter-handling v1: %s', (_l, over, target) => {
    expect(route(def('letter-handling', 1), 'route', { ...eligible, ...over })).toBe(target);
  });

  it('letter-handling v2: a repeat letter with nothing new gets the written refusal notice (NĐ 154 Art 4(3))', () => {
    expect(route(def('letter-handling', 2), 'route', { ...eligible, repeatNothingNew: true })).toBe('refusalGrounds');
    expect(route(def('letter-handling', 1), 'route', { ...eligible, repeatNothingNew: true })).toBe(
      'outcome.complaint',
    );
  });

  it('letter-handling: invalid representatives send the letter back for appointment; a mass case is flagged', () => {
    const d = def('letter-handling', 2);
    expect(route(d, 'repsCheck', { representativesOk: false })).toBe('requestRepresentatives');
    expect(route(d, 'repsCheck', { representativesOk: true })).toBe('massGate');
    expect(route(d, 'massGate', { massCase: true })).toBe('mass.flag');
  });

  it('dialogue notice >= 5 days (K4): v2 always; v1 only for dialogues from 01/07/2026', () => {
    const short = { dialogueOn: '2026-07-10', invitationSentOn: '2026-07-06' };
    const ok = { dialogueOn: '2026-07-11', invitationSentOn: '2026-07-06' };
    expect(route(def('complaint-first', 2), 'noticeCheck', short)).toBe('dialogueInvite');
    expect(route(def('complaint-first', 2), 'noticeCheck', ok)).toBe('dialogue');
    expect(route(def('complaint-first', 1), 'noticeCheck', short)).toBe('dialogueInvite');
    expect(
      route(def('complaint-first', 1), 'noticeCheck', { dialogueOn: '2026-06-20', invitationSentOn: '2026-06-18' }),
    ).toBe('dialogue');
  });

  it('dialogue absence: from 2026 an unexcused no-show does not block; before, a second invitation', () => {
    const v2 = def('complaint-first', 2);
    expect(
      route(v2, 'afterDialogue', {
        complainantAttended: false,
        absenceReason: 'no_valid_reason',
        invitationNumber: 'first',
      }),
    ).toBe('decide');
    expect(route(v2, 'afterDialogue', { complainantAttended: false, absenceReason: 'valid_reason' })).toBe(
      'dialogueInvite',
    );
    const v1 = def('complaint-first', 1);
    expect(
      route(v1, 'afterDialogue', {
        complainantAttended: false,
        invitationNumber: 'first',
        dialogueHeldOn: '2026-06-15',
        absenceReason: 'no_valid_reason',
      }),
    ).toBe('dialogueInvite');
    expect(
      route(v1, 'afterDialogue', {
        complainantAttended: false,
        invitationNumber: 'second',
        dialogueHeldOn: '2026-06-25',
      }),
    ).toBe('decide');
    // NĐ 155 Art 22: an open v1 case follows the new absence rule for a dialogue held from 01/07/2026.
    expect(
      route(v1, 'afterDialogue', {
        complainantAttended: false,
        invitationNumber: 'first',
        dialogueHeldOn: '2026-07-15',
        absenceReason: 'no_valid_reason',
      }),
    ).toBe('decide');
  });

  it('first instance: dialogue only when demands and findings differ; second instance always', () => {
    expect(route(def('complaint-first', 2), 'needDialogue', { demandsMatchFindings: false })).toBe('dialogueInvite');
    expect(route(def('complaint-first', 2), 'needDialogue', { demandsMatchFindings: true })).toBe('decide');
    expect(def('complaint-second', 2).flows.find((f) => f.source === 'verify')?.target).toBe('dialogueInvite');
  });

  it('v1 complaint: withdrawal/termination and suspension follow the 2026 rules for events from 01/07/2026 (NĐ 155 Art 22)', () => {
    const v1 = def('complaint-first', 1);
    expect(route(v1, 'terminate.when', { eventOn: '2026-06-20' })).toBe('terminationOld.issue');
    expect(route(v1, 'terminate.when', { eventOn: '2026-07-02' })).toBe('termination.issue');
    expect(route(v1, 'suspension.when', { eventOn: '2026-06-20' })).toBe('suspension.refused');
    expect(route(v1, 'suspension.when', { eventOn: '2026-08-01' })).toBe('suspension.decision.issue');
    expect(route(v1, 'partial.when', { eventOn: '2026-08-01' })).toBe('partial.event');
  });

  it('a collective complaint is accepted only with every signature and the appointment of representatives', () => {
    const d = def('complaint-first', 2);
    expect(route(d, 'acceptDecision', { acceptanceDecision: 'accept', massCase: false })).toBe('accepted');
    expect(
      route(d, 'acceptDecision', { acceptanceDecision: 'accept', massCase: true, allSignaturesAndAppointment: false }),
    ).toBe('refused.doc');
    expect(
      route(d, 'acceptDecision', { acceptanceDecision: 'accept', massCase: true, allSignaturesAndAppointment: true }),
    ).toBe('accepted');
    const s = def('complaint-second', 2);
    // K6 (KN Art 33(1)): lodged on or before the computed window's last day, else a legitimate reason (KN Art 11(6)).
    const k6 = { acceptanceDecision: 'accept', receivedOn: '2026-08-31', secondComplaintWindowDue: '2026-08-31' };
    expect(route(s, 'acceptDecision', { ...k6, receivedOn: '2026-09-01' })).toBe('refused.doc');
    expect(route(s, 'acceptDecision', k6)).toBe('accepted');
    expect(route(s, 'acceptDecision', { ...k6, massCase: true, allSignaturesAndAppointment: false })).toBe(
      'refused.doc',
    );
    expect(
      route(s, 'acceptDecision', {
        ...k6,
        receivedOn: '2026-09-01',
        lateLegitimateReason: 'ốm đau, có xác nhận của cơ sở y tế',
      }),
    ).toBe('accepted');
    expect(route(s, 'acceptDecision', { ...k6, receivedOn: '2026-09-01', lateLegitimateReason: '' })).toBe(
      'refused.doc',
    );
    // Before the right to a second complaint exists (KN Art 33(1)): before the decision's receipt, or on/before the lapse day.
    expect(route(s, 'acceptDecision', { ...k6, receivedOn: '2026-07-30', firstDecisionReceivedOn: '2026-07-31' })).toBe(
      'refused.doc',
    );
    expect(route(s, 'acceptDecision', { ...k6, receivedOn: '2026-07-31', firstDecisionReceivedOn: '2026-07-31' })).toBe(
      'accepted',
    );
    expect(
      route(s, 'acceptDecision', {
        ...k6,
        receivedOn: '2026-08-03',
        firstInstanceLapsed: true,
        firstInstanceExpiredOn: '2026-08-03',
      }),
    ).toBe('refused.doc');
    expect(
      route(s, 'acceptDecision', {
        ...k6,
        receivedOn: '2026-08-04',
        firstInstanceLapsed: true,
        firstInstanceExpiredOn: '2026-08-03',
      }),
    ).toBe('accepted');
  });

  it('a second complaint recorded on the first case starts the linked second-instance case', () => {
    const d = def('complaint-first', 2);
    expect(route(d, 'challenge', { challengeKind: 'second_complaint', linkedCaseRef: null })).toBe('startSecond');
    expect(route(d, 'challenge', { challengeKind: 'lawsuit' })).toBe('end.challenged');
    const n = node(d, 'startSecond');
    expect(n.type === 'callActivity' && [n.calledKey, n.wait]).toEqual(['complaint-second', false]);
  });

  it('remote area picks the longer resolution clock', () => {
    expect(route(def('complaint-first', 2), 'area', { remoteArea: true })).toBe('remote.verify');
    expect(route(def('complaint-first', 2), 'area', { remoteArea: false })).toBe('verify');
  });

  it('second-instance disclosure minimums (K11a-K11c)', () => {
    const d = def('complaint-second', 2);
    // K11b/K11c: 15 days after the posting day (not counted, BLDS Art 147(3)): 01/08 -> until 16/08.
    expect(
      route(d, 'disclosureCheck', {
        disclosureMethods: ['posting'],
        postingFrom: '2026-08-01',
        postingTo: '2026-08-16',
      }),
    ).toBe('disclose.doc');
    expect(
      route(d, 'disclosureCheck', {
        disclosureMethods: ['posting'],
        postingFrom: '2026-08-01',
        postingTo: '2026-08-15',
      }),
    ).toBe('disclose');
    expect(
      route(d, 'disclosureCheck', { disclosureMethods: ['online'], onlineFrom: '2026-08-01', onlineTo: '2026-08-15' }),
    ).toBe('disclose');
    expect(
      route(d, 'disclosureCheck', { disclosureMethods: ['online'], onlineFrom: '2026-08-01', onlineTo: '2026-08-16' }),
    ).toBe('disclose.doc');
    // K11a: the meeting on or after the computed earliest day (the computeDeadline service task's meetingNoticeDue).
    const meeting = {
      disclosureMethods: ['meeting'],
      meetingNoticeSentOn: '2026-04-29',
      meetingNoticeDue: '2026-05-06',
    };
    expect(route(d, 'disclosureCheck', { ...meeting, meetingOn: '2026-05-05' })).toBe('disclose');
    expect(route(d, 'disclosureCheck', { ...meeting, meetingOn: '2026-05-06' })).toBe('disclose.doc');
    expect(route(d, 'disclosureCheck', { ...meeting, meetingOn: null })).toBe('disclose');
    expect(route(d, 'disclosureCheck', { disclosureMethods: ['media_broadcast'], broadcastCount: 1 })).toBe('disclose');
  });

  it('denunciation: extensions — one for complex, two for especially complex, no third (TC Art 30)', () => {
    const d = def('denunciation', 2);
    expect(route(d, 'extension.allowed', { complexity: 'complex', extensionsGranted: 0 })).toBe(
      'extension.decision.issue',
    );
    expect(route(d, 'extension.allowed', { complexity: 'complex', extensionsGranted: 1 })).toBe('extension.refused');
    expect(route(d, 'extension.allowed', { complexity: 'especially_complex', extensionsGranted: 1 })).toBe(
      'extension.decision.issue',
    );
    expect(route(d, 'extension.allowed', { complexity: 'especially_complex', extensionsGranted: 2 })).toBe(
      'extension.refused',
    );
    expect(route(d, 'extension.allowed', { complexity: 'normal', extensionsGranted: 0 })).toBe('extension.refused');
  });

  it('denunciation: full withdrawal terminates unless violation signs, coercion or slander (TC Art 33)', () => {
    const d = def('denunciation', 1);
    const none = { signsOfViolation: false, withdrawalCoerced: false, abuseToSlander: false };
    expect(route(d, 'withdrawal.exception', none)).toBe('termination');
    expect(route(d, 'withdrawal.exception', { ...none, signsOfViolation: true })).toBe('verify');
    expect(route(d, 'withdrawal.exception', { ...none, withdrawalCoerced: true })).toBe('verify');
  });

  it('denunciation: initial routing, follow-ups and forwarded cases', () => {
    const d = def('denunciation', 2);
    const ok = { formComplete: true, denouncerHasCapacity: true, withinCompetence: true, violationIdentifiable: true };
    expect(route(d, 'route', { ...ok, initialDecision: 'accept' })).toBe('accepted');
    expect(route(d, 'route', { ...ok, initialDecision: 'accept', formComplete: false })).toBe('refused.doc');
    expect(route(d, 'route', { ...ok, initialDecision: 'transfer' })).toBe('transfer');
    expect(route(d, 'kind', { followUp: 'wrongful_resolution' })).toBe('review');
    expect(route(d, 'kind', { followUp: 'overdue' })).toBe('demandReport');
    expect(route(d, 'forwarded', { forwardedBy: 'press' })).toBe('reportForwarder');
    expect(route(d, 'forwarded', { forwardedBy: 'none' })).toBe('forwarded.merge');
    expect(route(d, 'initialOutcome', { initialOutcome: 'accepted' })).toBe('notifyAcceptance');
    expect(route(d, 'initialOutcome', { initialOutcome: 'transferred' })).toBe('end.transferred');
    // T9a/T9b (NĐ 31/2019 Art 6(2)(b)-(d): 15 consecutive days; the posting day not counted, BLDS Art 147): 01/08 -> 16/08.
    const pub = {
      ...d.variables,
      publicationMethods: ['posting'],
      postingFrom: '2026-08-01',
      denouncerIdentityRedacted: true,
    };
    expect(route(d, 'publishCheck', { ...pub, postingTo: '2026-08-16' })).toBe('publishConclusion.doc');
    expect(route(d, 'publishCheck', { ...pub, postingTo: '2026-08-15' })).toBe('publishConclusion');
    expect(route(d, 'publishCheck', { ...pub, publicationMethods: ['portal'], postingTo: '2026-08-15' })).toBe(
      'publishConclusion',
    );
    expect(route(d, 'publishCheck', { ...pub, postingTo: '2026-08-16', denouncerIdentityRedacted: false })).toBe(
      'publishConclusion',
    );
    // The inclusive reading of "15 ngày liên tục" (UNCONFIRMED) is configurable: publicationMinDays = 14.
    expect(route(d, 'publishCheck', { ...pub, postingTo: '2026-08-15', publicationMinDays: 14 })).toBe(
      'publishConclusion.doc',
    );
  });
});
