/**
 * One writer per element type: definition node -> moddle element (without flow references,
 * which to-bpmn.ts wires once every element exists).
 */
import type { BpmnModdle, ModdleElement } from 'bpmn-moddle';
import { isClockRule, type DefinitionNode, type TimerSpec } from '../../workflows/engine/index.js';
import {
  clockRuleElement,
  defined,
  extensionElements,
  formElements,
  mappingElements,
  retryElements,
} from './write-extensions.js';

/** Shared state of one export: root-level messages and escalations are created once per name. */
export interface WriteContext {
  m: BpmnModdle;
  messages: Map<string, ModdleElement>;
  escalations: Map<string, ModdleElement>;
}

type Trigger =
  | { kind: 'timer'; timer: TimerSpec }
  | { kind: 'message'; messageName: string }
  | { kind: 'escalation'; escalationCode?: string | undefined };

function timerDefinition(m: BpmnModdle, spec: TimerSpec): ModdleElement {
  if (isClockRule(spec))
    return m.create('bpmn:TimerEventDefinition', {
      extensionElements: extensionElements(m, [clockRuleElement(m, spec)]),
    });
  return m.create('bpmn:TimerEventDefinition', {
    timeDuration: m.create('bpmn:FormalExpression', { body: spec.duration }),
  });
}

function eventDefinition(ctx: WriteContext, trigger: Trigger): ModdleElement {
  const { m } = ctx;
  switch (trigger.kind) {
    case 'timer':
      return timerDefinition(m, trigger.timer);
    case 'message': {
      let message = ctx.messages.get(trigger.messageName);
      if (!message) {
        message = m.create('bpmn:Message', { id: `Message_${trigger.messageName}`, name: trigger.messageName });
        ctx.messages.set(trigger.messageName, message);
      }
      return m.create('bpmn:MessageEventDefinition', { messageRef: message });
    }
    case 'escalation': {
      const code = trigger.escalationCode;
      if (code === undefined) return m.create('bpmn:EscalationEventDefinition');
      let escalation = ctx.escalations.get(code);
      if (!escalation) {
        escalation = m.create('bpmn:Escalation', { id: `Escalation_${code}`, name: code, escalationCode: code });
        ctx.escalations.set(code, escalation);
      }
      return m.create('bpmn:EscalationEventDefinition', { escalationRef: escalation });
    }
  }
}

/** Creates the moddle element of a node. Boundary `attachedToRef` and gateway `default` are wired later. */
export function writeNode(ctx: WriteContext, node: DefinitionNode): ModdleElement {
  const { m } = ctx;
  const base = defined({ id: node.id, name: node.name, legalBasis: node.legalBasis });
  switch (node.type) {
    case 'startEvent':
      return m.create(
        'bpmn:StartEvent',
        node.trigger
          ? {
              ...base,
              isInterrupting: node.trigger.interrupting,
              eventDefinitions: [eventDefinition(ctx, node.trigger)],
            }
          : base,
      );
    case 'endEvent':
      // A terminate end event is BPMN's terminateEventDefinition (BPMN 2.0 §10.5.3).
      return m.create(
        'bpmn:EndEvent',
        node.terminate
          ? { ...base, outcome: node.outcome, eventDefinitions: [m.create('bpmn:TerminateEventDefinition')] }
          : { ...base, outcome: node.outcome },
      );
    case 'userTask':
      return m.create(
        'bpmn:UserTask',
        defined({
          ...base,
          candidateRoles: node.candidateRoles.join(' '),
          agencyScope: node.agencyScope,
          extensionElements: extensionElements(m, [
            ...formElements(m, node.form),
            ...(node.due ? [clockRuleElement(m, node.due)] : []),
          ]),
        }),
      );
    case 'serviceTask':
      return m.create(
        'bpmn:ServiceTask',
        defined({
          ...base,
          activity: node.activity,
          extensionElements: extensionElements(m, [
            ...mappingElements(m, node.input, node.output),
            ...retryElements(m, node.retry),
          ]),
        }),
      );
    case 'callActivity':
      return m.create(
        'bpmn:CallActivity',
        defined({
          ...base,
          calledElement: node.calledKey,
          wait: node.wait,
          extensionElements: extensionElements(m, mappingElements(m, node.input, node.output)),
        }),
      );
    case 'exclusiveGateway':
      return m.create('bpmn:ExclusiveGateway', base);
    case 'parallelGateway':
      return m.create('bpmn:ParallelGateway', base);
    case 'intermediateCatchEvent':
      return m.create('bpmn:IntermediateCatchEvent', {
        ...base,
        eventDefinitions: [eventDefinition(ctx, node.trigger)],
      });
    case 'intermediateThrowEvent':
      return m.create('bpmn:IntermediateThrowEvent', {
        ...base,
        eventDefinitions: [eventDefinition(ctx, node.trigger)],
      });
    case 'boundaryEvent':
      return m.create('bpmn:BoundaryEvent', {
        ...base,
        cancelActivity: node.interrupting,
        eventDefinitions: [eventDefinition(ctx, node.trigger)],
      });
  }
}
