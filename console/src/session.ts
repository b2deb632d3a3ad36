/**
 * The signed-in person: the bearer token (kept in sessionStorage: gone when the tab closes) and the claims it
 * carries, read only to decide what to show. The API checks the token on every call and stays the authority:
 * the console hides what the API would refuse, nothing more.
 */
import { createContext, useContext } from 'react';

const KEY = 'kntc.token';

export interface Claims {
  sub: string;
  agency: string;
  roles: string[];
  permissions: string[];
  exp?: number;
}

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}
export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

/** The claims of a JWT (not verified here: the API verifies it). Null for anything that is not a JWT. */
export function claimsOf(token: string | null): Claims | null {
  if (!token) return null;
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const c = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[ ,]+/) : []);
    return {
      sub: String(c.sub ?? ''),
      agency: String(c.agency ?? c.agency_id ?? ''),
      roles: list(c.roles),
      permissions: list(c.permissions),
      ...(typeof c.exp === 'number' ? { exp: c.exp } : {}),
    };
  } catch {
    return null;
  }
}

export interface Session {
  token: string | null;
  claims: Claims | null;
  signIn(token: string): void;
  signOut(): void;
}
export const SessionContext = createContext<Session>({
  token: null,
  claims: null,
  signIn: () => undefined,
  signOut: () => undefined,
});
export const useSession = () => useContext(SessionContext);

/** May the signed-in person act as one of these roles? (The same role names as the API's route rules.) */
export function hasRole(claims: Claims | null, ...roles: string[]): boolean {
  return Boolean(claims?.roles.some((r) => roles.includes(r)));
}
