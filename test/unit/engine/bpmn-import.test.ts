import { describe, expect, it } from 'vitest';
import { fromBpmnXml } from '../../../processes/bpmn/index.js';

const header = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:kntc="https://kntc-flow.vn/schema/bpmn" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">`;
const info = `<bpmn:extensionElements><kntc:processInfo version="1" caseType="petition" effectiveFrom="2026-01-01" /></bpmn:extensionElements>`;

const doc = (body: string, roots = '') =>
  `${header}${roots}<bpmn:process id="hand-made" name="Hand made" isExecutable="true">${info}${body}</bpmn:process></bpmn:definitions>`;

describe('fromBpmnXml', () => {
  it('imports hand-written BPMN (e.g. from Camunda Modeler) with a diagram', async () => {
    const xml = `${header}
  <bpmn:process id="hand-made" name="Hand made" isExecutable="true">${info}
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="Review" kntc:candidateRoles="officer head" kntc:agencyScope="resolving">
      <bpmn:extensionElements>
        <kntc:form><kntc:formField name="ok" fieldType="boolean" required="true" /></kntc:form>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" kntc:outcome="done" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="hand-made">
    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="0" y="0" width="36" height="36" /></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
    const result = await fromBpmnXml(xml);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.definition).toMatchObject({ key: 'hand-made', version: 1, caseType: 'petition', name: 'Hand made' });
    expect(result.definition.nodes[1]).toEqual({
      type: 'userTask',
      id: 'review',
      name: 'Review',
      candidateRoles: ['officer', 'head'],
      agencyScope: 'resolving',
      form: { fields: [{ name: 'ok', type: 'boolean', required: true }] },
    });
  });

  it('lists every unsupported element with its type and id', async () => {
    const xml = doc(
      `
      <bpmn:startEvent id="start" />
      <bpmn:subProcess id="sub1" />
      <bpmn:scriptTask id="script1" />
      <bpmn:inclusiveGateway id="incl1" />
      <bpmn:intermediateCatchEvent id="signal1"><bpmn:signalEventDefinition /></bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="err1" kntc:outcome="x"><bpmn:errorEventDefinition /></bpmn:endEvent>
      <bpmn:userTask id="multi1" name="M" kntc:candidateRoles="a" kntc:agencyScope="receiving"><bpmn:multiInstanceLoopCharacteristics /></bpmn:userTask>
      <bpmn:serviceTask id="camunda1" kntc:activity="x" camunda:type="external" />
      <bpmn:intermediateCatchEvent id="cycle1"><bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:textAnnotation id="note1"><bpmn:text>hi</bpmn:text></bpmn:textAnnotation>`,
      '<bpmn:signal id="sig" name="s" />',
    );
    const result = await fromBpmnXml(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.errors.map((e) => e.message);
    for (const expected of [
      "unsupported element: bpmn:Signal 'sig'",
      "unsupported element: bpmn:SubProcess 'sub1'",
      "unsupported element: bpmn:ScriptTask 'script1'",
      "unsupported element: bpmn:InclusiveGateway 'incl1'",
      "unsupported bpmn:SignalEventDefinition on: bpmn:IntermediateCatchEvent 'signal1'",
      "unsupported bpmn:ErrorEventDefinition on: bpmn:EndEvent 'err1'",
      "unsupported loopCharacteristics on: bpmn:UserTask 'multi1'",
      "unsupported attribute camunda:type on: bpmn:ServiceTask 'camunda1'",
      "unsupported timeDate/timeCycle timer on: bpmn:IntermediateCatchEvent 'cycle1'",
      "unsupported element: bpmn:TextAnnotation 'note1'",
    ])
      expect(messages).toContain(expected);
    expect(result.errors.find((e) => e.message.includes("'sub1'"))?.elementId).toBe('sub1');
  });

  it('reads a terminate end event (terminateEventDefinition) as endEvent terminate: true', async () => {
    const xml = doc(`
      <bpmn:startEvent id="start" />
      <bpmn:endEvent id="stop" kntc:outcome="withdrawn"><bpmn:terminateEventDefinition /></bpmn:endEvent>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="stop" />`);
    const result = await fromBpmnXml(xml);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.definition.nodes[1]).toEqual({ type: 'endEvent', id: 'stop', outcome: 'withdrawn', terminate: true });
  });

  it('reports foreign extension elements and lanes', async () => {
    const xml = `${header}<bpmn:process id="p1" isExecutable="true">
      <bpmn:extensionElements><kntc:processInfo version="1" caseType="petition" effectiveFrom="2026-01-01" /><camunda:properties /></bpmn:extensionElements>
      <bpmn:laneSet id="lanes"><bpmn:lane id="lane1" /></bpmn:laneSet>
      <bpmn:startEvent id="start" /></bpmn:process></bpmn:definitions>`;
    const result = await fromBpmnXml(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/unsupported extension element <camunda:properties> on: bpmn:Process 'p1'/),
        "unsupported element: bpmn:LaneSet 'lanes'",
      ]),
    );
  });

  it('rejects collaborations and documents without exactly one process', async () => {
    const result = await fromBpmnXml(`${header}<bpmn:collaboration id="collab" /></bpmn:definitions>`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message)).toEqual([
      "unsupported element: bpmn:Collaboration 'collab'",
      'expected exactly one bpmn:Process, found 0',
    ]);
  });

  it('rejects malformed XML without throwing', async () => {
    const result = await fromBpmnXml('<bpmn:definitions');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors[0]!.message).toMatch(/^not a readable BPMN 2.0 document|unsupported or unreadable XML/);
  });

  it('requires the kntc:processInfo extension', async () => {
    const xml = `${header}<bpmn:process id="p1"><bpmn:startEvent id="s" /></bpmn:process></bpmn:definitions>`;
    const result = await fromBpmnXml(xml);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors).toContainEqual({
        path: 'process',
        elementId: 'p1',
        message: expect.stringMatching(/has no kntc:processInfo extension/),
      });
  });

  it('validates what it read: errors name the element', async () => {
    const xml = doc(`
      <bpmn:startEvent id="start" />
      <bpmn:exclusiveGateway id="xor" />
      <bpmn:endEvent id="a" kntc:outcome="a" /><bpmn:endEvent id="b" kntc:outcome="b" />
      <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="xor" />
      <bpmn:sequenceFlow id="fa" sourceRef="xor" targetRef="a"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">x &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="fb" sourceRef="xor" targetRef="b"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">x &lt;= 1</bpmn:conditionExpression></bpmn:sequenceFlow>`);
    const result = await fromBpmnXml(xml);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors).toEqual([
        expect.objectContaining({
          elementId: 'xor',
          message: "exclusiveGateway 'xor': branches into 2 flows but has no default flow",
        }),
      ]);
  });

  it('rejects variables whose value is not JSON', async () => {
    const xml = `${header}<bpmn:process id="p1"><bpmn:extensionElements><kntc:processInfo version="1" caseType="petition" effectiveFrom="2026-01-01"><kntc:variable name="x" value="{oops" /></kntc:processInfo></bpmn:extensionElements></bpmn:process></bpmn:definitions>`;
    const result = await fromBpmnXml(xml);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toMatch(/kntc:variable 'x': value is not JSON/);
  });
});
