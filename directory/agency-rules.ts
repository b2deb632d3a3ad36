/**
 * The rules of the agency tree and of a directory import (ADR 0024), pure: the API loads the current
 * tree and applies the plan these functions return, in one transaction.
 *
 * Placement follows the two-level local government in force from 01/07/2025 (Luật Tổ chức chính quyền
 * địa phương 2025, Luật 72/2025/QH15; Nghị quyết 202/2025/QH15 merging provinces): a province is at the
 * top, communes (xã, phường, đặc khu) sit directly under their province, and departments (sở, ban,
 * thanh tra, a commune's own offices, or a unit of another department such as a chi cục) under any
 * agency.
 */
import type { AgencyRecord, Level, MembershipRecord, PersonRecord, Position } from '../db/directory.js';

export interface FieldError {
  path: string;
  message: string;
}

/** Why `level` cannot sit under a parent of `parentLevel` (null: top level), or null when it can. */
export function placementProblem(level: Level, parentLevel: Level | null): string | null {
  if (level === 'province') return parentLevel === null ? null : 'a province is a top-level agency (no parent)';
  if (parentLevel === null) return `a ${level} needs a parent agency`;
  if (level === 'commune' && parentLevel !== 'province')
    return `a commune sits directly under a province (two-level local government since 01/07/2025), not under a ${parentLevel}`;
  return null;
}

/** `id`, its parent, … up to the root, in `parentOf`; `cycle` when a loop is met. */
export function lineage(id: string, parentOf: ReadonlyMap<string, string | null>): { ids: string[]; cycle: boolean } {
  const ids: string[] = [];
  let at: string | null | undefined = id;
  while (at != null) {
    if (ids.includes(at)) return { ids, cycle: true };
    ids.push(at);
    if (ids.length > 64) return { ids, cycle: true };
    at = parentOf.get(at);
  }
  return { ids, cycle: false };
}

export interface ImportAgency {
  id: string;
  parentId: string | null;
  name: string;
  level: Level;
  kind?: 'inspectorate' | null;
}
export interface ImportStaff {
  personId: string;
  displayName?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  agencyId: string;
  roles: string[];
  position: Position;
}

export interface ImportPlan {
  agencies: {
    created: ImportAgency[];
    changed: Array<{ id: string; changes: Record<string, { from: unknown; to: unknown }>; row: ImportAgency }>;
    unchanged: string[];
  };
  people: {
    created: ImportStaff[];
    changed: Array<{ id: string; changes: Record<string, { from: unknown; to: unknown }> }>;
    unchanged: string[];
  };
  memberships: {
    created: ImportStaff[];
    changed: Array<{ personId: string; agencyId: string; changes: Record<string, { from: unknown; to: unknown }> }>;
    unchanged: Array<{ personId: string; agencyId: string }>;
  };
}

/**
 * Checks a whole import against the current directory and says what it would change. `under`: the
 * agency whose subtree the caller manages (every agency the file names must end up in it, and an
 * existing one must already be there; `under` itself may be renamed, not moved), or null for the
 * system level (top-level agencies allowed). Agencies and memberships the file does not name are left
 * as they are (an import never closes or removes). Errors name the file's fields
 * (`agencies[3].parentId`); any error rejects the whole file.
 */
