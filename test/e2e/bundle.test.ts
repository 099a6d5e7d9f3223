/**
 * The bundled entry (scripts/bundle-entry.sh, docs/decisions.md D137) as `npm run build` leaves it in
 * dist/: every output file sets the V8 flags first (D68), a SQLite run's files never import pg, prom-client,
 * cli-progress or zod (D67), and none of them reaches back into tsc's per-module files.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');
/** Files tsc writes at the top of dist/ itself; everything else there is the bundle's. */
const TSC_FILES = new Set(['heap-tuning.js', 'version.js']);
const HEAP_TUNING_FIRST = /^(#!\/usr\/bin\/env node\n)?import "\.\/heap-tuning\.js";\n/;
/** The module specifiers of `import ... from "x"` and `import "x"`: what loads with the file. */
const STATIC_IMPORT = /(?:\bfrom\s*|^import\s*)"([^"]+)"/gm;
/** Those and `import("x")`: what the file may ever load. */
const ANY_IMPORT = /(?:\bfrom\s*|^import\s*|\bimport\(\s*)"([^"]+)"/gm;

function outputFiles(): string[] {
  return readdirSync(DIST)
    .filter((name) => name.endsWith('.js') && !TSC_FILES.has(name))
    .sort();
}

function importsOf(name: string, pattern: RegExp): string[] {
  return [...readFileSync(join(DIST, name), 'utf8').matchAll(pattern)].map((match) => match[1] ?? '');
}

describe('the bundled entry', () => {
  it('is main.js, one shared chunk and one file per dynamic import (pg-store, simulator)', () => {
    const names = outputFiles().map((name) => name.replace(/-[A-Z0-9]{8}\.js$/, '-*.js'));
    expect(names).toEqual(['chunk-*.js', 'main.js', 'pg-store-*.js', 'simulator-*.js']);
  });

  it('imports dist/heap-tuning.js before anything else, in every file', () => {
    for (const name of outputFiles()) {
      expect(readFileSync(join(DIST, name), 'utf8'), name).toMatch(HEAP_TUNING_FIRST);
    }
  });

  it('leaves pg to the PostgreSQL file and prom-client, cli-progress and zod out of the static graph', () => {
    for (const name of outputFiles()) {
      const packages = importsOf(name, STATIC_IMPORT).filter((specifier) => !specifier.startsWith('.'));
      expect(packages.length, name).toBeGreaterThan(0);
      if (!name.startsWith('pg-store-')) expect(packages, name).not.toContain('pg');
      for (const lazy of ['prom-client', 'cli-progress', 'zod']) expect(packages, name).not.toContain(lazy);
    }
    // Where they are used, they are still loaded: by a dynamic import in the entry.
    const dynamic = importsOf('main.js', ANY_IMPORT);
    for (const lazy of ['prom-client', 'cli-progress']) expect(dynamic).toContain(lazy);
    const pgStore = outputFiles().find((name) => name.startsWith('pg-store-')) ?? 'pg-store-*.js';
    expect(importsOf(pgStore, STATIC_IMPORT)).toContain('pg');
  });

  it('reaches no module of tsc’s per-module output but heap-tuning.js', () => {
    for (const name of outputFiles()) {
      const local = importsOf(name, ANY_IMPORT).filter((specifier) => specifier.startsWith('.'));
      for (const specifier of local) expect(specifier, name).toMatch(/^\.\/[^/]+\.js$/);
    }
  });

  it('runs: node dist/main.js --version prints the version', () => {
    const result = spawnSync(process.execPath, [join(DIST, 'main.js'), '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
