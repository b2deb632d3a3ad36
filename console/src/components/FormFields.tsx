/**
 * A task's form rendered from the form schema the API returns (workflows/engine/form-schema.ts): text, number,
 * boolean, date and enum fields (arrays as a comma-separated list). The API validates; its 422 messages are
 * shown next to the fields they name.
 */
import { Checkbox, NativeSelect, NumberInput, Stack, TextInput } from '@mantine/core';
import { useT } from '../i18n.js';

export interface FormField {
  name: string;
  label?: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'array';
  required?: boolean;
  values?: string[];
  itemType?: string;
}
export type FormValues = Record<string, unknown>;

export function fieldsOf(form: unknown): FormField[] {
  const f = (form as { fields?: unknown } | null | undefined)?.fields;
  return Array.isArray(f) ? (f as FormField[]) : [];
}

/** Field name → messages, from a problem's `errors` (paths) or its detail ("field: …; required field 'x' …"). */
export function fieldErrors(
  problem: { detail?: string; errors?: { path: string; message: string }[] } | undefined,
  names: string[],
): { byField: Record<string, string[]>; rest: string[] } {
  const byField: Record<string, string[]> = {};
  const rest: string[] = [];
  const add = (field: string | undefined, msg: string) => {
    if (field && names.includes(field)) (byField[field] ??= []).push(msg);
    else rest.push(msg);
  };
  for (const e of problem?.errors ?? []) add(e.path.split('.').pop(), e.message);
  const detail = (problem?.detail ?? '').replace(/^invalid form data:\s*/, '');
  if (!problem?.errors?.length && detail) {
    for (const part of detail.split('; ')) {
      const m = /(?:required|unknown) field '([\w.]+)'/.exec(part) ?? /^([\w.]+):/.exec(part);
      add(m?.[1]?.split('.')[0], part);
    }
  }
  return { byField, rest };
}

/** The values to send: empty inputs left out, numbers and lists converted. */
export function formData(fields: FormField[], values: FormValues): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined || v === '' || v === null) continue;
    if (f.type === 'array')
      out[f.name] = String(v)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => (f.itemType === 'number' ? Number(s) : s));
    else out[f.name] = v;
  }
  return out;
}

export function FormFields(props: {
  fields: FormField[];
  values: FormValues;
  onChange: (v: FormValues) => void;
  errors: Record<string, string[]>;
}) {
  const { t } = useT();
  const { fields, values, onChange, errors } = props;
  const set = (name: string, v: unknown) => onChange({ ...values, [name]: v });
  return (
    <Stack gap="sm">
      {fields.map((f) => {
        const label = f.label ?? f.name;
        const error = errors[f.name]?.join('; ');
        const common = { label, required: f.required ?? false, error, name: f.name, 'data-field': f.name };
        switch (f.type) {
          case 'boolean':
            return (
              <Checkbox
                key={f.name}
                {...common}
                checked={values[f.name] === true}
                onChange={(e) => set(f.name, e.currentTarget.checked)}
              />
            );
          case 'enum':
            return (
              <NativeSelect
                key={f.name}
                {...common}
                value={String(values[f.name] ?? '')}
                onChange={(e) => set(f.name, e.currentTarget.value)}
                data={[{ value: '', label: t('choose') }, ...(f.values ?? []).map((v) => ({ value: v, label: v }))]}
              />
            );
          case 'number':
            return (
              <NumberInput
                key={f.name}
                {...common}
                value={(values[f.name] as number | undefined) ?? ''}
                onChange={(v) => set(f.name, typeof v === 'number' ? v : undefined)}
              />
            );
          case 'date':
            return (
              <TextInput
                key={f.name}
                {...common}
                type="date"
                value={String(values[f.name] ?? '')}
                onChange={(e) => set(f.name, e.currentTarget.value)}
              />
            );
          default:
            return (
              <TextInput
                key={f.name}
                {...common}
                description={f.type === 'array' ? (f.values ?? []).join(', ') || undefined : undefined}
                value={String(values[f.name] ?? '')}
                onChange={(e) => set(f.name, e.currentTarget.value)}
              />
            );
        }
      })}
    </Stack>
  );
}
