/**
 * The npm package as a user gets it: `npm pack` ships only dist/ (the production build), the README,
 * the licence and the systemd units; the tarball installed into an empty folder runs `--version`,
 * `--help`, `demo` and `--status` from node_modules/.bin.
 *
 * Speed: the install is offline from the npm cache with `--ignore-scripts`, and better-sqlite3's
 * native addon is copied from this checkout's own build (the same pinned version and Node ABI).
 * Letting the install compile it from source works too, but takes about 90 s on this 2-core machine.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
/** Packing and installing 69 packages from the cache; minutes under load on a shared machine. */
const SETUP_TIMEOUT_MS = 240_000;
const NATIVE_ADDON = 'build/Release/better_sqlite3.node';

interface PackedFile {
  path: string;
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? tmpdir() },
    timeout: SETUP_TIMEOUT_MS,
  });
}

function mustSucceed(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited ${String(result.status)}: ${result.stderr}`);
  return result.stdout;
}

function packedPaths(stdout: string): string[] {
  const [entry] = JSON.parse(stdout) as { files: PackedFile[] }[];
  return (entry?.files ?? []).map((file) => file.path).sort();
}

/** The files scripts/bundle-entry.sh writes beside dist/main.js: the shared chunk and one per dynamic import. */
const BUNDLE_CHUNK = /^dist\/(chunk|pg-store|simulator)-[A-Z0-9]{8}\.js$/;

/**
 * A shipped file is the licence, the README, package.json, a systemd unit, a chunk of the bundled entry,
 * or the build of a production source.
 */
function unexpectedFiles(paths: readonly string[]): string[] {
  const fixed = new Set(['LICENSE', 'README.md', 'package.json']);
  return paths.filter((path) => {
    if (fixed.has(path) || /^deploy\/systemd\/pmp-extractor@\.(service|timer)$/.test(path)) return false;
    if (BUNDLE_CHUNK.test(path)) return false;
    const source = /^dist\/(.+)\.js$/.exec(path)?.[1];
    if (source === undefined || source.endsWith('.test') || source === 'simulator/test-kit') return true;
    return !existsSync(join(ROOT, 'src', `${source}.ts`));
  });
}

describe('npm pack --dry-run', () => {
  it('lists only dist/ (no tests, no test kit), README.md, LICENSE, package.json and the systemd units', () => {
    expect(existsSync(join(ROOT, 'dist/main.js')), 'run npm run build first').toBe(true);
    const paths = packedPaths(
      mustSucceed(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT), 'npm pack'),
    );
    expect(unexpectedFiles(paths)).toEqual([]);
    for (const path of [
      'dist/main.js',
      'dist/simulator/index.js',
      'LICENSE',
      'README.md',
      'deploy/systemd/pmp-extractor@.service',
      'deploy/systemd/pmp-extractor@.timer',
    ])
      expect(paths).toContain(path);
    for (const path of paths) expect(path).not.toMatch(/^(src|test|bench|\.ci)\/|\.pid$|\.db$|\.test\.js$/);
  });
});

describe('the packed tarball, installed into an empty folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pmp-pack-'));
  const app = join(dir, 'app');
  const bin = join(app, 'node_modules', '.bin', 'pmp-extractor');
  const cli = (...args: string[]): SpawnSyncReturns<string> => run(bin, args, app);

  beforeAll(() => {
    const packed = mustSucceed(
      run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT),
      'npm pack',
    );
    const [entry] = JSON.parse(packed) as { filename: string }[];
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "pack-check", "private": true }\n');
    const tarball = join(dir, entry?.filename ?? `${PKG.name}-${PKG.version}.tgz`);
    mustSucceed(
      run(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
        app,
      ),
      'npm install',
    );
    const ownAddon = join(
      dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
      NATIVE_ADDON,
    );
    const target = join(app, 'node_modules', 'better-sqlite3', NATIVE_ADDON);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(ownAddon, target);
  }, SETUP_TIMEOUT_MS);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('--version prints the package version', () => {
    const result = cli('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(PKG.version);
  });

  it('--help prints the usage with the commands and exit codes', () => {
    const result = cli('--help');
    expect(result.status).toBe(0);
    for (const text of ['pmp-extractor', '--status', 'demo', 'simulate', 'Exit codes']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('demo extracts the simulator to completion, then --status reads that database', () => {
    // The demo keeps its database in ./pmp-demo/ (here: the install folder, a temp dir).
    const db = join(app, 'pmp-demo', 'pmp_demo.db');
    const demo = cli('demo');
    expect(demo.stderr).toBe('');
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain(`database ${db}`);
    expect(demo.stdout).toMatch(/coverage +100\.0% \(target 95%: met\)/);
    expect(demo.stdout).toContain('Exit code 0');
    const status = cli('--status', '--db', db);
    expect(status.stderr).toBe('');
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(db);
    expect(status.stdout).toMatch(/snapshot +#1 \(success\)/);
    expect(status.stdout).toMatch(/systems +3,362 of 3,362/);
  }, 120_000);
});
