/**
 * Petitions and feedback (kiến nghị, phản ánh), spec §5.4, master table C1, C2, C7.
 * Acceptance or transfer and the 10-WD notice (TCD Art 26(2), 28(1)). The substantive response
 * has no general statutory deadline (UNCONFIRMED, C7): the built-in version has none; an agency
 * registers its own version with {@link petitionDefinition}({ responseDeadline }) — the clock
 * model takes fixed amounts, so the configuration lives in the definition, not in a variable.
 */
import type { ClockUnit, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import {
  GraphBuilder,
  ROLE,
  addOverdueHandler,
  caseEnd,
  clock,
  definition,
  field,
  recordDocument,
  recordEvent,
  userTask,
  when,
} from './build.js';
import { C2 } from './complaint.js';
import { C1 } from './letter.js';
import { ART } from './law.js';

/** Agency configuration of the substantive response (C7, UNCONFIRMED in law). */
export interface PetitionConfig {
  /** Definition key (an agency version: e.g. `petition-hanoi-tnmt`). Default `petition`. */
  key?: string;
  version?: number;
  effectiveFrom?: string;
  effectiveTo?: string;
  /** Response deadline counted from acceptance; absent = no clock (no statutory default). */
  responseDeadline?: { amount: number; unit: ClockUnit; legalBasis: string };
}

/** Builds a petition definition; without config: the built-in one. */
export function petitionDefinition(config: PetitionConfig = {}): ProcessDefinitionInput {
  const g = new GraphBuilder();
  const response = config.responseDeadline
    ? clock(
        'C7',
        config.responseDeadline.legalBasis,
        config.responseDeadline.amount,
        config.responseDeadline.unit,
        'accepted',
      )
    : undefined;
  g.add(
    { type: 'startEvent', id: 'start', name: 'Petition / feedback received' },
    userTask(
      'accept',
      'Accept or transfer the petition',
      [ROLE.letterOfficer, ROLE.resolver],
      'resolving',
      [
        field.oneOf('petitionDecision', ['accept', 'transfer'], 'Tiếp nhận / chuyển', true),
        field.date('decidedOn', 'Ngày', true, when.past()),
        field.str('competentBodyRef', 'Cơ quan có thẩm quyền (nếu chuyển)'),
      ],
      { due: C1, legalBasis: `${ART.tcdClassification}(2)` },
    ),
  );
  g.flow('start', 'accept');
  g.choice(
    'decision',
    'Accepted?',
    [{ to: 'accepted', when: 'petitionDecision = "accept"', legalBasis: ART.tcdClassification }],
    { to: 'transfer.doc', name: 'transfer (Mẫu 06)' },
  );
  g.flow('accept', 'decision');
  g.add(
    recordDocument('transfer.doc', {
      type: 'petition_transfer',
      recipients: ['competent_body', 'citizen_or_representative'],
      legalBasis: `${ART.tcdClassification}(2); ${ART.tcdOutcomeNotice}`,
      issuedOn: 'decidedOn',
      sentOn: 'decidedOn',
    }),
    // Transferred to the competent body with the notice to the citizen (TCD Art 26(2), 28(1)): the case ends here.
    caseEnd('end.transferred', 'transferred', `${ART.tcdClassification}(2); ${ART.tcdOutcomeNotice}`),
    recordEvent('accepted', 'accepted', 'decidedOn', ART.tcdClassification),
    recordDocument('accepted.doc', {
      type: 'petition_acceptance_notice',
      recipients: ['citizen_or_representative'],
      legalBasis: ART.tcdOutcomeNotice,
      issuedOn: 'decidedOn',
      sentOn: 'decidedOn',
    }),
    userTask(
      'respond',
      'Answer the petition / feedback',
      [ROLE.resolver],
      'resolving',
      [
        field.date('respondedOn', 'Ngày trả lời', true, when.past('decidedOn')),
        field.str('responseRef', 'Văn bản trả lời', true),
        field.bool('measuresTaken', 'Đã có biện pháp xử lý'),
      ],
      response ? { due: response } : { legalBasis: ART.petitionResponse },
    ),
    recordEvent('responded', 'resolved', 'respondedOn', ART.petitionResponse),
    recordDocument('respond.doc', {
      type: 'petition_response',
      recipients: ['citizen_or_representative'],
      legalBasis: response?.legalBasis ?? ART.petitionResponse,
      issuedOn: 'respondedOn',
      sentOn: 'respondedOn',
    }),
    userTask(
      'informForwarder',
      'Inform the forwarding deputy / body of the result',
      [ROLE.letterOfficer],
      'resolving',
      [field.date('forwarderInformedOn', 'Ngày thông báo', true, when.past('respondedOn'))],
      { due: C2('resolved') },
    ),
    recordDocument('informForwarder.doc', {
      type: 'result_to_forwarder',
      recipients: ['forwarding_body'],
      legalBasis: 'Luật Tiếp công dân 2013 Art 27(2)',
      issuedOn: 'forwarderInformedOn',
      sentOn: 'forwarderInformedOn',
    }),
    // Answered, and the forwarder told the result where one must be (TCD Art 27(2)): the case ends here.
    caseEnd('end.answered', 'answered', `${ART.petitionResponse}; Luật Tiếp công dân 2013 Art 27(2)`),
  );
  g.chain('transfer.doc', 'end.transferred');
  g.chain('accepted', 'accepted.doc', 'respond', 'responded', 'respond.doc', 'forwarded');
  g.choice(
    'forwarded',
    'Forwarded by a deputy or an elected body?',
    [
      {
        to: 'informForwarder',
        legalBasis: 'Luật Tiếp công dân 2013 Art 27(2)',
        when: 'list contains(["national_assembly_deputy", "people_council_deputy", "reception_board"], forwardedBy)',
      },
    ],
    { to: 'end.answered' },
  );
  g.chain('informForwarder', 'informForwarder.doc', 'end.answered');
  addOverdueHandler(g);
  return definition(
    {
      key: config.key ?? 'petition',
      version: config.version ?? 1,
      name: 'Xử lý kiến nghị, phản ánh',
      caseType: 'petition',
      effectiveFrom: config.effectiveFrom ?? '2014-07-01',
      ...(config.effectiveTo ? { effectiveTo: config.effectiveTo } : {}),
      legalBasis: 'Luật Tiếp công dân 2013 Art 26-28; substantive response deadline UNCONFIRMED (spec §5.4)',
      variables: { forwardedBy: 'none', overdue: false, responseDeadlineConfigured: response !== undefined },
    },
    g,
  );
}
