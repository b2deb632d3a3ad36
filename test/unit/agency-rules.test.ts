import { describe, expect, it } from 'vitest';
import type { AgencyRecord, MembershipRecord } from '../../db/directory.js';
import { placementProblem, planImport } from '../../directory/agency-rules.js';

const at = '2026-12-03T00:00:00.000Z';
const agency = (id: string, parentId: string | null, level: AgencyRecord['level'], closed = false): AgencyRecord => ({
  id,
  parentId,
  name: id,
  level,
  kind: null,
  closedAt: closed ? at : null,
  successorId: closed ? 'tinh' : null,
  createdAt: at,
  updatedAt: at,
});
const tree = [
  agency('tinh', null, 'province'),
  agency('so', 'tinh', 'department'),
  agency('xa', 'tinh', 'commune'),
  agency('xa-cu', 'tinh', 'commune', true),
  agency('khac', null, 'province'),
];
const member = (personId: string, agencyId: string, position: MembershipRecord['position']): MembershipRecord => ({
  personId,
  agencyId,
  roles: ['supervisor'],
  position,
  createdAt: at,
  updatedAt: at,
});
const none = { people: new Map(), memberships: [] };

describe('placement (two-level local government since 01/07/2025)', () => {
  it('a province at the top, a commune under a province, a department anywhere below', () => {
    expect(placementProblem('province', null)).toBeNull();
    expect(placementProblem('province', 'province')).toMatch(/top-level/);
    expect(placementProblem('commune', 'province')).toBeNull();
    expect(placementProblem('commune', 'commune')).toMatch(/directly under a province/);
    expect(placementProblem('commune', null)).toMatch(/needs a parent/);
    expect(placementProblem('department', 'commune')).toBeNull();
    expect(placementProblem('department', 'department')).toBeNull();
  });
});

describe('planImport', () => {
  it('plans created, changed and unchanged agencies; a parent may come later in the file', () => {
    const { errors, plan } = planImport(
      {
        agencies: [
          { id: 'vp-xa-moi', parentId: 'xa-moi', name: 'VP', level: 'department' },
          { id: 'xa-moi', parentId: 'tinh', name: 'Xã mới', level: 'commune' },
          { id: 'so', parentId: 'xa', name: 'so', level: 'department' },
          { id: 'xa', parentId: 'tinh', name: 'xa', level: 'commune' },
        ],
        staff: [],
      },
      { agencies: tree, ...none },
      'tinh',
    );
    expect(errors).toEqual([]);
    expect(plan.agencies.created.map((a) => a.id)).toEqual(['vp-xa-moi', 'xa-moi']);
    expect(plan.agencies.changed).toEqual([
      { id: 'so', changes: { parentId: { from: 'tinh', to: 'xa' } }, row: expect.anything() },
    ]);
    expect(plan.agencies.unchanged).toEqual(['xa']);
  });

  it('names every bad row: twice listed, unknown or closed parent, cycle, misplaced, outside `under`', () => {
    const { errors } = planImport(
      {
        agencies: [
          { id: 'a', parentId: 'tinh', name: 'a', level: 'department' },
          { id: 'a', parentId: 'tinh', name: 'a', level: 'department' },
          { id: 'b', parentId: 'nowhere', name: 'b', level: 'department' },
          { id: 'c', parentId: 'xa-cu', name: 'c', level: 'department' },
          { id: 'd', parentId: 'e', name: 'd', level: 'department' },
          { id: 'e', parentId: 'd', name: 'e', level: 'department' },
          { id: 'f', parentId: 'so', name: 'f', level: 'commune' },
          { id: 'khac', parentId: null, name: 'Khác', level: 'province' },
          { id: 'g', parentId: null, name: 'g', level: 'province' },
        ],
        staff: [],
      },
      { agencies: tree, ...none },
      'tinh',
    );
    expect(errors.map((e) => e.path)).toEqual([
      'agencies[1].id',
      'agencies[7].id',
      'agencies[2].parentId',
      'agencies[3].parentId',
      'agencies[4].parentId',
      'agencies[5].parentId',
      'agencies[6].level',
      'agencies[8].parentId',
    ]);
  });

  it('`under` itself may be renamed, not moved; the system level may create provinces', () => {
    expect(
      planImport(
        { agencies: [{ id: 'tinh', parentId: null, name: 'Tỉnh mới', level: 'province' }], staff: [] },
        { agencies: tree, ...none },
        'tinh',
      ).errors,
    ).toEqual([]);
    expect(
      planImport(
        { agencies: [{ id: 'so', parentId: 'xa', name: 'so', level: 'department' }], staff: [] },
        { agencies: tree, ...none },
        'so',
      ).errors.map((e) => e.path),
    ).toEqual(['agencies[0].parentId']);
    expect(
      planImport(
        { agencies: [{ id: 'tinh-2', parentId: null, name: 't', level: 'province' }], staff: [] },
        { agencies: tree, ...none },
        null,
      ).errors,
    ).toEqual([]);
  });

  it('staff: new people need a name; one head per agency after the whole file', () => {
    const current = { agencies: tree, people: new Map(), memberships: [member('p-head', 'xa', 'head')] };
    const bad = planImport(
      {
        agencies: [],
        staff: [
          { personId: 'new', agencyId: 'xa', roles: [], position: 'member' },
          { personId: 'p2', displayName: 'P2', agencyId: 'xa', roles: ['officer'], position: 'head' },
          { personId: 'p3', displayName: 'P3', agencyId: 'xa-cu', roles: [], position: 'member' },
          { personId: 'p4', displayName: 'P4', agencyId: 'khac', roles: [], position: 'member' },
        ],
      },
      current,
      'tinh',
    );
    expect(bad.errors.map((e) => e.path)).toEqual([
      'staff[0].displayName',
      'staff[2].agencyId',
      'staff[3].agencyId',
      'staff[1].position',
    ]);
    const swap = planImport(
      {
        agencies: [],
        staff: [
          { personId: 'p-head', agencyId: 'xa', roles: ['supervisor'], position: 'deputy' },
          { personId: 'p2', displayName: 'P2', agencyId: 'xa', roles: ['supervisor'], position: 'head' },
        ],
      },
      {
        ...current,
        people: new Map([
          [
            'p-head',
            { id: 'p-head', displayName: 'H', email: null, phone: null, active: true, createdAt: at, updatedAt: at },
          ],
        ]),
      },
      'tinh',
    );
    expect(swap.errors).toEqual([]);
    expect(swap.plan.memberships.changed).toEqual([
      { personId: 'p-head', agencyId: 'xa', changes: { position: { from: 'head', to: 'deputy' } } },
    ]);
    expect(swap.plan.people.created.map((p) => p.personId)).toEqual(['p2']);
  });
});
