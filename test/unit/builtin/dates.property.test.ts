/**
 * No date bricks a case (issue 10 item 1, ADR 0017). Over EVERY date field of every user task of
 * every built-in definition, and every legal event each definition listens to, with dates from
 * decades back to decades ahead: each attempt ends refused up front (the API's 4xx, naming the
 * field and the rule) or in a consistent case — never in an error, which in processWorkflow would
 * be a failing workflow task. Accepted dates respect the declared rules (never before receipt,
 * never in the future where the field records a past act).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildView, msOf } from '../../../workflows/engine/runtime/index.js';
import { addDays } from '../../../workflows/clock/index.js';
import type { FormField, JsonValue, ProcessDefinition, UserTask } from '../../../workflows/engine/index.js';
import { drivingContract } from '../../../processes/builtin/index.js';
import { DEFS } from './helpers.js';
import { GrowingSession, type UpdateOutcome } from './session.js';

const RECEIVED = '2026-11-20';
const NOW = '2026-12-02T10:00:00';
const TODAY = '2026-12-02';
const YEARS_40 = 40 * 366;

/** Dates from 40 years back to 40 years ahead, with the days around receipt and today well represented. */
const dateArb = fc.oneof(
  fc.integer({ min: -YEARS_40, max: YEARS_40 }).map((d) => addDays(RECEIVED, d)),
  fc.integer({ min: -45, max: 45 }).map((d) => addDays(RECEIVED, d)),
  fc.constantFrom(RECEIVED, TODAY, addDays(TODAY, 1), addDays(RECEIVED, -1), '1990-01-01', '2069-12-31'),
);

function valueArb(f: FormField): fc.Arbitrary<JsonValue> {
  switch (f.type) {
    case 'date':
      return dateArb;
    case 'enum':
      return fc.constantFrom(...f.values!);
    case 'boolean':
      return fc.boolean();
    case 'number':
      return fc.integer({ min: 0, max: 20 });
    case 'string':
      return fc.constant('ref-1');
    case 'array':
      return f.itemType === 'enum' ? fc.subarray(f.values!, { minLength: 1 }) : fc.constant(['ref-1']);
  }
}

/** Form data: every required field, optional ones sometimes; all of the form's date fields vary. */
function formArb(fields: readonly FormField[]): fc.Arbitrary<Record<string, JsonValue>> {
  const entries = fields.map((f) =>
    f.required
      ? valueArb(f).map((v) => [f.name, v] as const)
      : fc.option(valueArb(f), { nil: undefined }).map((v) => [f.name, v] as const),
  );
  return fc
    .tuple(...entries)
    .map((kv) => Object.fromEntries(kv.filter(([, v]) => v !== undefined)) as Record<string, JsonValue>);
}

