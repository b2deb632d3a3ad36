/**
 * The first requests of the screen the address opens, started by a tiny entry of its own (index.html loads it
 * before the application): they run while the application's code downloads and starts instead of after
 * (ADR 0033 amendment 4). Only GETs the screen makes anyway, with the session's token; the screen's query takes
 * the answer once (`takeEarly`) and asks the API itself when there is none or it was not a 2xx.
 */

/** The inbox's default view (`roles`): what `inboxQuery('roles')` asks. */
export const INBOX_URL = '/v1/tasks?status=open&limit=200';
/** The dashboard's figures: what `figuresQuery` asks. */
export const FIGURES_URLS = [
  '/v1/figures/cases?status=open&groupBy=agency%2Ctype%2Coverdue',
  '/v1/figures/cases?status=open&atRisk=true&groupBy=agency%2Ctype',
] as const;

const BY_PATH: Record<string, readonly string[]> = {
  '/': [INBOX_URL], // the index route opens the inbox
  '/inbox': [INBOX_URL],
  '/dashboard': FIGURES_URLS,
};

type Store = Map<string, Promise<Response>>;
const store = (): Store => {
  const g = globalThis as unknown as { __kntcEarly?: Store };
  return (g.__kntcEarly ??= new Map());
};

/** Starts the requests of the current path (once per page load; nothing without a token). */
export function startEarly(): void {
  const g = globalThis as unknown as { __kntcEarlyStarted?: boolean };
  if (g.__kntcEarlyStarted) return;
  g.__kntcEarlyStarted = true;
  let token: string | null;
  try {
    token = sessionStorage.getItem('kntc.token');
  } catch {
    return;
  }
  if (!token) return;
  const path = location.pathname.replace(/\/$/, '') || '/';
  for (const url of BY_PATH[path] ?? [])
    store().set(
      url,
      fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }).catch(
        () => new Response(null, { status: 599 }),
      ),
    );
}

/** The JSON of the early answer to `url` if there was one and it was a 2xx (taken once), else undefined. */
export async function takeEarly<T>(url: string): Promise<T | undefined> {
  const p = store().get(url);
  if (!p) return undefined;
  store().delete(url);
  const r = await p;
  return r.ok ? ((await r.json()) as T) : undefined;
}

startEarly();
