/**
 * The inbox's task query, shared by the inbox page and the route that prefetches it: the request starts when the
 * router enters /inbox, alongside the download of the page's code, instead of after it (ADR 0033 amendment 2).
 */
import type { QueryClient } from '@tanstack/react-query';
import { api, ok } from './api.js';
import { INBOX_URL, takeEarly } from './early.js';

export type InboxView = 'mine' | 'roles' | 'agency';

export const inboxQuery = (view: InboxView) => ({
  queryKey: ['tasks', view] as const,
  queryFn: async () => {
    const get = async () =>
      ok(
        await api().GET('/v1/tasks', {
          params: { query: { status: 'open' as const, limit: 200, ...(view === 'mine' ? { assignee: 'me' } : {}) } },
        }),
      );
    // The default view's answer may already be on its way (early.ts, started before this code ran).
    return (view === 'roles' ? await takeEarly<Awaited<ReturnType<typeof get>>>(INBOX_URL) : undefined) ?? get();
  },
});

/** Starts the inbox's first query (the default view) without waiting for it. */
export function prefetchInbox(qc: QueryClient): void {
  void qc.prefetchQuery(inboxQuery('roles'));
}
