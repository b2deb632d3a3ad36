/**
 * One reader per BPMN element type: moddle element -> authored definition node. Only elements
 * that passed unsupported.ts reach here.
 */
import type { ModdleElement } from 'bpmn-moddle';
import { compact, extensionsOf, readClockRule, readForm, readMappings, readRetry } from './read-extensions.js';

type Node = Record<string, unknown>;

function readTrigger(el: ModdleElement): Record<string, unknown> | undefined {
  const def: ModdleElement | undefined = el.eventDefinitions?.[0];
  if (!def) return undefined;
  switch (def.$type) {
    case 'bpmn:TimerEventDefinition': {
      const rule = extensionsOf(def, 'kntc:ClockRule')[0];
      return { kind: 'timer', timer: rule ? readClockRule(rule) : { duration: def.timeDuration?.body } };
    }
    case 'bpmn:MessageEventDefinition':
      return { kind: 'message', messageName: def.messageRef?.name ?? def.messageRef?.id };
    case 'bpmn:EscalationEventDefinition':
      return compact({ kind: 'escalation', escalationCode: def.escalationRef?.escalationCode });
    default:
      return undefined;
  }
}

const readers: Record<string, (el: ModdleElement, base: Node) => Node> = {
  'bpmn:StartEvent': (el, base) => {
    const trigger = readTrigger(el);
    return trigger
      ? { ...base, type: 'startEvent', trigger: { ...trigger, interrupting: el.isInterrupting ?? true } }
      : { ...base, type: 'startEvent' };
  },
  'bpmn:EndEvent': (el, base) => {
    const terminate = (el.eventDefinitions ?? []).some(
      (d: ModdleElement) => d.$type === 'bpmn:TerminateEventDefinition',
    );
    return terminate
      ? { ...base, type: 'endEvent', outcome: el.outcome, terminate: true }
      : { ...base, type: 'endEvent', outcome: el.outcome };
  },
  'bpmn:UserTask': (el, base) => {
    const roles: string = el.candidateRoles ?? '';
    const due = extensionsOf(el, 'kntc:ClockRule')[0];
    return compact({
      ...base,
      type: 'userTask',
      candidateRoles: roles.split(/\s+/).filter(Boolean),
      agencyScope: el.agencyScope,
      form: readForm(el),
      due: due ? readClockRule(due) : undefined,
    });
  },
  'bpmn:ServiceTask': (el, base) =>
    compact({ ...base, type: 'serviceTask', activity: el.activity, ...readMappings(el), retry: readRetry(el) }),
  'bpmn:CallActivity': (el, base) =>
    compact({ ...base, type: 'callActivity', calledKey: el.calledElement, wait: el.wait ?? true, ...readMappings(el) }),
  'bpmn:ExclusiveGateway': (el, base) => compact({ ...base, type: 'exclusiveGateway', default: el.default?.id }),
  'bpmn:ParallelGateway': (_el, base) => ({ ...base, type: 'parallelGateway' }),
  'bpmn:IntermediateCatchEvent': (el, base) => ({ ...base, type: 'intermediateCatchEvent', trigger: readTrigger(el) }),
  'bpmn:IntermediateThrowEvent': (el, base) => ({ ...base, type: 'intermediateThrowEvent', trigger: readTrigger(el) }),
  'bpmn:BoundaryEvent': (el, base) => ({
    ...base,
    type: 'boundaryEvent',
    attachedTo: el.attachedToRef?.id,
    interrupting: el.cancelActivity ?? true,
    trigger: readTrigger(el),
  }),
};

/** Reads a supported flow node (not a sequence flow). */
export function readNode(el: ModdleElement): Node {
  const base = compact({ id: el.id, name: el.name, legalBasis: el.legalBasis });
  const reader = readers[el.$type];
  if (!reader) throw new Error(`no reader for ${el.$type}`); // unreachable: unsupported.ts filters first
  return reader(el, base);
}

/** Reads a sequence flow. */
export function readFlow(el: ModdleElement): Node {
  return compact({
    id: el.id,
    name: el.name,
    legalBasis: el.legalBasis,
    source: el.sourceRef?.id,
    target: el.targetRef?.id,
    condition: el.conditionExpression?.body,
  });
}
