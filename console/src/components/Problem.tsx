import { Alert, Loader } from '@mantine/core';
import { ApiError } from '../api.js';
import { useT } from '../i18n.js';

/** A refusal or failure as the API worded it (problem+json `detail`, else `title`). */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useT();
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  const fallback = e?.status === 404 ? t('notFound') : e?.status === 403 ? t('forbidden') : undefined;
  const text = e?.problem?.detail ?? e?.problem?.title ?? fallback ?? (error as Error).message;
  return (
    <Alert color="red" title={title ?? e?.problem?.title ?? t('error')} role="alert" data-testid="problem">
      {text}
      {e?.problem?.errors?.length ? (
        <ul>
          {e.problem.errors.map((x, i) => (
            <li key={i}>
              <code>{x.path}</code>: {x.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}

/**
 * Loading / error / content of one query. A failed re-read (after a change, ADR 0033 amendment 6) keeps what was
 * shown, with the error above it: a form being filled is not taken away because the server failed once.
 */
export function QueryState({
  q,
  children,
}: {
  q: { isPending: boolean; error: unknown; data?: unknown };
  children: React.ReactNode;
}) {
  if (q.error && q.data === undefined) return <ProblemAlert error={q.error} />;
  if (q.isPending) return <Loader size="sm" aria-label="loading" />;
  return (
    <>
      {q.error ? <ProblemAlert error={q.error} /> : null}
      {children}
    </>
  );
}
