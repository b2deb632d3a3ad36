import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOUNCEMENTS, buildCalendar, type CalendarEntry } from '../../calendar/index.js';
import { computeDeadline, vnDateOf } from '../support/clock.js';
import { completeTask, getCaseState, sendMessage } from '../../workflows/contract.js';
import type { ClockRule, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { startOfDayInstant } from '../../workflows/clock/index.js';
import { fakeActivities, processInput, until, withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

const base = { version: 1, name: 'Test', caseType: 'complaint_first', effectiveFrom: '2026-01-01' } as const;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const tenWorkingDays: ClockRule = {
  ruleId: 'acceptance',
  legalBasis: 'Luật Khiếu nại 2011 Art 27',
  amount: 10,
  unit: 'working_days',
  from: 'received',
  rungs: [{ name: 'reminder', daysBefore: 3 }],
  suspensionBasis: 'Luật Khiếu nại Art 11a',
};

function boundaryTimerDef(interrupting: boolean): ProcessDefinitionInput {
  return {
    ...base,
    key: `timer-${interrupting}`,
    nodes: [
      { type: 'startEvent', id: 'start' },
      { type: 'userTask', id: 'verify', name: 'Verify', candidateRoles: ['inspector'], agencyScope: 'resolving' },
      {
        type: 'boundaryEvent',
        id: 'late',
        attachedTo: 'verify',
        interrupting,
        trigger: { kind: 'timer', timer: tenWorkingDays },
      },
      {
        type: 'serviceTask',
        id: 'tellHead',
        activity: 'notify',
        input: { to: '"head"' },
        output: { notified: 'notificationId' },
      },
      { type: 'endEvent', id: 'endLate', outcome: 'late' },
      { type: 'endEvent', id: 'end', outcome: 'verified' },
    ],
    flows: [
      { id: 'f1', source: 'start', target: 'verify' },
      { id: 'f2', source: 'verify', target: 'end' },
      { id: 'f3', source: 'late', target: 'tellHead' },
      { id: 'f4', source: 'tellHead', target: 'endLate' },
    ],
  };
}

describe('processWorkflow: timers and statutory clocks', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('interrupting boundary clock: 10 working days from receipt, cancels the task when due', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const expected = computeDeadline(received, 10, 'working_days');
    const { activities } = fakeActivities();
    const input = processInput(boundaryTimerDef(true), { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const s = await until(env, h, (x) => x.clocks.length === 1);
      expect(s.clocks[0]).toMatchObject({
        nodeId: 'late',
        purpose: 'boundary',
        kind: 'clock',
        ruleId: 'acceptance',
        due: expected.due,
        status: 'running',
      });
      expect(s.clocks[0]!.derivation!.at(-1)!.kind).toBe('due');
      const result = await h.result();
      expect(result).toMatchObject({ outcome: 'late', variables: { notified: expect.stringMatching(/^ntf-/) } });
      expect(await env.currentTimeMs()).toBeGreaterThan(Date.parse(expected.dueAt));
      const final = await h.query(getCaseState);
      expect(final.tasks[0]!.status).toBe('cancelled');
      expect(final.flags.reminder).toBe(true);
      expect(final.history.map((e) => e.type)).toContain('rung');
    });
  });

  it('non-interrupting boundary clock: fires once, the task stays open and completes later', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities } = fakeActivities();
    const input = processInput(boundaryTimerDef(false), { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      await until(env, h, (x) => x.clocks.length === 1);
      await env.sleep(25 * DAY);
      const s = await until(env, h, (x) => x.variables.notified !== undefined, 'boundary path ran');
      expect(s.openTasks).toHaveLength(1);
      expect(s.clocks).toHaveLength(0);
      expect(s.history.filter((e) => e.type === 'boundary_fired')).toHaveLength(1);
      expect(s.outcome).toBeUndefined();
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      expect(await h.result()).toMatchObject({ outcome: 'verified', outcomes: ['late', 'verified'] });
    });
  });

  it('re-arms a clock when calendarChanged moves it (a day off decreed after the fact)', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const before = computeDeadline(received, 10, 'working_days');
    // A day off decreed on the 5th working day of the period.
    const dayOff = computeDeadline(received, 5, 'working_days').due;
    const extra: CalendarEntry = {
      id: `adm:${dayOff}:off`,
      date: dayOff,
      working: false,
      kind: 'announced_day_off',
      name: 'Decreed day off',
      source: 'test decree',
      effectiveFrom: received,
    };
    let entries: readonly CalendarEntry[] = ANNOUNCEMENTS;
    const { activities } = fakeActivities([], {
      async getCalendarSnapshot(r: { from: string; to: string }) {
        return buildCalendar({ ...r, entries });
      },
    });
    const input = processInput(boundaryTimerDef(true), { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      expect((await until(env, h, (x) => x.clocks.length === 1)).clocks[0]!.due).toBe(before.due);
      entries = [...ANNOUNCEMENTS, extra];
      await h.signal('calendarChanged', {
        version: 'entries:2',
        changedDates: [dayOff],
        entryId: extra.id,
        reason: 'test',
      });
      const s = await until(env, h, (x) => x.clocks[0]?.due !== before.due, 'clock moved');
      const after = computeDeadline(received, 10, 'working_days', [...ANNOUNCEMENTS, extra]);
      expect(after.due).not.toBe(before.due);
      expect(s.clocks[0]!.due).toBe(after.due);
      expect(s.history.find((e) => e.type === 'clock_recomputed')).toMatchObject({
        detail: { from: before.due, to: after.due },
      });
      await h.result();
      expect(await env.currentTimeMs()).toBeGreaterThan(Date.parse(after.dueAt));
    });
  });

  it('suspends and resumes a clock through legal-event messages', async () => {
    const received = vnDateOf(await env.currentTimeMs());
    const { activities } = fakeActivities();
    const input = processInput(boundaryTimerDef(true), { caseEvents: { received } });
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const due0 = (await until(env, h, (x) => x.clocks.length === 1)).clocks[0]!.due!;
      const r1 = await h.executeUpdate(sendMessage, {
        args: [{ caseId: input.caseId, name: 'suspend', date: received, decision: 'QĐ 1/QĐ-UBND' }],
      });
      expect(r1).toEqual({ caught: 0, clocksChanged: 1 });
      expect((await h.query(getCaseState)).clocks[0]).toMatchObject({ status: 'suspended', dueAt: null });
      await expect(
        h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'suspend' }] }),
      ).rejects.toThrow();
      // Resume on the 3rd working day after the suspension: the suspended days then always include
      // working days, so the due day moves whatever the server's date (3 calendar days could all be
      // days off: New Year, Tết, 30/4–1/5, 2/9). Counting restarts the day after the continuation.
      const resumeOn = computeDeadline(received, 3, 'working_days').due;
      await env.sleep(Date.parse(startOfDayInstant(resumeOn)) + 9 * HOUR - (await env.currentTimeMs()));
      expect(vnDateOf(await env.currentTimeMs())).toBe(resumeOn);
      await h.executeUpdate(sendMessage, {
        args: [{ caseId: input.caseId, name: 'resume', date: resumeOn, decision: 'QĐ 2/QĐ-UBND' }],
      });
      const s = await h.query(getCaseState);
      expect(s.clocks[0]!.status).toBe('running');
      expect(s.clocks[0]!.due).toBe(computeDeadline(resumeOn, 10, 'working_days').due);
      expect(s.clocks[0]!.due! > due0).toBe(true);
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      expect(await h.result()).toMatchObject({ outcome: 'verified' });
    });
  });

  it('intermediate timer: an ISO duration waits, then the token moves on', async () => {
    const def: ProcessDefinitionInput = {
      ...base,
      key: 'wait-3d',
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'intermediateCatchEvent', id: 'cool', trigger: { kind: 'timer', timer: { duration: 'P3D' } } },
        { type: 'endEvent', id: 'end', outcome: 'cooled' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'cool' },
        { id: 'f2', source: 'cool', target: 'end' },
      ],
    };
    const { activities } = fakeActivities();
    const input = processInput(def);
    await withWorker(env, activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const r = await env.client.workflow.execute('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      expect(r.outcome).toBe('cooled');
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(t0 + 3 * DAY);
    });
  });
});
