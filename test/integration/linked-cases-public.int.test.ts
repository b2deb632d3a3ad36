/**
 * Issue #6 items 3 and 9 (ADR 0012): what a citizen and a routed agency see of a linked case, on the real
 * stack (Temporal dev server + PostgreSQL + HTTP + worker given the PII keyring):
 *  - a letter received through POST /v1/cases and worked to "accept as a complaint" starts complaint-first;
 *    the public look-up with the letter's reference + PIN (receipt notice) shows the complaint's public status;
 *  - the complaint has its own PIN (derived from its id like POST's, stored as a keyed hash once, by the
 *    projection that creates its row): its own reference + that PIN works; a wrong PIN, the letter's PIN on
 *    it, or an unknown reference all give the same 404 (no oracle);
 *  - nothing personal (names, phone, id number), no subject, no summary, no ids in the public answers;
 *  - a case of a case (second instance) is listed under the letter too; without the keyring no PIN is stored;
 *  - the inspectorate a task is routed to finds the case through its inbox item (caseId, caseReference,
 *    links.case), reads it, and the case search stays within the case agency's subtree.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivePin } from '../../db/case-pins.js';
import { createCaseStateStore } from '../../db/case-states.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { authHeader } from '../support/auth.js';
import { linkedState, PETITION_FIXTURE } from '../support/linked-cases.js';
import { apiCaller, type Json, poll as pollApi, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
type Headers = Record<string, string>;

let admin: Headers;
beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await createDefinitionStore(api.tdb.db).register(PETITION_FIXTURE, 'test');
  admin = await authHeader({ roles: ['admin'], agency: 'tinh-demo', sub: 'admin@tinh-demo' });
});
afterAll(async () => {
  await api?.close();
});

const call = apiCaller(() => api.url);
/** The shared poll with more of the last value in a timeout message (case views are long). */
const poll: typeof pollApi = (what, get, ok) => pollApi(what, get, ok, { lastChars: 4000 });
const lookUp = (reference: string, pin: string) => call('GET', `/v1/public/cases/${reference}?pin=${pin}`, {});

async function work(who: Headers, caseId: string, nodeId: string, data: Json): Promise<void> {
  const inbox = await poll(
    `${nodeId} in the inbox`,
    () => call('GET', `/v1/tasks?caseId=${caseId}&limit=200`, who),
    (r) => (r.json.items as Array<{ nodeId: string }> | undefined)?.some((t) => t.nodeId === nodeId) === true,
  );
  const task = (inbox.json.items as Array<{ id: string; nodeId: string }>).find((t) => t.nodeId === nodeId)!;
  expect((await call('POST', `/v1/tasks/${task.id}/claim`, who)).status).toBe(200);
  const done = await call('POST', `/v1/tasks/${task.id}/complete`, who, { data });
  expect(done.status, done.text).toBe(200);
}

