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
  })
  .superRefine((field, ctx) => {
    const isArray = field.type === 'array';
    const needsValues = field.type === 'enum' || (isArray && field.itemType === 'enum');
    if (isArray && !field.itemType) ctx.addIssue({ code: 'custom', path: ['itemType'], message: `array field '${field.name}' needs an itemType` });
    if (!isArray && field.itemType) ctx.addIssue({ code: 'custom', path: ['itemType'], message: `only array fields take an itemType ('${field.name}' is ${field.type})` });
    if (needsValues && !field.values) ctx.addIssue({ code: 'custom', path: ['values'], message: `enum field '${field.name}' needs values` });
    if (!needsValues && field.values) ctx.addIssue({ code: 'custom', path: ['values'], message: `only enum fields take values ('${field.name}' is ${field.type})` });
    if (field.values && new Set(field.values).size !== field.values.length) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `enum field '${field.name}' has duplicate values` });
    }
  });
/** One form field. `date` values are YYYY-MM-DD strings. */
export type FormField = z.infer<typeof formFieldSchema>;

export const formSchemaSchema = z
  .strictObject({ fields: z.array(formFieldSchema) })
  .superRefine((form, ctx) => {
    const seen = new Set<string>();
    form.fields.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'name'], message: `duplicate form field '${f.name}'` });
      seen.add(f.name);
    });
  });
/** The form of a user task: an ordered list of uniquely named fields. */
export type FormSchema = z.infer<typeof formSchemaSchema>;