/** A case that is consistent: running or ended, every clock with a due day, the view and the next wake-up computable. */
function expectConsistent(s: GrowingSession): void {
  const st = s.runner.state;
  expect(['running', 'completed']).toContain(st.status);
  for (const t of st.timers) {
    if (t.clock && t.clock.status !== 'suspended') expect(t.clock.due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(t.dueAtMs === null || Number.isFinite(t.dueAtMs)).toBe(true);
  }
  expect(() => buildView('case-1', 'x@1', st, (id) => id)).not.toThrow();
  expect(() => s.runner.nextDueMs()).not.toThrow();
}

/** Accepted ⇒ the law's rules held for every date field declaring them. */
function expectRulesHeld(fields: readonly FormField[], data: Record<string, JsonValue>): void {
  for (const f of fields) {
    const v = data[f.name];
    if (f.type !== 'date' || typeof v !== 'string') continue;
    if (f.notBefore?.includes('received')) expect(v >= RECEIVED, `${f.name} ${v} before receipt`).toBe(true);
    if (f.notAfter?.includes('today')) expect(v <= TODAY, `${f.name} ${v} in the future`).toBe(true);
  }
}

const tasksWithDates = (d: ProcessDefinition) =>
  d.nodes.filter((n): n is UserTask => n.type === 'userTask' && n.form.fields.some((f) => f.type === 'date'));
const RUNS = 12;

describe('dates never brick a case (pure runner, every built-in)', () => {
  it('every date field of every built-in declares its rule (not before receipt, or not after today)', () => {
    const missing = DEFS.flatMap((d) =>
      tasksWithDates(d).flatMap((t) =>
        t.form.fields
          .filter(
            (f) => f.type === 'date' && !f.notBefore && !f.notAfter && !['firstInstanceExpiredOn'].includes(f.name),
          )
          .map((f) => `${d.key}@${d.version} ${t.id}.${f.name}`),
      ),
    );
    expect(missing).toEqual([]);
  });

  for (const d of DEFS) {
    describe(`${d.key}@${d.version}`, () => {
      for (const task of tasksWithDates(d)) {
        it(`task ${task.id}: every date of its form ends refused or in a consistent case`, () => {
          let accepted = 0;
          let refused = 0;
          fc.assert(
            fc.property(formArb(task.form.fields), (data) => {
              const s = new GrowingSession(d, RECEIVED, NOW);
              const taskId = s.open(task.id);
              const out: UpdateOutcome = s.complete(taskId, data);
              if ('refused' in out) {
                refused += 1;
                expect(out.refused).toMatch(/rule|invalid form data|required/);
              } else {
                accepted += 1;
                expectRulesHeld(task.form.fields, data);
              }
              expectConsistent(s);
              // Time passes (deadlines, breaches, escalations): still nothing throws.
              s.at(`${addDays(TODAY, 400)}T10:00:00`);
              expectConsistent(s);
            }),
            { numRuns: RUNS, seed: 20261202 },
          );
          expect(accepted + refused).toBe(RUNS);
        });
      }

      const events = Object.keys(drivingContract(d).messages).filter((m) => m !== 'holidayDecreed');
      for (const name of events) {
        it(`legal event ${name}: any date ends refused or in a consistent case`, () => {
          fc.assert(
            fc.property(dateArb, fc.integer({ min: 1, max: 90 }), fc.boolean(), (date, amount, afterAcceptance) => {
              const s = new GrowingSession(d, RECEIVED, NOW);
              if (afterAcceptance) {
                // Many clocks count from acceptance: accept on receipt first where the first task allows it.
                const first = s.runner.state.tasks.find((t) => t.status === 'open');
                const accept = first?.form.fields.find((f) => f.name === 'acceptedOn');
                if (first && accept) {
                  const data: Record<string, JsonValue> = {};
                  for (const f of first.form.fields.filter((x) => x.required))
                    data[f.name] =
                      f.type === 'date'
                        ? RECEIVED
                        : f.type === 'enum'
                          ? f.values![0]!
                          : f.type === 'boolean'
                            ? false
                            : f.type === 'number'
                              ? 1
                              : f.type === 'array'
                                ? [f.values?.[0] ?? 'ref-1']
                                : 'ref-1';
                  data.acceptedOn = RECEIVED;
                  s.complete(first.id, data);
                }
              }
              const out = s.send(name, {
                date,
                amount,
                variables: name === 'markComplex' ? { complexity: 'complex' } : {},
              });
              if ('accepted' in out)
                expect(date >= RECEIVED && date <= TODAY, `${name} dated ${date} accepted`).toBe(true);
              else expect(out.refused.length).toBeGreaterThan(0);
              expectConsistent(s);
              s.at(`${addDays(TODAY, 400)}T10:00:00`);
              expectConsistent(s);
            }),
            { numRuns: RUNS, seed: 20261202 },
          );
        });
      }
    });
  }

  it('the reproduction: acceptedOn 2026-01-05 on a complaint received 2026-11-20 is refused naming the field and the rule', () => {
    const d = DEFS.find((x) => x.key === 'complaint-first' && x.version === 2)!;
    const s = new GrowingSession(d, RECEIVED, NOW);
    const accept = s.runner.state.tasks.find((t) => t.nodeId === 'accept' && t.status === 'open')!;
    const out = s.complete(accept.id, {
      acceptanceDecision: 'accept',
      acceptedOn: '2026-01-05',
      acceptanceNoticeOn: '2026-01-05',
    });
    expect(out).toEqual({ refused: expect.stringContaining('acceptedOn: 2026-01-05 is before received (2026-11-20)') });
    expect((out as { refused: string }).refused).toContain('notBefore received');
    const future = s.complete(accept.id, {
      acceptanceDecision: 'accept',
      acceptedOn: '2046-01-05',
      acceptanceNoticeOn: '2046-01-05',
    });
    expect(future).toEqual({
      refused: expect.stringContaining('acceptedOn: 2046-01-05 is in the future (today is 2026-12-02 in Vietnam)'),
    });
    const notice = s.complete(accept.id, {
      acceptanceDecision: 'accept',
      acceptedOn: '2026-11-25',
      acceptanceNoticeOn: '2026-11-24',
    });
    expect(notice).toEqual({
      refused: expect.stringContaining('acceptanceNoticeOn: 2026-11-24 is before acceptedOn (2026-11-25)'),
    });
    expect(
      s.complete(accept.id, {
        acceptanceDecision: 'accept',
        acceptedOn: '2026-11-25',
        acceptanceNoticeOn: '2026-11-25',
      }),
    ).toEqual({ accepted: true });
    expect(s.runner.state.caseEvents.accepted).toBe('2026-11-25');
    expect(msOf(`${TODAY}T10:00:00`)).toBe(s.runner.now);
  });
});
