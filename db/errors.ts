/** Domain errors raised by stores; the API maps them to HTTP problems in one place. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Translates PostgreSQL SQLSTATE codes into domain errors (the one place that knows them). */
export function translatePgError(e: unknown): unknown {
  const code = (e as { code?: string } | null)?.code;
  if (code === '23505') return new ConflictError('already exists');
  if (code === '23503') return new NotFoundError('referenced record does not exist');
  return e;
}
