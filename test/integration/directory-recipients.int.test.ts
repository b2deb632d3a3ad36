import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRecipients } from '../../directory/recipients.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('resolveRecipients (directory → people, ADR 0024)', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await createTestDb();
    const db = tdb.db;
    await db('people').insert([
      { id: 'dep-xa-a', display_name: 'Phó chủ tịch xã A', email: 'pho@ubnd-xa-a.kntc.local', phone: '+84900000001' },
      { id: 'off-xa-a', display_name: 'Cán bộ xã A', email: null, phone: '+84900000002' },
      { id: 'off2-xa-a', display_name: 'Cán bộ nghỉ', email: 'nghi@ubnd-xa-a.kntc.local', active: false },
      { id: 'dep-tt', display_name: 'Phó chánh thanh tra', email: 'pho@thanh-tra-tinh.kntc.local' },
      { id: 'intake-xa-a', display_name: 'Tiếp dân xã A', email: 'tiep-dan@ubnd-xa-a.kntc.local' },
    ]);
    await db('agency_staff').insert([
      { person_id: 'dep-xa-a', agency_id: 'ubnd-xa-a', roles: ['supervisor'], position: 'deputy' },
      { person_id: 'off-xa-a', agency_id: 'ubnd-xa-a', roles: ['officer'], position: 'member' },
      { person_id: 'off2-xa-a', agency_id: 'ubnd-xa-a', roles: ['officer'], position: 'member' },
      { person_id: 'dep-tt', agency_id: 'thanh-tra-tinh', roles: ['officer'], position: 'deputy' },
      { person_id: 'intake-xa-a', agency_id: 'ubnd-xa-a', roles: ['intake'], position: 'member' },
    ]);
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('the demo data gives every demo agency a head with an @kntc.local email', async () => {
    for (const agencyId of ['tinh-demo', 'so-tnmt', 'thanh-tra-tinh', 'ubnd-xa-a', 'ubnd-xa-b']) {
      const r = await resolveRecipients(tdb.db, { agencyId, to: ['agency_head'] });
      expect(r).toHaveLength(1);
      expect(r[0]!.email).toMatch(/@[a-z0-9.-]+\.kntc\.local$/);
      expect(r[0]!.channels).toEqual(['email', 'inapp']);
    }
  });

  it('maps the built-in `to` items: head, case officer, inspectorate, parent; parties reach nobody', async () => {
    const r = await resolveRecipients(tdb.db, {
      agencyId: 'ubnd-xa-a',
      to: ['agency_head', 'complainant_or_representative', 'same_level_inspectorate', 'case_officer'],
    });
    expect(r.map((x) => x.personId)).toEqual(['head-ubnd-xa-a', 'head-thanh-tra-tinh', 'off-xa-a']);
    // An officer without email: in-app only (SMS is off until a preference enables it).
    expect(r[2]).toEqual({
      personId: 'off-xa-a',
      displayName: 'Cán bộ xã A',
      email: null,
      phone: '+84900000002',
      channels: ['inapp'],
    });
    expect(
      (await resolveRecipients(tdb.db, { agencyId: 'ubnd-xa-a', to: ['higher_agency_head'] })).map((x) => x.personId),
    ).toEqual(['head-tinh-demo']);
    expect(
      (await resolveRecipients(tdb.db, { agencyId: 'ubnd-xa-a', to: ['parent', 'head', 'parent'] })).map(
        (x) => x.personId,
      ),
    ).toEqual(['head-tinh-demo', 'head-ubnd-xa-a']);
    expect(await resolveRecipients(tdb.db, { agencyId: 'tinh-demo', to: ['parent'] })).toEqual([]);
    expect(
      await resolveRecipients(tdb.db, { agencyId: 'ubnd-xa-a', to: ['public', 'case_file', 'respondent'] }),
    ).toEqual([]);
    expect(await resolveRecipients(tdb.db, { agencyId: 'no-such-agency', to: ['agency_head'] })).toEqual([]);
  });

  it('maps API roles and functional roles to staff holding them; deputies stand in for a missing head', async () => {
    expect(
      (await resolveRecipients(tdb.db, { agencyId: 'ubnd-xa-a', to: ['supervisor'] })).map((x) => x.personId),
    ).toEqual(['head-ubnd-xa-a', 'dep-xa-a']);
    expect(
      (await resolveRecipients(tdb.db, { agencyId: 'ubnd-xa-a', to: ['letter_officer'] })).map((x) => x.personId),
    ).toEqual(['intake-xa-a']);
    expect(
      (await resolveRecipients(tdb.db, { agencyId: 'ubnd-xa-a', to: ['deputies', 'person:dep-tt'] })).map(
        (x) => x.personId,
      ),
    ).toEqual(['dep-xa-a', 'dep-tt']);
    await tdb.db('agency_staff').where({ person_id: 'head-thanh-tra-tinh' }).update({ position: 'member' });
    try {
      expect(
        (await resolveRecipients(tdb.db, { agencyId: 'so-tnmt', to: ['inspectorate'] })).map((x) => x.personId),
      ).toEqual(['dep-tt']);
    } finally {
      await tdb.db('agency_staff').where({ person_id: 'head-thanh-tra-tinh' }).update({ position: 'head' });
    }
  });

  it("applies preferences: the kind's own row over `*`, `*` over the defaults; a channel needs its address", async () => {
    await tdb.db('notification_preferences').insert([
      { person_id: 'dep-xa-a', channel: 'sms', kind: '*', enabled: true },
      { person_id: 'dep-xa-a', channel: 'email', kind: 'mass_case_received', enabled: false },
      { person_id: 'dep-xa-a', channel: 'inapp', kind: '*', enabled: false },
      { person_id: 'dep-xa-a', channel: 'inapp', kind: 'deadline_breach', enabled: true },
      { person_id: 'dep-tt', channel: 'sms', kind: '*', enabled: true }, // no phone: no SMS
    ]);
    const chan = async (personId: string, kind?: string) =>
      (
        await resolveRecipients(tdb.db, {
          agencyId: 'ubnd-xa-a',
          to: [`person:${personId}`],
          ...(kind ? { kind } : {}),
        })
      )[0]!.channels;
    expect(await chan('dep-xa-a')).toEqual(['email', 'sms']);
    expect(await chan('dep-xa-a', 'mass_case_received')).toEqual(['sms']);
    expect(await chan('dep-xa-a', 'deadline_breach')).toEqual(['email', 'sms', 'inapp']);
    expect(await chan('dep-tt')).toEqual(['email', 'inapp']);
  });

  it('leaves inactive people out and follows a closed agency to its successor', async () => {
    expect(
      (await resolveRecipients(tdb.db, { agencyId: 'ubnd-xa-a', to: ['officer'] })).map((x) => x.personId),
    ).toEqual(['off-xa-a']);
    await tdb.db('agencies').insert({ id: 'ubnd-xa-c', parent_id: 'tinh-demo', name: 'UBND xã C', level: 'commune' });
    await tdb
      .db('agencies')
      .where({ id: 'ubnd-xa-c' })
      .update({ closed_at: tdb.db.fn.now(), successor_id: 'ubnd-xa-b' });
    expect(
      (await resolveRecipients(tdb.db, { agencyId: 'ubnd-xa-c', to: ['agency_head'] })).map((x) => x.personId),
    ).toEqual(['head-ubnd-xa-b']);
  });
});
