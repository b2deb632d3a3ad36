/**
 * Runtime validation of submitted form data against a {@link FormSchema}, compiled to zod.
 * Used by the task-completion Update validator, so it must stay pure and deterministic.
 */
import { z } from 'zod';
import type { FormField, FormSchema, ScalarFieldType } from './form-schema.js';
import { isoDateSchema, type JsonValue } from './primitives.js';

/** One problem with submitted form data. `field` is '' for whole-form problems. */
export interface FormDataError {
  field: string;
  message: string;
}

/** Outcome of {@link validateFormData}. */
export type FormDataResult = { ok: true; data: Record<string, JsonValue> } | { ok: false; errors: FormDataError[] };

function scalarSchema(type: ScalarFieldType, values: readonly string[] | undefined): z.ZodType<JsonValue> {
  switch (type) {
    case 'string':
      return z.string();
    case 'number':
      return z.number().refine(Number.isFinite, 'must be a finite number');
    case 'boolean':
      return z.boolean();
    case 'date':
      return isoDateSchema;
    case 'enum':
      return z.enum((values ?? []) as [string, ...string[]]);
  }
}

function fieldSchema(field: FormField): z.ZodType<JsonValue | undefined> {
  const base: z.ZodType<JsonValue> =
    field.type === 'array'
      ? z.array(scalarSchema(field.itemType ?? 'string', field.values))
      : scalarSchema(field.type, field.values);
  return field.required ? base : base.optional();
}

/** Compiles a form schema into a strict zod object (unknown fields are rejected). */
export function compileFormSchema(form: FormSchema): z.ZodType<Record<string, JsonValue>> {
  const shape: Record<string, z.ZodType<JsonValue | undefined>> = {};
  for (const field of form.fields) shape[field.name] = fieldSchema(field);
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, JsonValue>>;
}

/**
 * Validates officer-submitted data against a task's form.
 * Missing required fields, wrong types, values outside an enum and unknown fields are errors.
 */
export function validateFormData(form: FormSchema, data: unknown): FormDataResult {
  const parsed = compileFormSchema(form).safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FormDataError[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: key, message: `unknown field '${key}'` });
      continue;
    }
    const field = issue.path.map(String).join('.');
    const missing =
      issue.path.length === 1 &&
      typeof data === 'object' &&
      data !== null &&
      (data as Record<string, unknown>)[field] === undefined;
    errors.push({
      field,
      message: missing ? `required field '${field}' is missing` : `${field || 'form'}: ${issue.message}`,
    });
  }
  return { ok: false, errors };
}

/** What date constraints are checked against: today (Vietnam) and the dates the case already knows. */
export interface DateContext {
  /** Today in Vietnam, YYYY-MM-DD (in the workflow: its deterministic clock, plus a small tolerance). */
  today: string;
  /** The date a reference names outside the form (a case variable or a case event), if known. */
  known(name: string): string | undefined;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The declared date constraints of a form (`notBefore`, `notAfter` on its date fields) checked
 * against submitted data that already passed {@link validateFormData}: one error per broken rule,
 * naming the field, the rule and the day it refers to. A reference is resolved in the form's own
 * data first, then through `ctx.known`; one without a date is skipped.
 */
export function checkDateConstraints(
  form: FormSchema,
  data: Readonly<Record<string, unknown>>,
  ctx: DateContext,
): FormDataError[] {
  const errors: FormDataError[] = [];
  const dateOf = (ref: string): string | undefined => {
    if (ref === 'today') return ctx.today;
    const own = form.fields.some((f) => f.name === ref) ? data[ref] : ctx.known(ref);
    return typeof own === 'string' && ISO_DAY.test(own) ? own : undefined;
  };
  for (const field of form.fields) {
    const value = data[field.name];
    if (field.type !== 'date' || typeof value !== 'string') continue;
    for (const ref of field.notBefore ?? []) {
      const bound = dateOf(ref);
      if (bound !== undefined && value < bound) {
        errors.push({
          field: field.name,
          message: `${field.name}: ${value} is before ${ref === 'today' ? 'today' : ref} (${bound}); the rule notBefore ${ref} allows no earlier day`,
        });
      }
    }
    for (const ref of field.notAfter ?? []) {
      const bound = dateOf(ref);
      if (bound !== undefined && value > bound) {
        errors.push({
          field: field.name,
          message:
            ref === 'today'
              ? `${field.name}: ${value} is in the future (today is ${bound} in Vietnam); it records an act already done (rule notAfter today)`
              : `${field.name}: ${value} is after ${ref} (${bound}); the rule notAfter ${ref} allows no later day`,
        });
      }
    }
  }
  return errors;
}