export function planImport(
  file: { agencies: readonly ImportAgency[]; staff: readonly ImportStaff[] },
  current: {
    agencies: readonly AgencyRecord[];
    people: ReadonlyMap<string, PersonRecord>;
    memberships: readonly MembershipRecord[];
  },
  under: string | null,
): { errors: FieldError[]; plan: ImportPlan } {
  const errors: FieldError[] = [];
  const plan: ImportPlan = {
    agencies: { created: [], changed: [], unchanged: [] },
    people: { created: [], changed: [], unchanged: [] },
    memberships: { created: [], changed: [], unchanged: [] },
  };
  const byId = new Map(current.agencies.map((a) => [a.id, a]));
  const currentParent = new Map(current.agencies.map((a) => [a.id, a.parentId]));
  const finalParent = new Map(currentParent);
  const finalLevel = new Map(current.agencies.map((a) => [a.id, a.level]));
  const inFile = new Map<string, number>();
  const within = (id: string, parentOf: ReadonlyMap<string, string | null>): boolean => {
    if (under === null) return true;
    const l = lineage(id, parentOf);
    return !l.cycle && l.ids.includes(under);
  };

  file.agencies.forEach((a, i) => {
    const at = `agencies[${i}]`;
    if (inFile.has(a.id)) {
      errors.push({ path: `${at}.id`, message: `${a.id} is listed twice (first at agencies[${inFile.get(a.id)}])` });
      return;
    }
    inFile.set(a.id, i);
    const existing = byId.get(a.id);
    if (existing) {
      if (!within(a.id, currentParent)) {
        errors.push({ path: `${at}.id`, message: `${a.id} exists outside the agency subtree you manage` });
        return;
      }
      if (existing.closedAt !== null) {
        errors.push({ path: `${at}.id`, message: `${a.id} is closed (successor ${existing.successorId ?? 'none'})` });
        return;
      }
      if (a.id === under && a.parentId !== existing.parentId) {
        errors.push({
          path: `${at}.parentId`,
          message: `${a.id} is the agency the import is under: it cannot be moved by it`,
        });
        return;
      }
    }
    finalParent.set(a.id, a.parentId);
    finalLevel.set(a.id, a.level);
  });

  file.agencies.forEach((a, i) => {
    const at = `agencies[${i}]`;
    if (inFile.get(a.id) !== i || errors.some((e) => e.path.startsWith(`${at}.`))) return;
    if (a.parentId !== null) {
      const parent = byId.get(a.parentId);
      if (!parent && !inFile.has(a.parentId)) {
        errors.push({ path: `${at}.parentId`, message: `no agency ${a.parentId} in the directory or the file` });
        return;
      }
      if (parent?.closedAt) {
        errors.push({ path: `${at}.parentId`, message: `${a.parentId} is closed` });
        return;
      }
    }
    const l = lineage(a.id, finalParent);
    if (l.cycle) {
      errors.push({ path: `${at}.parentId`, message: `${a.id} would be its own ancestor` });
      return;
    }
    if (under === null ? false : !l.ids.includes(under)) {
      errors.push({
        path: a.parentId === null ? `${at}.parentId` : `${at}.parentId`,
        message:
          a.parentId === null
            ? 'a top-level agency is created at the system level only (system_admin, under=system)'
            : `${a.id} would not be within ${under}, the agency subtree the import is under`,
      });
      return;
    }
    const p = placementProblem(a.level, a.parentId === null ? null : (finalLevel.get(a.parentId) ?? null));
    if (p) {
      errors.push({ path: `${at}.level`, message: p });
      return;
    }
    const existing = byId.get(a.id);
    if (!existing) {
      plan.agencies.created.push(a);
      return;
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (existing.name !== a.name) changes.name = { from: existing.name, to: a.name };
    if (existing.parentId !== a.parentId) changes.parentId = { from: existing.parentId, to: a.parentId };
    if (existing.level !== a.level) changes.level = { from: existing.level, to: a.level };
    if (a.kind !== undefined && existing.kind !== a.kind) changes.kind = { from: existing.kind, to: a.kind };
    if (Object.keys(changes).length > 0) plan.agencies.changed.push({ id: a.id, changes, row: a });
    else plan.agencies.unchanged.push(a.id);
  });
  // An agency the file does not name must still fit under a parent whose level the file changed.
  for (const c of current.agencies) {
    if (inFile.has(c.id) || c.closedAt !== null || c.parentId === null || !inFile.has(c.parentId)) continue;
    const p = placementProblem(c.level, finalLevel.get(c.parentId) ?? null);
    if (p)
      errors.push({
        path: `agencies[${inFile.get(c.parentId)}].level`,
        message: `${c.id} (a ${c.level} below it, not in the file): ${p}`,
      });
  }

  const seen = new Map<string, number>();
  const person = new Map<string, ImportStaff>();
  const finalPositions = new Map<string, Map<string, Position>>();
  for (const m of current.memberships) {
    if (!finalPositions.has(m.agencyId)) finalPositions.set(m.agencyId, new Map());
    finalPositions.get(m.agencyId)!.set(m.personId, m.position);
  }
  file.staff.forEach((s, i) => {
    const at = `staff[${i}]`;
    const key = `${s.personId}\u0000${s.agencyId}`;
    if (seen.has(key)) {
      errors.push({
        path: `${at}.agencyId`,
        message: `${s.personId} at ${s.agencyId} is listed twice (first at staff[${seen.get(key)}])`,
      });
      return;
    }
    seen.set(key, i);
    const agency = byId.get(s.agencyId);
    if (!agency && !inFile.has(s.agencyId)) {
      errors.push({ path: `${at}.agencyId`, message: `no agency ${s.agencyId} in the directory or the file` });
      return;
    }
    if (agency?.closedAt) {
      errors.push({ path: `${at}.agencyId`, message: `${s.agencyId} is closed` });
      return;
    }
    if (!within(s.agencyId, finalParent)) {
      errors.push({
        path: `${at}.agencyId`,
        message: `${s.agencyId} is outside the agency subtree the import is under`,
      });
      return;
    }
    const known = current.people.get(s.personId);
    const firstOfPerson = person.get(s.personId);
    if (!known && !firstOfPerson?.displayName && !s.displayName) {
      errors.push({
        path: `${at}.displayName`,
        message: `${s.personId} is not in the directory yet: give the person's name`,
      });
      return;
    }
    if (!finalPositions.has(s.agencyId)) finalPositions.set(s.agencyId, new Map());
    finalPositions.get(s.agencyId)!.set(s.personId, s.position);

    if (!firstOfPerson) {
      person.set(s.personId, s);
      if (!known) plan.people.created.push(s);
      else {
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (s.displayName !== undefined && s.displayName !== known.displayName)
          changes.displayName = { from: known.displayName, to: s.displayName };
        if (s.email !== undefined && s.email !== known.email) changes.email = { from: known.email, to: s.email };
        if (s.phone !== undefined && s.phone !== known.phone) changes.phone = { from: known.phone, to: s.phone };
        if (Object.keys(changes).length > 0) plan.people.changed.push({ id: s.personId, changes });
        else plan.people.unchanged.push(s.personId);
      }
    }
    const m = current.memberships.find((x) => x.personId === s.personId && x.agencyId === s.agencyId);
    if (!m) {
      plan.memberships.created.push(s);
      return;
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const sorted = (r: readonly string[]) => [...r].sort().join(',');
    if (sorted(m.roles) !== sorted(s.roles)) changes.roles = { from: m.roles, to: s.roles };
    if (m.position !== s.position) changes.position = { from: m.position, to: s.position };
    if (Object.keys(changes).length > 0)
      plan.memberships.changed.push({ personId: s.personId, agencyId: s.agencyId, changes });
    else plan.memberships.unchanged.push({ personId: s.personId, agencyId: s.agencyId });
  });
  for (const [agencyId, positions] of finalPositions) {
    const heads = [...positions].filter(([, p]) => p === 'head').map(([id]) => id);
    if (heads.length <= 1) continue;
    const i = file.staff.findIndex((s) => s.agencyId === agencyId && s.position === 'head');
    if (i >= 0)
      errors.push({
        path: `staff[${i}].position`,
        message: `${agencyId} would have ${heads.length} heads (${heads.sort().join(', ')}): an agency has one head`,
      });
  }
  return { errors, plan };
}
