/**
 * Form schemas: the data an officer must submit to complete a user task.
 * A deliberately small, JSON-schema-like field list (see form-data.ts for the runtime check).
 */
import { z } from 'zod';
import { identifierSchema } from './primitives.js';

export const SCALAR_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;
export const FIELD_TYPES = [...SCALAR_FIELD_TYPES, 'array'] as const;
export type ScalarFieldType = (typeof SCALAR_FIELD_TYPES)[number];
export type FieldType = (typeof FIELD_TYPES)[number];

/** The day a date constraint refers to: `today` or the name of a field, variable or case event. */
export const TODAY = 'today';
export const dateRefSchema = identifierSchema;

export const formFieldSchema = z
  .strictObject({
    name: identifierSchema,
    label: z.string().optional(),
    type: z.enum(FIELD_TYPES),
    required: z.boolean().default(false),
    /** Allowed values: required for `enum` fields and for arrays of `enum`. */
    values: z.array(z.string().min(1)).min(1, 'must list at least one value').optional(),
    /** Element type of an `array` field. */
    itemType: z.enum(SCALAR_FIELD_TYPES).optional(),
    /**
     * `date` fields: days the value may not precede. Each reference is `today` or the name of a
     * date the case knows when the form is submitted — another field of the same form, a case
     * variable (earlier forms' fields) or a case event (`received`, `accepted`, ...). A reference
     * without a value is skipped (an optional earlier date that was not given).
     */
    notBefore: z.array(dateRefSchema).min(1).optional(),
    /** `date` fields: days the value may not follow; `today` (Vietnam) for a date that records a past act. */
    notAfter: z.array(dateRefSchema).min(1).optional(),
  })
  .superRefine((field, ctx) => {
    const isArray = field.type === 'array';
    const needsValues = field.type === 'enum' || (isArray && field.itemType === 'enum');
    if (isArray && !field.itemType)
      ctx.addIssue({ code: 'custom', path: ['itemType'], message: `array field '${field.name}' needs an itemType` });
    if (!isArray && field.itemType)
      ctx.addIssue({
        code: 'custom',
        path: ['itemType'],
        message: `only array fields take an itemType ('${field.name}' is ${field.type})`,
      });
    if (needsValues && !field.values)
      ctx.addIssue({ code: 'custom', path: ['values'], message: `enum field '${field.name}' needs values` });
    if (!needsValues && field.values)
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `only enum fields take values ('${field.name}' is ${field.type})`,
      });
    for (const key of ['notBefore', 'notAfter'] as const) {
      if (field[key] && field.type !== 'date')
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `only date fields take ${key} ('${field.name}' is ${field.type})`,
        });
      if (field[key]?.includes(field.name))
        ctx.addIssue({ code: 'custom', path: [key], message: `date field '${field.name}' cannot refer to itself` });
    }
    if (field.values && new Set(field.values).size !== field.values.length) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `enum field '${field.name}' has duplicate values` });
    }
  });
/** One form field. `date` values are YYYY-MM-DD strings. */
export type FormField = z.infer<typeof formFieldSchema>;

export const formSchemaSchema = z.strictObject({ fields: z.array(formFieldSchema) }).superRefine((form, ctx) => {
  const seen = new Set<string>();
  const names = new Set(form.fields.map((f) => f.name));
  form.fields.forEach((f, i) => {
    for (const key of ['notBefore', 'notAfter'] as const) {
      for (const ref of f[key] ?? []) {
        const other = form.fields.find((o) => o.name === ref);
        if (names.has(ref) && other?.type !== 'date')
          ctx.addIssue({
            code: 'custom',
            path: ['fields', i, key],
            message: `'${f.name}' ${key} '${ref}', which is not a date field of this form`,
          });
      }
    }
    if (seen.has(f.name))
      ctx.addIssue({ code: 'custom', path: ['fields', i, 'name'], message: `duplicate form field '${f.name}'` });
    seen.add(f.name);
  });
});
/** The form of a user task: an ordered list of uniquely named fields. */
export type FormSchema = z.infer<typeof formSchemaSchema>;
