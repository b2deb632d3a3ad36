/**
 * Writers of the kntc extension elements (clock rules, forms, mappings, retry, process info).
 */
import type { BpmnModdle, ModdleElement } from 'bpmn-moddle';
import type { ClockRule, FormSchema, JsonValue, RetryPolicy } from '../../workflows/engine/index.js';

/** Copies the defined entries of `props` (moddle would otherwise write `undefined` attributes). */
export function defined(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

/** A `bpmn:extensionElements` holding `values`, or undefined when there are none. */
export function extensionElements(m: BpmnModdle, values: ModdleElement[]): ModdleElement | undefined {
  return values.length > 0 ? m.create('bpmn:ExtensionElements', { values }) : undefined;
}

export function clockRuleElement(m: BpmnModdle, rule: ClockRule): ModdleElement {
  return m.create(
    'kntc:ClockRule',
    defined({
      ruleId: rule.ruleId,
      legalBasis: rule.legalBasis,
      amount: rule.amount,
      unit: rule.unit,
      from: rule.from,
      suspensionBasis: rule.suspensionBasis,
      suspendableFrom: rule.suspendableFrom,
      follows: rule.follows,
      rungs: rule.rungs?.map((r) => m.create('kntc:Rung', { name: r.name, daysBefore: r.daysBefore })),
      extension: rule.extension && extensionPolicyElement(m, rule.extension),
    }),
  );
}

function extensionPolicyElement(m: BpmnModdle, policy: NonNullable<ClockRule['extension']>): ModdleElement {
  const { byLevel, ...rest } = policy;
  return m.create(
    'kntc:ExtensionPolicy',
    defined({
      ...rest,
      levelVariable: byLevel?.variable,
      levelOtherwise: byLevel?.otherwise,
      levels: byLevel?.levels.map((l) => m.create('kntc:ExtensionLevel', { ...l })),
    }),
  );
}

export function formElements(m: BpmnModdle, form: FormSchema): ModdleElement[] {
  if (form.fields.length === 0) return [];
  const fields = form.fields.map((f) =>
    m.create(
      'kntc:FormField',
      defined({
        name: f.name,
        label: f.label,
        fieldType: f.type,
        required: f.required,
        itemType: f.itemType,
        notBefore: f.notBefore?.join(' '),
        notAfter: f.notAfter?.join(' '),
        values: f.values?.map((value) => m.create('kntc:FormValue', { value })),
      }),
    ),
  );
  return [m.create('kntc:Form', { fields })];
}

export function mappingElements(
  m: BpmnModdle,
  input: Record<string, string>,
  output: Record<string, string>,
): ModdleElement[] {
  return [
    ...Object.entries(input).map(([name, expression]) => m.create('kntc:Input', { name, expression })),
    ...Object.entries(output).map(([variable, source]) => m.create('kntc:Output', { variable, source })),
  ];
}

export function retryElements(m: BpmnModdle, retry: RetryPolicy | undefined): ModdleElement[] {
  if (!retry) return [];
  return [
    m.create(
      'kntc:Retry',
      defined({
        ...retry,
        nonRetryableErrorTypes: retry.nonRetryableErrorTypes?.join(' '),
      }),
    ),
  ];
}

export function processInfoElement(
  m: BpmnModdle,
  d: {
    version: number;
    caseType: string;
    effectiveFrom: string;
    effectiveTo?: string | undefined;
    variables: Record<string, JsonValue>;
  },
): ModdleElement {
  return m.create(
    'kntc:ProcessInfo',
    defined({
      version: d.version,
      caseType: d.caseType,
      effectiveFrom: d.effectiveFrom,
      effectiveTo: d.effectiveTo,
      variables: Object.entries(d.variables).map(([name, value]) =>
        m.create('kntc:Variable', { name, value: JSON.stringify(value) }),
      ),
    }),
  );
}
