import { describe, expect, it } from 'vitest';
import { projectionEvents } from '../../db/projection-events.js';
import type { CaseEvent } from '../../workflows/engine/runtime/types.js';
import type { ProjectCaseStateInput } from '../../workflows/contract.js';

const projection = (breaches: unknown[]) =>
  ({
    caseId: 'case-1',
    seq: 3,
    caseType: 'complaint',
    agencyId: 'so-tnmt',
    state: { caseEvents: {}, tasks: [], breaches, status: 'active' },
  }) as unknown as ProjectCaseStateInput;

describe('clock.breached feed events', () => {
  it('carry imported/escalated from an imported (backdated) breach, so receivers can tell it from a live one', () => {
    const due = '2026-01-10T00:00:00.000Z';
    const fresh: CaseEvent[] = [
      {
        seq: 1,
        at: '2026-12-01T03:00:00.000Z',
        type: 'due_breached',
        nodeId: 'resolve',
        detail: { ruleId: 'L-KN-2011.art28', due, imported: true, escalated: false },
      },
      {
        seq: 2,
        at: '2026-12-01T04:00:00.000Z',
        type: 'due_breached',
        nodeId: 'verify',
        detail: { ruleId: 'L-KN-2011.art29', due },
      },
    ];
    const [imported, live] = projectionEvents(
      projection([{ nodeId: 'resolve', ruleId: 'L-KN-2011.art28', legalBasis: 'Điều 28' }]),
      fresh,
      'KN-1',
      {},
    );
    expect(imported!.type).toBe('vn.kntc.clock.breached');
    expect(imported!.data).toMatchObject({
      nodeId: 'resolve',
      ruleId: 'L-KN-2011.art28',
      due,
      legalBasis: 'Điều 28',
      imported: true,
      escalated: false,
    });
    expect(live!.data).toMatchObject({ nodeId: 'verify', ruleId: 'L-KN-2011.art29', due });
    expect(live!.data).not.toHaveProperty('imported');
    expect(live!.data).not.toHaveProperty('escalated');
  });
});
