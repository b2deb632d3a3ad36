/**
 * The parts of platform/embedded-pg.ts that decide where PostgreSQL runs from and on (ADR 0015), on real files:
 * the binary cache is created once, reused, and replaced when altered; a data folder the postgres user cannot reach
 * (as root) is placed under KNTC_PG_DATA_HOME behind a symlink; a postmaster.pid naming another process is removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cachedPostgres,
  clearStalePostmaster,
  placeDataDir,
  postgresUser,
  reachableBy,
} from '../../platform/embedded-pg.js';

const root = process.getuid?.() === 0;
let tmp: string;
let source: string;
let base: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-epg-'));
  source = path.join(tmp, 'native');
  fs.mkdirSync(path.join(source, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(source, 'lib'));
  fs.writeFileSync(path.join(source, 'bin', 'postgres'), '#!/bin/sh\necho 18\n', { mode: 0o700 });
  fs.writeFileSync(path.join(source, 'lib', 'libpq.so.5.18'), 'library', { mode: 0o600 });
  fs.symlinkSync('libpq.so.5.18', path.join(source, 'lib', 'libpq.so.5'));
  base = path.join(tmp, 'cache');
  fs.mkdirSync(base);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the PostgreSQL binary cache', () => {
  it('is a world-readable copy, made once and reused', () => {
    const dir = cachedPostgres(source, '18.0.0', base);
    expect(path.basename(dir)).toMatch(/^kntc-pg-18\.0\.0-[0-9a-f]{16}$/);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(dir, 'bin', 'postgres')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(dir, 'lib', 'libpq.so.5.18')).mode & 0o777).toBe(0o644);
    expect(fs.readlinkSync(path.join(dir, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    const ino = fs.statSync(path.join(dir, 'bin', 'postgres')).ino;
    expect(cachedPostgres(source, '18.0.0', base)).toBe(dir);
    expect(fs.statSync(path.join(dir, 'bin', 'postgres')).ino).toBe(ino); // not copied again
    expect(fs.readdirSync(base)).toEqual([path.basename(dir)]); // no temporary copies left
  });

  it('is replaced when a file was changed, made writable by others, or removed', () => {
    const dir = cachedPostgres(source, '18.0.0', base);
    fs.appendFileSync(path.join(dir, 'bin', 'postgres'), 'echo planted\n');
    expect(cachedPostgres(source, '18.0.0', base)).toBe(dir);
    expect(fs.readFileSync(path.join(dir, 'bin', 'postgres'), 'utf8')).toBe('#!/bin/sh\necho 18\n');
    fs.chmodSync(path.join(dir, 'lib', 'libpq.so.5.18'), 0o666);
    cachedPostgres(source, '18.0.0', base);
    expect(fs.statSync(path.join(dir, 'lib', 'libpq.so.5.18')).mode & 0o777).toBe(0o644);
    fs.rmSync(path.join(dir, 'lib', 'libpq.so.5'));
    cachedPostgres(source, '18.0.0', base);
    expect(fs.readlinkSync(path.join(dir, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(fs.readdirSync(base)).toEqual([path.basename(dir)]);
    if (root) {
      // an entry of another user (here: postgres) is not trusted either
      const { uid, gid } = postgresUser();
      fs.chownSync(path.join(dir, 'bin', 'postgres'), uid, gid);
      cachedPostgres(source, '18.0.0', base);
      expect(fs.statSync(path.join(dir, 'bin', 'postgres')).uid).toBe(0);
    }
  });

  it('gets a new name for other contents or another version', () => {
    const a = cachedPostgres(source, '18.0.0', base);
    expect(cachedPostgres(source, '18.0.1', base)).not.toBe(a);
  });
});

describe('the data directory', () => {
  it('as root: in place when the postgres user reaches it, else under KNTC_PG_DATA_HOME behind a symlink; as a user: in place', () => {
    if (!root) {
      const dir = path.join(fs.mkdtempSync(path.join(tmp, 'home-')), '.data', 'postgres');
      expect(placeDataDir(dir, undefined)).toBe(dir);
      expect(fs.statSync(dir).isDirectory()).toBe(true);
      return;
    }
    const ids = postgresUser();
    const open = fs.mkdtempSync(path.join(tmp, 'open-'));
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(open, 0o755);
    expect(reachableBy(ids, open)).toBe(true);
    const inPlace = placeDataDir(path.join(open, 'postgres'), ids);
    expect(inPlace).toBe(path.join(open, 'postgres'));
    expect(fs.statSync(inPlace)).toMatchObject({ uid: ids.uid });

    const home = fs.mkdtempSync(path.join(tmp, 'home-')); // 0700, like root's home
    expect(reachableBy(ids, home)).toBe(false);
    const dataHome = path.join(tmp, 'var-lib');
    process.env.KNTC_PG_DATA_HOME = dataHome;
    try {
      const configured = path.join(home, '.data', 'postgres');
      const real = placeDataDir(configured, ids);
      expect(path.dirname(real)).toBe(dataHome);
      expect(fs.readlinkSync(configured)).toBe(real);
      expect(fs.statSync(real)).toMatchObject({ uid: ids.uid });
      expect(fs.statSync(real).mode & 0o777).toBe(0o700);
      expect(reachableBy(ids, real)).toBe(true);
      expect(placeDataDir(configured, ids)).toBe(real); // followed on the next start
      fs.rmSync(real, { recursive: true });
      const fresh = placeDataDir(configured, ids); // a dangling link: a fresh directory
      expect(fresh).not.toBe(real);
      expect(fs.readlinkSync(configured)).toBe(fresh);
      // An empty directory left by a start that failed on it (before ADR 0015) is replaced; one with data is not.
      const left = path.join(home, 'old', 'postgres');
      fs.mkdirSync(left, { recursive: true });
      expect(path.dirname(placeDataDir(left, ids))).toBe(dataHome);
      const kept = path.join(home, 'kept', 'postgres');
      fs.mkdirSync(kept, { recursive: true });
      fs.writeFileSync(path.join(kept, 'PG_VERSION'), '18\n');
      expect(() => placeDataDir(kept, ids)).toThrow(/cannot reach the PostgreSQL data directory/);
    } finally {
      delete process.env.KNTC_PG_DATA_HOME;
    }
  });
});

describe('a postmaster.pid left behind', () => {
  it('naming a live process that is not a PostgreSQL of this folder is removed; naming a dead one is left to PostgreSQL', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'pgdata-'));
    const pidFile = path.join(dir, 'postmaster.pid');
    fs.writeFileSync(pidFile, `${process.pid}\n${dir}\n`);
    expect(await clearStalePostmaster(dir)).toBeUndefined();
    expect(fs.existsSync(pidFile)).toBe(false);
    fs.writeFileSync(pidFile, '2147483646\n');
    expect(await clearStalePostmaster(dir)).toBeUndefined();
    expect(fs.existsSync(pidFile)).toBe(true);
  });
});
