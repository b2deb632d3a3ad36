import { describe, expect, it } from 'vitest';
import { validateFormData, type FormSchema } from '../../../workflows/engine/index.js';

const form: FormSchema = {
  fields: [
    { name: 'decision', type: 'enum', required: true, values: ['accept', 'reject'] },
    { name: 'decidedOn', type: 'date', required: true },
    { name: 'note', type: 'string', required: false },
    { name: 'pages', type: 'number', required: false },
    { name: 'urgent', type: 'boolean', required: false },
    { name: 'docs', type: 'array', itemType: 'string', required: false },
    { name: 'channels', type: 'array', itemType: 'enum', values: ['post', 'online'], required: false },
  ],
};

describe('validateFormData', () => {
  it('accepts complete, well-typed data', () => {
    const data = {
      decision: 'accept',
      decidedOn: '2026-11-27',
      note: 'ok',
      pages: 3,
      urgent: false,
      docs: ['a.pdf'],
      channels: ['post'],
    };
    expect(validateFormData(form, data)).toEqual({ ok: true, data });
  });

  it('accepts data with only the required fields', () => {
    expect(validateFormData(form, { decision: 'reject', decidedOn: '2026-01-31' }).ok).toBe(true);
  });

  it.each([
    ['a missing required field', { decidedOn: '2026-11-27' }, 'decision', /required field 'decision' is missing/],
    ['a value outside the enum', { decision: 'maybe', decidedOn: '2026-11-27' }, 'decision', /decision:/],
    ['an impossible date', { decision: 'accept', decidedOn: '2026-02-30' }, 'decidedOn', /not a real calendar date/],
    ['a date in another format', { decision: 'accept', decidedOn: '27/11/2026' }, 'decidedOn', /YYYY-MM-DD/],
    ['a string where a number belongs', { decision: 'accept', decidedOn: '2026-11-27', pages: '3' }, 'pages', /pages:/],
    ['a non-finite number', { decision: 'accept', decidedOn: '2026-11-27', pages: Infinity }, 'pages', /pages:/],
    [
      'a bad array item',
      { decision: 'accept', decidedOn: '2026-11-27', channels: ['fax'] },
      'channels.0',
      /channels\.0:/,
    ],
    [
      'an unknown field',
      { decision: 'accept', decidedOn: '2026-11-27', secret: 1 },
      'secret',
      /unknown field 'secret'/,
    ],
  ])('rejects %s', (_name, data, field, message) => {
    const result = validateFormData(form, data);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it('rejects a non-object', () => {
    expect(validateFormData(form, 'accept').ok).toBe(false);
  });

  it('an empty form accepts only an empty object', () => {
    expect(validateFormData({ fields: [] }, {}).ok).toBe(true);
    expect(validateFormData({ fields: [] }, { x: 1 }).ok).toBe(false);
  });
});
