/**
 * Reference data of places and sectors (issue 15.4, ADR 0034): the 2025 administrative units and the
 * configurable sector list, cached per process (the units never change at run time; sectors are re-read
 * after a minute), and the check of a structured place, sector and respondent agency at intake.
 */
import type { Db } from './knex.js';

export interface PlaceInput {
  provinceCode: string;
  communeCode?: string | undefined;
}

export interface Sector {
  code: string;
  name: string;
  active: boolean;
}

/** A refused field: its path in the request and why. */
export interface FieldError {
  path: string;
  message: string;
}

export function createPlaceStore(db: Db) {
  let units:
    Promise<{ provinces: Map<string, string>; communes: Map<string, { province: string; name: string }> }> | undefined;
  let sectors: { at: number; list: Promise<Sector[]> } | undefined;
  const loadUnits = () =>
    (units ??= (async () => {
      const [p, c] = await Promise.all([
        db('admin_provinces').select<Array<{ code: string; name: string }>>('code', 'name'),
        db('admin_communes').select<Array<{ code: string; province_code: string; name: string }>>(
          'code',
          'province_code',
          'name',
        ),
      ]);
      return {
        provinces: new Map(p.map((r) => [r.code, r.name])),
        communes: new Map(c.map((r) => [r.code, { province: r.province_code, name: r.name }])),
      };
    })().catch((e) => {
      units = undefined;
      throw e;
    }));
  const loadSectors = (): Promise<Sector[]> => {
    if (!sectors || Date.now() - sectors.at > 60_000) {
      const list = db('sectors')
        .orderBy([{ column: 'position' }, { column: 'code' }])
        .select<Sector[]>('code', 'name', 'active');
      sectors = { at: Date.now(), list };
      list.catch(() => (sectors = undefined));
    }
    return sectors.list;
  };
  return {
    /** The province's name, or undefined when the code is not a 2025 province. */
    async province(code: string): Promise<string | undefined> {
      return (await loadUnits()).provinces.get(code);
    },
    async commune(code: string): Promise<{ province: string; name: string } | undefined> {
      return (await loadUnits()).communes.get(code);
    },
    sectors: loadSectors,
    /** Forgets the cached sectors (after a change). */
    forgetSectors(): void {
      sectors = undefined;
    },
    /**
     * Checks a structured place (a 2025 province, and a commune of that province), a sector (an active
     * one of the list) and a respondent agency (one of the directory): the fields refused, none when valid.
     */
    async check(a: {
      place?: PlaceInput | undefined;
      sector?: string | undefined;
      respondentAgencyId?: string | undefined;
      prefix?: string;
    }): Promise<FieldError[]> {
      const errors: FieldError[] = [];
      const at = (f: string) => `${a.prefix ?? ''}${f}`;
      if (a.place) {
        const u = await loadUnits();
        if (!u.provinces.has(a.place.provinceCode))
          errors.push({
            path: at('place.provinceCode'),
            message: `${a.place.provinceCode} is not a province code of the 2025 administrative units`,
          });
        else if (a.place.communeCode !== undefined) {
          const c = u.communes.get(a.place.communeCode);
          if (!c)
            errors.push({ path: at('place.communeCode'), message: `${a.place.communeCode} is not a commune code` });
          else if (c.province !== a.place.provinceCode)
            errors.push({
              path: at('place.communeCode'),
              message: `${a.place.communeCode} (${c.name}) is in province ${c.province}, not ${a.place.provinceCode}`,
            });
        }
      }
      if (a.sector !== undefined) {
        const s = (await loadSectors()).find((x) => x.code === a.sector);
        if (!s || !s.active) errors.push({ path: at('sector'), message: `${a.sector} is not an active sector` });
      }
      if (a.respondentAgencyId !== undefined) {
        const r = await db('agencies').where({ id: a.respondentAgencyId }).first('id');
        if (!r) errors.push({ path: at('respondentAgencyId'), message: `no agency ${a.respondentAgencyId}` });
      }
      return errors;
    },
  };
}

export type PlaceStore = ReturnType<typeof createPlaceStore>;