const eligible = {
  language: 'vietnamese',
  dated: true,
  hasNameAddress: true,
  hasSignature: true,
  contentElementsComplete: true,
  withinCompetence: true,
};
const SUBJECT = 'Đơn khiếu nại quyết định thu hồi đất';
// Received yesterday (Vietnam) and accepted today: the clocks are running whatever day the suite runs on.
const vnDay = (offsetDays: number) =>
  new Date(Date.now() + 7 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
const RECEIVED_DAY = vnDay(-1);
const RECEIVED_AT = `${RECEIVED_DAY}T09:30:00.000+07:00`;
/** The day a second complaint is lodged (a later day than the letter's). */
const SECOND_DAY = vnDay(1);
const SUMMARY = 'Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND';

async function acceptLetter(
  agencyId: string,
  officer: Headers,
  letterType: 'complaint' | 'petition',
  parties: Json[],
): Promise<{ letter: Json; linkedId: string; linkedReference: string }> {
  const r = await call('POST', '/v1/cases', admin, {
    type: 'letter',
    channel: 'post',
    receivedAt: `${RECEIVED_DAY}T09:30:00+07:00`,
    agencyId,
    subject: SUBJECT,
    parties,
    contentSummary: SUMMARY,
  });
  expect(r.status, r.text).toBe(201);
  const letter = r.json;
  const id = String(letter.id);
  const signers = (letter.parties as Array<{ id: string; role: string }>)
    .filter((p) => p.role === 'complainant' || p.role === 'denouncer')
    .map((p) => p.id);
  await work(officer, id, 'intake', { channel: 'post', forwardedBy: 'none', signerRefs: signers });
  await work(officer, id, 'classify', { letterType, ...eligible });
  const l = await poll(
    'the linked case in the letter',
    () => call('GET', `/v1/cases/${id}`, officer),
    (c) => ((c.json.linkedCases as Array<{ reference: string | null }> | undefined) ?? []).some((x) => x.reference),
  );
  const child = (l.json.linkedCases as Array<{ caseId: string; reference: string }>)[0]!;
  return { letter, linkedId: child.caseId, linkedReference: child.reference };
}

/** The PIN the acceptance notice of a linked case prints: derived from its id under the current PII key, like POST's. */
const noticePin = (caseId: string) => derivePin(api.deps.pii.key(api.deps.pii.currentKid), caseId);
const otherPin = (pin: string) => String((Number(pin) + 1) % 100_000_000).padStart(8, '0');
const PUBLIC_KEYS = [
  'caseType',
  'linkedCases',
  'nextDueAt',
  'receivedAt',
  'reference',
  'stage',
  'stageLabel',
  'status',
];
const strip = (p: Json) => ({ ...p, instance: undefined, requestId: undefined, detail: undefined });

describe('linked cases in the public look-up (ADR 0012)', () => {
  it("the letter's reference + PIN shows the complaint it was accepted as; the complaint has its own reference + PIN; wrong PINs are unknown references", async () => {
    // Letter tasks are the letter officer's (API role intake), the complaint's the resolver's (officer): ADR 0013.
    const officer = await authHeader({ roles: ['intake', 'officer'], agency: 'so-tnmt', sub: 'officer-lan@so-tnmt' });
    const secrets = ['Trần Thị B', '0912345678', 'Nguyễn Văn A', '001203004567'];
    const { letter, linkedId, linkedReference } = await acceptLetter('so-tnmt', officer, 'complaint', [
      { role: 'complainant', name: secrets[0], phone: secrets[1] },
      { role: 'denouncer', name: secrets[2], idNumber: secrets[3] },
    ]);
    const letterId = String(letter.id);
    const letterPin = String(letter.pin);
    const child = await poll(
      'the accept task of the complaint',
      () => call('GET', `/v1/cases/${linkedId}`, officer),
      (c) => (c.json.openTasks as Array<{ nodeId: string }> | undefined)?.some((t) => t.nodeId === 'accept') === true,
    );

    // The complaint's PIN: stored once with its row, as a keyed hash (never the PIN).
    const pin = noticePin(linkedId);
    const pinRows = await api.tdb.db('case_pins').where({ case_id: linkedId }).select('reference', 'pin_hash');
    expect(pinRows).toHaveLength(1);
    expect(pinRows[0]).toMatchObject({ reference: linkedReference });
    expect(String(pinRows[0].pin_hash)).toMatch(/^hmac\$/);
    expect(JSON.stringify(pinRows)).not.toContain(pin);

    // 1. The letter's reference + PIN (the receipt notice): its own status and the complaint's.
    const byLetter = await lookUp(String(letter.reference), letterPin);
    expect(byLetter.status, byLetter.text).toBe(200);
    expect(byLetter.json).toMatchObject({
      reference: letter.reference,
      caseType: 'letter',
      status: 'open',
      receivedAt: RECEIVED_AT,
    });
    expect(byLetter.json.linkedCases).toEqual([
      {
        reference: linkedReference,
        caseType: 'complaint_first',
        stage: child.json.stage,
        stageLabel: child.json.stageLabel,
        status: 'open',
        receivedAt: RECEIVED_AT,
        nextDueAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);

    // The step in Vietnamese beside its (English, versioned) node name: the same in the officer's view.
    expect(child.json.stage).toMatch(/^Accept or refuse the complaint \(thụ lý\)/);
    expect(child.json.stageLabel).toMatch(/^Thụ lý hoặc không thụ lý khiếu nại/);

    // 2. The complaint's own reference + PIN (its acceptance notice).
    const byChild = await lookUp(linkedReference, pin);
    expect(byChild.status, byChild.text).toBe(200);
    expect(byChild.json).toEqual({
      reference: linkedReference,
      caseType: 'complaint_first',
      stage: child.json.stage,
      stageLabel: child.json.stageLabel,
      status: 'open',
      receivedAt: RECEIVED_AT,
      nextDueAt: expect.any(String),
    });

    // The officer who sends the acceptance notice learns that PIN from the receipt route (audited, not cached);
    // the letter's receipt gives back the PIN POST returned.
    const receipt = await fetch(`${api.url}/v1/cases/${linkedId}/receipt`, { headers: officer });
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('cache-control')).toBe('no-store');
    expect(receipt.headers.get('etag')).toBeNull(); // a hash of a body with an 8-digit PIN would give the PIN away
    expect(await receipt.json()).toEqual({
      caseId: linkedId,
      reference: linkedReference,
      pin,
      publicLookup: `/v1/public/cases/${linkedReference}?pin=${pin}`,
    });
    expect((await call('GET', `/v1/cases/${letterId}/receipt`, officer)).json).toMatchObject({
      reference: letter.reference,
      pin: letterPin,
    });
    const reads = await api.tdb
      .db('audit_log')
      .where({ case_id: linkedId, action: 'case.pin_read' })
      .select('actor', 'after');
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads)).toContain('officer-lan@so-tnmt');
    expect(JSON.stringify(reads)).not.toContain(pin);

    // Nothing personal, no subject or summary, no internal ids or agency, no tasks or notes, only the public fields.
    for (const r of [byLetter, byChild]) {
      for (const s of [...secrets, SUBJECT, SUMMARY, letterId, linkedId, 'so-tnmt', 'accept', letterPin, pin])
        expect(r.text).not.toContain(s);
      expect(
        Object.keys(r.json).every((k) => PUBLIC_KEYS.includes(k)),
        r.text,
      ).toBe(true);
    }
    for (const l of byLetter.json.linkedCases as Json[])
      expect(Object.keys(l).every((k) => PUBLIC_KEYS.includes(k) && k !== 'linkedCases')).toBe(true);

    // 3. No oracle: a wrong PIN, the letter's PIN on the complaint, the complaint's PIN on the letter, an unknown reference — one 404.
    const unknown = await lookUp('KN1-2026-0000000000', pin);
    expect(unknown.status).toBe(404);
    for (const r of [
      await lookUp(linkedReference, otherPin(pin)),
      await lookUp(linkedReference, letterPin),
      await lookUp(String(letter.reference), pin),
    ]) {
      expect(r.status).toBe(404);
      expect(strip(r.json)).toEqual(strip(unknown.json));
    }

    // 4. Once, whatever follows: the complaint moves on (more projections), still one PIN row, still the same PIN.
    await work(officer, linkedId, 'accept', {
      acceptanceDecision: 'accept',
      acceptanceNoticeOn: vnDay(0),
      acceptedOn: vnDay(0),
    });
    const moved = await poll(
      'the complaint past acceptance',
      () => call('GET', `/v1/cases/${linkedId}`, officer),
      (c) =>
        (c.json.openTasks as Array<{ nodeId: string }>).length > 0 &&
        !(c.json.openTasks as Array<{ nodeId: string }>).some((t) => t.nodeId === 'accept'),
    );
    expect(await api.tdb.db('case_pins').where({ case_id: linkedId }).count('* as n').first()).toMatchObject({ n: 1 });
    const again = await lookUp(linkedReference, pin);
    expect(again.status).toBe(200);
    expect(again.json.stage).toBe(moved.json.stage);
    expect(again.json.stageLabel).toBe(moved.json.stageLabel);
    expect(again.json.stageLabel).not.toBe(again.json.stage);

    // 5. A case of a case (a second complaint, projected as the interpreter does) is listed under the letter too, with its own PIN.
    const secondId = randomUUID();
    await createCaseStateStore(api.tdb.db, { pinKeys: api.deps.pii }).project({
      caseId: secondId,
      caseType: 'complaint_second',
      agencyId: 'so-tnmt',
      seq: 1,
      state: linkedState(secondId, linkedId, SECOND_DAY),
    });
    const second = await api.tdb.db('cases').where({ id: secondId }).first('reference');
    const tree = await lookUp(String(letter.reference), letterPin);
    expect(
      (tree.json.linkedCases as Array<{ reference: string; caseType: string }>).map((l) => [l.reference, l.caseType]),
    ).toEqual([
      [linkedReference, 'complaint_first'],
      [second.reference, 'complaint_second'],
    ]);
    const bySecond = await lookUp(String(second.reference), noticePin(secondId));
    expect(bySecond.status, bySecond.text).toBe(200);
    expect(bySecond.json).toMatchObject({
      reference: second.reference,
      caseType: 'complaint_second',
      receivedAt: `${SECOND_DAY}T00:00:00.000+07:00`,
    });
    expect(bySecond.json).not.toHaveProperty('linkedCases');
    // The complaint's look-up lists the second complaint (its child), not the letter (its parent).
    expect(
      ((await lookUp(linkedReference, pin)).json.linkedCases as Array<{ reference: string }>).map((l) => l.reference),
    ).toEqual([second.reference]);

    // 6. A projection without the keyring (a worker not given PII_KEYS) creates the row but no PIN.
    const thirdId = randomUUID();
    await createCaseStateStore(api.tdb.db).project({
      caseId: thirdId,
      caseType: 'complaint_second',
      agencyId: 'so-tnmt',
      seq: 1,
      state: linkedState(thirdId, linkedId, '2026-12-02'),
    });
    expect(await api.tdb.db('cases').where({ id: thirdId }).count('* as n').first()).toMatchObject({ n: 1 });
    expect(await api.tdb.db('case_pins').where({ case_id: thirdId }).count('* as n').first()).toMatchObject({ n: 0 });
    // Its receipt issues the PIN then (derived the same way), once; the look-up takes it.
    const third = await api.tdb.db('cases').where({ id: thirdId }).first('reference');
    const issued = await call('GET', `/v1/cases/${thirdId}/receipt`, officer);
    expect(issued.status, issued.text).toBe(200);
    expect(issued.json).toMatchObject({ reference: third.reference, pin: noticePin(thirdId) });
    expect((await call('GET', `/v1/cases/${thirdId}/receipt`, officer)).json.pin).toBe(noticePin(thirdId));
    expect(await api.tdb.db('case_pins').where({ case_id: thirdId }).count('* as n').first()).toMatchObject({ n: 1 });
    expect((await lookUp(String(third.reference), noticePin(thirdId))).status).toBe(200);
  });

  it("the inspectorate a task is routed to finds the case through its inbox item; the case search stays the case agency's", async () => {
    const communeOfficer = await authHeader({
      roles: ['intake', 'officer'],
      agency: 'ubnd-xa-a',
      sub: 'officer@ubnd-xa-a',
    }); // letter + complaint work (ADR 0013)
    const inspector = await authHeader({
      roles: ['officer'],
      agency: 'thanh-tra-tinh',
      sub: 'inspector@thanh-tra-tinh',
    });
    const { linkedId, linkedReference } = await acceptLetter('ubnd-xa-a', communeOfficer, 'petition', [
      { role: 'complainant', name: 'Lê Văn C' },
    ]);

    const inbox = await poll(
      "the inspection task in the inspectorate's inbox",
      () => call('GET', '/v1/tasks?limit=200', inspector),
      (r) =>
        (r.json.items as Array<{ caseId: string; nodeId: string }>).some(
          (t) => t.caseId === linkedId && t.nodeId === 'inspect',
        ),
    );
    const item = (inbox.json.items as Json[]).find((t) => t.caseId === linkedId && t.nodeId === 'inspect')!;
    expect(item).toMatchObject({
      caseId: linkedId,
      caseReference: linkedReference,
      caseType: 'petition',
      targetAgencyId: 'thanh-tra-tinh',
      links: { case: `/v1/cases/${linkedId}` },
    });
    // The link opens the case; the search does not list it (ADR 0012: GET /v1/cases/:id only).
    const opened = await call('GET', String((item.links as Json).case), inspector);
    expect(opened.status, opened.text).toBe(200);
    expect(opened.json).toMatchObject({ id: linkedId, reference: linkedReference });
    expect(
      ((await call('GET', '/v1/cases?limit=200', inspector)).json.items as Array<{ id: string }>).map((c) => c.id),
    ).not.toContain(linkedId);
    // Nor may it read the citizen's PIN: that is the case agency's (404, as for any case outside its subtree).
    expect((await call('GET', `/v1/cases/${linkedId}/receipt`, inspector)).status).toBe(404);
    // The petition has its own citizen PIN too (its acceptance notice, TCD 2013 Art 28(1)).
    const byChild = await lookUp(linkedReference, noticePin(linkedId));
    expect(byChild.status, byChild.text).toBe(200);
    expect(byChild.json).toMatchObject({ reference: linkedReference, caseType: 'petition', status: 'open' });
    expect(byChild.text).not.toContain('Lê Văn C');
  });
});
