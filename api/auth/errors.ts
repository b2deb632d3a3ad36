import { HttpProblem } from '../problem.js';

/** Wrong role: the caller may know the operation exists, but may not use it. */
export const forbidden = (detail: string) => new HttpProblem(403, 'forbidden', 'Forbidden', detail);

/** Missing, or outside the caller's agency subtree (the two are deliberately indistinguishable). */
export const notFound = (what: string) => new HttpProblem(404, 'not-found', 'Not found', `${what} was not found`);
