/**
 * Message contract for a case changing agency (ADR 0024), shared by the agency-closure fan-out
 * (sender) and case workflows (receiver). Pure: only `@temporalio/workflow`'s `defineSignal`.
 *
 * When an admin closes an agency, each of its open cases receives {@link caseAgencyChanged} naming the
 * successor: the case then works for that agency (its next projection, task routing and search
 * attribute `KntcAgencyId` use it). No personal data.
 */
import { defineSignal } from '@temporalio/workflow';

/** Payload of {@link caseAgencyChanged}. */
export interface CaseAgencyChanged {
  /** The agency the case now belongs to (the closed agency's successor). */
  readonly agencyId: string;
  /** The agency it belonged to (closed). A case not at this agency any more ignores the message. */
  readonly fromAgencyId: string;
  /** Id of the `agency_closures` row that moved it. */
  readonly closureId: string;
  /** Why, for the case's trail. */
  readonly reason: string;
}

/** Signal name; stable (it is recorded in workflow histories). */
export const CASE_AGENCY_CHANGED = 'caseAgencyChanged';

/** Fire-and-forget: the case takes the new agency at its next step and projects it. */
export const caseAgencyChanged = defineSignal<[CaseAgencyChanged]>(CASE_AGENCY_CHANGED);
