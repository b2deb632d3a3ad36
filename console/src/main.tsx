import './mantine.css';
import './console.css';
import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  createTheme,
  defaultVariantColorsResolver,
  MantineProvider,
  type VariantColorResolverResult,
} from '@mantine/core';
import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { LangContext, type Lang } from './i18n.js';
import { claimsOf, readToken, SessionContext, storeToken, type Session } from './session.js';
import { publicScreens, screens } from './routes.js';
import { Layout, RequireSession } from './Layout.js';
import { ApiError } from './api.js';
import { SignIn } from './SignIn.js';

declare module '@tanstack/react-query' {
  interface Register {
    /** `reads`: the mutation only reads (a download, a check): nothing cached can have changed. */
    mutationMeta: { reads?: boolean };
  }
}

const queryClient: QueryClient = new QueryClient({
  /**
   * After any change, success or refusal, everything cached is stale: the queries on screen are read again and the
   * others when next shown. A change shows in many places (a claim in the inbox and on the task's page, a visit on its
   * matter, the dashboard counts, the timeline's audit entries); listing them per change missed some (CI saw a task
   * page keep a task unclaimed). Not awaited: the change's own answer is shown at once.
   */
  mutationCache: new MutationCache({
    onSettled: (_data, _error, _vars, _ctx, mutation) => {
      if (!mutation.meta?.reads) void queryClient.invalidateQueries();
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A refusal (4xx) is an answer, not a failure to retry.
      retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/**
 * Mantine's default colours per (colour, variant), worked out once: the default resolver parses the colour and
 * computes its luminance on every render of every badge and button (≈ 400 in a 200-row inbox). The theme never
 * changes, so the answer for the same input is the same (ADR 0033 amendment 5).
 */
const variantColors = new Map<string, VariantColorResolverResult>();
const theme = createTheme({
  variantColorResolver: (input) => {
    const key = JSON.stringify([input.color, input.variant, input.gradient, input.autoContrast]);
    let v = variantColors.get(key);
    if (!v) variantColors.set(key, (v = defaultVariantColorsResolver(input)));
    return v;
  },
});

const router = createBrowserRouter([
  { path: '/signin', element: <SignIn /> },
  {
    path: '/',
    element: <Layout />,
    children: [
      ...publicScreens.map((s) => ({ path: s.path, lazy: s.lazy })),
      {
        element: <RequireSession />,
        children: [
          { index: true, element: <Navigate to="/inbox" replace /> },
          ...screens.map((s) => ({
            path: s.path,
            lazy: s.lazy,
            // A static loader runs alongside `lazy`: it only starts the screen's request, returning at once.
            ...(s.prefetch
              ? {
                  loader: () => {
                    if (readToken()) s.prefetch!(queryClient);
                    return null;
                  },
                }
              : {}),
          })),
        ],
      },
    ],
  },
]);

function App() {
  const [token, setToken] = useState(readToken());
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('kntc.lang') === 'en' ? 'en' : 'vi'));
  const session = useMemo<Session>(
    () => ({
      token,
      claims: claimsOf(token),
      signIn: (t) => {
        storeToken(t);
        setToken(t);
      },
      signOut: () => {
        storeToken(null);
        setToken(null);
        queryClient.clear();
      },
    }),
    [token],
  );
  const langValue = useMemo(
    () => ({
      lang,
      setLang: (l: Lang) => {
        localStorage.setItem('kntc.lang', l);
        document.documentElement.lang = l;
        setLangState(l);
      },
    }),
    [lang],
  );
  return (
    // No injected <style> tags (the CSP allows styles from this origin only): the default theme's variables
    // come with Mantine's stylesheet (mantine.css: default-css-variables.css).
    <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false}>
      <QueryClientProvider client={queryClient}>
        <LangContext.Provider value={langValue}>
          <SessionContext.Provider value={session}>
            <RouterProvider router={router} />
          </SessionContext.Provider>
        </LangContext.Provider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
