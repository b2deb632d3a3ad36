/**
 * Representatives of several complainants / denouncers / petitioners on one content
 * (Luật Tiếp công dân 2013 Art 29; Luật Khiếu nại 2011 Art 8(4)-(5)) and the mass-case flag
 * (TT 07/2014/TT-TTCP Art 6: "many people" = 5 or more signers). Pure: used by the
 * `checkRepresentatives` activity and by tests. Signers and representatives are opaque party
 * references, never personal data.
 */

/** Threshold of a mass case (đơn nhiều người đứng tên): 5 or more signers. */
export const MASS_CASE_MIN_SIGNERS = 5;

/** Why a set of representatives is refused. */
export type RepresentativeErrorCode = 'too_few' | 'too_many' | 'not_a_signer' | 'duplicate' | 'no_signers';

export interface RepresentativeError {
  code: RepresentativeErrorCode;
  message: string;
  legalBasis: string;
}

/** Result of {@link validateRepresentatives}. */
export type RepresentativeCheck =
  | { ok: true; massCase: boolean; allowed: { min: number; max: number } }
  | { ok: false; massCase: boolean; allowed: { min: number; max: number }; errors: RepresentativeError[] };

const TCD_29 = 'Luật Tiếp công dân 2013 Art 29; Luật Khiếu nại 2011 Art 8(4); NĐ 124/2020 Art 6(2) [S]';
const KN_8_5 = 'Luật Khiếu nại 2011 Art 8(5)';

/**
 * Number of representatives allowed for `signerCount` people: 5-10 people -> 1 or 2; more than
 * 10 -> up to 5 (TCD Art 29). Below 5 the Law sets no number: 0 up to every signer.
 */
export function allowedRepresentatives(signerCount: number): { min: number; max: number } {
  if (signerCount > 10) return { min: 1, max: 5 };
  if (signerCount >= MASS_CASE_MIN_SIGNERS) return { min: 1, max: 2 };
  return { min: 0, max: signerCount };
}

/**
 * Checks the appointed representatives against the signers: the count rule of TCD Art 29 and
 * that each representative is one of the signers (KN Art 8(5)); flags a mass case (>= 5 signers).
 * `signerCount`: how many people signed when not every signer is listed as a party (intake's
 * `signersCount`); the count rule applies to the larger of it and the listed signers, and a
 * representative is checked against the list only when the list holds every signer.
 */
export function validateRepresentatives(
  signers: readonly string[],
  representatives: readonly string[],
  signerCount?: number,
): RepresentativeCheck {
  const uniqueSigners = new Set(signers);
  const listed = uniqueSigners.size;
  const n = Math.max(listed, Number.isInteger(signerCount) && signerCount! > 0 ? signerCount! : 0);
  const massCase = n >= MASS_CASE_MIN_SIGNERS;
  const allowed = allowedRepresentatives(n);
  const errors: RepresentativeError[] = [];
  if (n === 0)
    errors.push({
      code: 'no_signers',
      message: 'nobody signed',
      legalBasis: 'Luật Khiếu nại 2011 Art 8(2); Luật Tố cáo 2018 Art 23',
    });
  const uniqueReps = new Set(representatives);
  if (uniqueReps.size !== representatives.length) {
    errors.push({ code: 'duplicate', message: 'a representative is listed twice', legalBasis: TCD_29 });
  }
  if (uniqueReps.size < allowed.min) {
    errors.push({
      code: 'too_few',
      message: `${n} signers must appoint at least ${allowed.min} representative(s), got ${uniqueReps.size}`,
      legalBasis: TCD_29,
    });
  }
  if (uniqueReps.size > allowed.max) {
    errors.push({
      code: 'too_many',
      message:
        n > 10
          ? `more than 10 signers (${n}) may appoint at most ${allowed.max} representatives, got ${uniqueReps.size}`
          : `${n} signers may appoint ${allowed.min === 0 ? 'at most' : `${allowed.min} to`} ${allowed.max} representative(s), got ${uniqueReps.size}`,
      legalBasis: TCD_29,
    });
  }
  for (const rep of listed >= n ? uniqueReps : []) {
    if (!uniqueSigners.has(rep))
      errors.push({
        code: 'not_a_signer',
        message: `representative '${rep}' is not one of the signers`,
        legalBasis: KN_8_5,
      });
  }
  return errors.length === 0 ? { ok: true, massCase, allowed } : { ok: false, massCase, allowed, errors };
}
