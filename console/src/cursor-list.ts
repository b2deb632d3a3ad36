/** Paged lists: every paged route answers `{ items, next }`, `next` a relative URL carrying the `after` cursor. */
import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

/** The `after` cursor of a list's `next` link. */
export const afterOf = (next: string | null): string | undefined =>
  next ? (new URL(next, 'http://x').searchParams.get('after') ?? undefined) : undefined;

/**
 * A paged list read a page at a time: `page(after)` reads one page (`after` undefined for the first); the rows read so
 * far come flattened in `items`, and `q` drives the "more" button.
 */
export function useCursorList<P extends { items: readonly unknown[]; next: string | null }>(
  queryKey: QueryKey,
  page: (after: string | undefined) => Promise<P>,
) {
  const q = useInfiniteQuery({
    queryKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => page(pageParam),
    getNextPageParam: (last) => afterOf(last.next),
  });
  const items: Array<P['items'][number]> = q.data?.pages.flatMap((p) => p.items) ?? [];
  return { q, items };
}
