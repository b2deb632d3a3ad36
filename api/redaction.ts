/** How personal data looks to a reader without the right to see it (parties, visitors). */
import type { PartyIdentity } from '../db/parties.js';

export const REDACTED = '[redacted]';

/** A party's or visitor's identity as a reader without the right sees it: each field present is `[redacted]`. */
export function redactedIdentity(i: PartyIdentity) {
  const r = (v: string | undefined) => (v === undefined ? undefined : REDACTED);
  return { name: REDACTED, idNumber: r(i.idNumber), phone: r(i.phone), address: r(i.address), email: r(i.email) };
}
