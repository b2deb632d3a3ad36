/**
 * Readers of the kntc extension elements: the inverse of write-extensions.ts. They produce
 * authored (unvalidated) data; validateDefinition checks it afterwards.
 */
import type { ModdleElement } from 'bpmn-moddle';

/** Drops undefined entries so absent XML attributes stay absent properties. */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** The `kntc:` extension elements of `el` with the given type (e.g. `kntc:ClockRule`). */
export function extensionsOf(el: ModdleElement | undefined, type: string): ModdleElement[] {
  const values: ModdleElement[] = el?.extensionElements?.values ?? [];
  return values.filter((v) => v.$type === type);
}

export function readClockRule(el: ModdleElement): Record<string, unknown> {
  const rungs: ModdleElement[] = el.rungs ?? [];
  return compact({
    ruleId: el.ruleId,
    legalBasis: el.legalBasis,
    amount: el.amount,
    unit: el.unit,
    from: el.from,
    rungs: rungs.length > 0 ? rungs.map((r) => ({ name: r.name, daysBefore: r.daysBefore })) : undefined,
    suspensionBasis: el.suspensionBasis,
    suspendableFrom: el.suspendableFrom,
    follows: el.follows,
    extension: el.extension
      ? compact({
          maxExtensions: el.extension.maxExtensions,
          maxAmountEach: el.extension.maxAmountEach,
          legalBasis: el.extension.legalBasis,
          preset: el.extension.preset,
          presetVariable: el.extension.presetVariable,
          byLevel:
            el.extension.levelVariable === undefined
              ? undefined
              : {
                  variable: el.extension.levelVariable,
                  otherwise: el.extension.levelOtherwise,
                  levels: ((el.extension.levels ?? []) as ModdleElement[]).map((l) => ({
                    value: l.value,
                    maxExtensions: l.maxExtensions,
                    maxAmountEach: l.maxAmountEach,
                    legalBasis: l.legalBasis,
                  })),
                },
        })
      : undefined,
  });
}

export function readForm(task: ModdleElement): Record<string, unknown> | undefined {
  const form = extensionsOf(task, 'kntc:Form')[0];
  if (!form) return undefined;
  const fields: ModdleElement[] = form.fields ?? [];
  return {
    fields: fields.map((f) => {
      const values: ModdleElement[] = f.values ?? [];
      return compact({
        name: f.name,
        label: f.label,
        type: f.fieldType,
        required: f.required ?? false,
        itemType: f.itemType,
        notBefore: typeof f.notBefore === 'string' ? f.notBefore.split(' ').filter(Boolean) : undefined,
        notAfter: typeof f.notAfter === 'string' ? f.notAfter.split(' ').filter(Boolean) : undefined,
        values: values.length > 0 ? values.map((v) => v.value) : undefined,
      });
    }),
  };
}

export function readMappings(el: ModdleElement): { input: Record<string, string>; output: Record<string, string> } {
  const input: Record<string, string> = {};
  const output: Record<string, string> = {};
  for (const i of extensionsOf(el, 'kntc:Input')) input[i.name] = i.expression;
  for (const o of extensionsOf(el, 'kntc:Output')) output[o.variable] = o.source;
  return { input, output };
}

export function readRetry(el: ModdleElement): Record<string, unknown> | undefined {
  const retry = extensionsOf(el, 'kntc:Retry')[0];
  if (!retry) return undefined;
  const types: string | undefined = retry.nonRetryableErrorTypes;
  return compact({
    maximumAttempts: retry.maximumAttempts,
    initialInterval: retry.initialInterval,
    backoffCoefficient: retry.backoffCoefficient,
    maximumInterval: retry.maximumInterval,
    nonRetryableErrorTypes: types === undefined ? undefined : types.split(/\s+/).filter(Boolean),
  });
}
