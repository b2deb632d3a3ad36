import { Anchor, Button, NativeSelect, Text } from '@mantine/core';
import { Link, Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { useContext } from 'react';
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
      <nav className="shell-nav" aria-label="menu">
        {nav.map((s) => (
          <NavLink key={s.path} to={`/${s.path}`} className="nav-link">
            {t(s.nav!.label)}
          </NavLink>
        ))}
        {publicScreens
          .filter((s) => s.nav)
          .map((s) => (
            <NavLink key={s.path} to={`/${s.path}`} className="nav-link">
              {t(s.nav!.label)}
            </NavLink>
          ))}
      </nav>
      <main className="shell-main">
        <Outlet />
      </main>
    </div>
  );
}

/** Screens behind sign-in: without a token, the sign-in page (and back here after). */
export function RequireSession() {
  const { token } = useSession();
  const here = useLocation();
  if (!token) return <Navigate to={`/signin?next=${encodeURIComponent(here.pathname + here.search)}`} replace />;
  return <Outlet />;
}
