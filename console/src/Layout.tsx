import { Anchor, Button, NativeSelect, Text } from '@mantine/core';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { memo, useContext, type MouseEvent } from 'react';
import { LangContext, useT } from './i18n.js';
import { publicScreens, screens } from './routes.js';
import { hasRole, useSession } from './session.js';

/** The frame of every page: title, language switch, the signed-in person and the menu of their screens. */
export function Layout() {
  const { t } = useT();
  const { lang, setLang } = useContext(LangContext);
  const { claims, signOut } = useSession();
  const nav = screens.filter((s) => s.nav && hasRole(claims, ...s.nav.roles));
  return (
    <div className="shell">
      <header className="shell-header">
        <Anchor component={Link} to="/" c="white" fw={700} className="brand">
          {t('appName')}
        </Anchor>
        <div className="header-right">
          <NativeSelect
            aria-label={t('language')}
            size="xs"
            value={lang}
            onChange={(e) => setLang(e.currentTarget.value === 'en' ? 'en' : 'vi')}
            data={[
              { value: 'vi', label: 'Tiếng Việt' },
              { value: 'en', label: 'English' },
            ]}
          />
          {claims ? (
            <>
              <Text size="sm" c="white" className="who" data-testid="who">
                {claims.sub} · {claims.agency} · {claims.roles.join(', ')}
              </Text>
              <Button size="xs" variant="white" color="dark" onClick={signOut}>
                {t('signOut')}
              </Button>
            </>
          ) : (
            <Button size="xs" variant="white" color="dark" component={Link} to="/signin">
              {t('signIn')}
            </Button>
          )}
        </div>
      </header>
      <Menu
        links={[...nav, ...publicScreens.filter((s) => s.nav)].map((s) => ({
          to: `/${s.path}`,
          label: t(s.nav!.label),
        }))}
      />
      <main className="shell-main">
        <Outlet />
      </main>
    </div>
  );
}

/**
 * The side menu: plain links marked as react-router's `NavLink` marks them (class `active`, `aria-current="page"`
 * on the current screen and below it), followed in the page. Not `NavLink`s: each of those resolves its path on
 * every change of the router's state, and the menu's ≈ 15 of them cost the first screen tens of ms of main thread on
 * the loaded benchmark machine (ADR 0033 amendment 5); this one renders when the address or the words change.
 */
const Menu = memo(function Menu({ links }: { links: Array<{ to: string; label: string }> }) {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const follow = (e: MouseEvent<HTMLAnchorElement>, to: string) => {
    if (e.button !== 0 || e.metaKey || e.altKey || e.ctrlKey || e.shiftKey || e.defaultPrevented) return;
    e.preventDefault();
    void navigate(to);
  };
  return (
    <nav className="shell-nav" aria-label="menu">
      {links.map(({ to, label }) => {
        const active = pathname === to || pathname.startsWith(`${to}/`);
        return (
          <a
            key={to}
            href={to}
            className={active ? 'nav-link active' : 'nav-link'}
            aria-current={active ? 'page' : undefined}
            onClick={(e) => follow(e, to)}
          >
            {label}
          </a>
        );
      })}
    </nav>
  );
}, sameLinks);

function sameLinks(
  a: { links: Array<{ to: string; label: string }> },
  b: { links: Array<{ to: string; label: string }> },
) {
  return (
    a.links.length === b.links.length &&
    a.links.every((l, i) => l.to === b.links[i]!.to && l.label === b.links[i]!.label)
  );
}

/** Screens behind sign-in: without a token, the sign-in page (and back here after). */
export function RequireSession() {
  const { token } = useSession();
  const here = useLocation();
  if (!token) return <Navigate to={`/signin?next=${encodeURIComponent(here.pathname + here.search)}`} replace />;
  return <Outlet />;
}
