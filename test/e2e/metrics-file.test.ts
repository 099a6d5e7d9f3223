/**
 * The Prometheus textfile (`--metrics-file`, PMP_METRICS_FILE) of the BUILT CLI against the
 * simulator, following node_exporter's conventions for batch jobs (D41, D42): two accounts share one
 * textfile folder without a repeated series; after a success, a lock deferral, a credential failure,
 * a configuration error and a `--reset`, the file holds the right exit code and no false zeros, and
 * the last-success time stays that of the published pass. With PMP_TEST_METRICS_DIR set, the sample
 * files are copied there for `.ci/run` to lint; promtool checks them here too when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ERROR_TYPES } from '../../src/platform/index.ts';
import { acquireRunLock } from '../../src/store/index.ts';
import { ofType } from '../support/event-schema.ts';
import { parsePrometheusText, valueOf, type Exposition } from '../support/prometheus-text.ts';
import { tempDir } from '../support/run-cli.ts';
import { obsEnv, only, runValidated, type ValidatedRun } from '../support/validated-run.ts';

const SAMPLES_DIR = process.env['PMP_TEST_METRICS_DIR'];

function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** `promtool check metrics` on one file, when promtool is installed (CI installs it). */
function promtoolProblems(path: string): string {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: readFileSync(path), encoding: 'utf8' });
  return result.status === 0 ? '' : `${result.stdout}${result.stderr}`;
}

const A = { account: 'acme' };
let sim: Simulator;
let dir: string;
let folder: string;
let pathA: string;
let envA: Record<string, string>;
const files = new Map<string, { text: string; exposition: Exposition; run: ValidatedRun }>();

/** Runs account A, keeps a copy of its metrics file under `name`. */
async function runA(name: string, args: string[], extra: Record<string, string> = {}): Promise<void> {
  const run = await runValidated(args, { ...envA, ...extra });
  const text = readFileSync(pathA, 'utf8');
  files.set(name, { text, exposition: parsePrometheusText(text), run });
  if (SAMPLES_DIR !== undefined) {
    mkdirSync(SAMPLES_DIR, { recursive: true });
    copyFileSync(pathA, join(SAMPLES_DIR, `${name}.prom`));
  }
}

function file(name: string): { text: string; exposition: Exposition; run: ValidatedRun } {
  const found = files.get(name);
  if (found === undefined) throw new Error(`no metrics file ${name}`);
  return found;
}

const get = (name: string, metric: string, labels: Record<string, string> = {}): number | undefined =>
  valueOf(file(name).exposition, `pmp_extractor_${metric}`, { ...A, ...labels });

beforeAll(async () => {
  // 250 systems, 10 pages. Page 2: one 503 (retried). Page 3: an auth error (refresh + replay).
  // Page 4: three unparseable answers (a gap), recovered by the sweep.
  const badJson = { kind: 'json_parse' } as const;
  sim = await createSimulator({
    profile: 'clean',
    settings: {
      systems: 250,
      pageScripts: {
        2: [{ kind: 'status', status: 503 }],
        3: [{ kind: 'auth_error' }],
        4: [badJson, badJson, badJson],
      },
    },
  });
  dir = tempDir('pmp-e2e-metrics-');
  // The textfile collector's folder exists already; the files in it are new.
  folder = join(dir, 'textfile');
  mkdirSync(folder);
  pathA = join(folder, 'acme.prom');
  const dirsA = { dir, dbPath: join(dir, 'acme.db') };
  envA = obsEnv(sim, dirsA, { PMP_METRICS_FILE: pathA });
  await runA('config-error-first', [], { PMP_BATCH_PAGES: 'lots' });
  await runA('success', []);
  // A new pass in progress beside the published one: the runs below need a token, or would.
  await runA('reset', ['--reset', '--batch-pages', '2']);
  const lock = await acquireRunLock(dirsA.dbPath);
  try {
    await runA('deferred', []);
  } finally {
    await lock.release();
  }
  await runA('credential-failure', [], { PMP_CLIENT_SECRET: 'not-the-secret' });
  await runA('config-error', [], { PMP_TARGET_PCT: '250' });
}, 60_000);

afterAll(async () => {
  await sim.close();
});

describe('after a success', () => {
  it('is written atomically, world-readable, gauges only, each with a HELP text for operators', () => {
    expect(file('success').run.code).toBe(0);
    expect(statSync(pathA).mode & 0o777).toBe(0o644);
    const { exposition } = file('success');
    expect(new Set(exposition.types.values())).toEqual(new Set(['gauge']));
    for (const name of exposition.types.keys()) {
      expect(exposition.help.get(name)).toMatch(/^[A-Z]/);
      expect(exposition.help.get(name)).not.toMatch(/\bD\d+\b/);
    }
    for (const sample of exposition.samples) expect(sample.labels['account']).toBe('acme');
  });

  it('describes the run, and the published inventory as the database holds it', () => {
    const { run } = file('success');
    const batch = only(ofType(run.log, 'batch_complete'));
    expect(get('success', 'last_run_exit_code')).toBe(0);
    expect(get('success', 'last_run_outcome', { outcome: 'target_met' })).toBe(1);
    expect(get('success', 'last_run_pages', { outcome: 'ok' })).toBe(batch.pages_ok);
    expect(get('success', 'last_run_pages', { outcome: 'failed' })).toBe(1);
    const complete = only(ofType(run.log, 'run_complete'));
    expect(get('success', 'last_run_duration_seconds')).toBeCloseTo(complete.duration_ms / 1000, 1);
    expect(get('success', 'published_systems')).toBe(250);
    expect(get('success', 'published_coverage_ratio')).toBe(1);
    expect(get('success', 'published_snapshot_id')).toBe(1);
    expect(get('success', 'published_age_seconds')).toBeLessThan(60);
    expect(get('success', 'gaps', { state: 'open' })).toBe(0);
    expect(get('success', 'gaps', { state: 'recovered' })).toBe(1);
    // Nothing is in progress once the pass is published.
    expect(file('success').text).not.toContain('pmp_extractor_pass_');
    const buildInfo = file('success').exposition.samples.find((s) => s.name === 'pmp_extractor_build_info');
    expect(buildInfo?.value).toBe(1);
    expect(buildInfo?.labels['version']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('counts every failed attempt by class and every token request', () => {
    const { run } = file('success');
    const failed = ofType(run.log, 'page_extraction_failed');
    for (const errorType of ERROR_TYPES) {
      expect(get('success', 'last_run_retries', { class: errorType }), errorType).toBe(
        failed.filter((event) => event.error_type === errorType).length,
      );
    }
    expect(get('success', 'last_run_retries', { class: 'json_parse_error' })).toBe(3);
    expect(get('success', 'last_run_token_requests')).toBe(ofType(run.log, 'token_refresh').length);
    expect(get('success', 'last_run_token_requests')).toBe(2);
  });
});

describe('runs that publish nothing', () => {
  const published = ['published_snapshot_id', 'published_systems', 'published_coverage_ratio'];

  it.each([
    ['deferred', 3, 'deferred'],
    ['credential-failure', 1, 'failed'],
    ['config-error', 1, 'failed'],
    ['reset', 0, 'batch_complete'],
  ])('%s: exit code %i, and the published inventory and last success as before', (name, code, outcome) => {
    expect(file(name).run.code).toBe(code);
    expect(get(name, 'last_run_exit_code')).toBe(code);
    expect(get(name, 'last_run_outcome', { outcome })).toBe(1);
    for (const metric of published) expect(get(name, metric), metric).toBe(get('success', metric));
    expect(get(name, 'last_success_timestamp_seconds')).toBe(
      get('success', 'last_success_timestamp_seconds'),
    );
    expect(get(name, 'published_completed_timestamp_seconds')).toBe(
      get('success', 'last_success_timestamp_seconds'),
    );
    expect(get(name, 'published_age_seconds')).toBeGreaterThanOrEqual(
      get('success', 'published_age_seconds') ?? 0,
    );
  });

  it('a configuration error before any data writes its exit code and no state at all', () => {
    const { text } = file('config-error-first');
    expect(file('config-error-first').run.code).toBe(1);
    expect(get('config-error-first', 'last_run_exit_code')).toBe(1);
    for (const part of ['published_', 'last_success', 'pass_', 'gaps']) expect(text).not.toContain(part);
  });

  it.each(['reset', 'deferred', 'credential-failure', 'config-error'])(
    '%s: shows the pass in progress (after --reset) beside the old published inventory',
    (name) => {
      expect(get(name, 'pass_snapshot_id')).toBe(2);
      expect(get(name, 'pass_page')).toBe(2);
      expect(get(name, 'pass_total_pages')).toBe(10);
      expect(get(name, 'pass_systems')).toBe(50);
      expect(get(name, 'gaps', { state: 'open' })).toBe(0);
    },
  );

  it('the credential failure counts its token request, and says why on stderr', () => {
    expect(file('credential-failure').run.stderr).toMatch(/invalid_client|credential|secret/i);
    expect(get('credential-failure', 'last_run_token_requests')).toBe(1);
    expect(get('deferred', 'last_run_token_requests')).toBe(0);
  });
});

describe('two accounts in one textfile folder', () => {
  it('give distinct series: no name and labels pair appears twice across the files', async () => {
    const simB = await createSimulator({ profile: 'clean', seed: 5, settings: { systems: 100 } });
    try {
      const dbB = join(dir, 'b', 'pmp_config.db');
      const pathB = join(folder, 'client-b.prom');
      const run = await runValidated(
        ['--account', 'client-b', '--batch-pages', '2'],
        obsEnv(simB, { dir, dbPath: dbB }, { PMP_METRICS_FILE: pathB }),
      );
      expect(run.code).toBe(0);
      expect(run.log.every((event) => event.account === 'client-b')).toBe(true);
      const seen = new Set<string>();
      for (const name of readdirSync(folder).filter((entry) => entry.endsWith('.prom'))) {
        for (const sample of parsePrometheusText(readFileSync(join(folder, name), 'utf8')).samples) {
          const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
      const b = parsePrometheusText(readFileSync(pathB, 'utf8'));
      // Mid-pass, nothing published yet: the published series are absent, not 0.
      expect(valueOf(b, 'pmp_extractor_pass_page', { account: 'client-b' })).toBe(2);
      expect(valueOf(b, 'pmp_extractor_pass_total_pages', { account: 'client-b' })).toBe(4);
      expect(b.samples.some((sample) => sample.name.startsWith('pmp_extractor_published_'))).toBe(false);
      expect(b.samples.some((sample) => sample.name.includes('last_success'))).toBe(false);
    } finally {
      await simB.close();
    }
  });
});

describe('promtool check metrics', () => {
  it.skipIf(!hasPromtool())('accepts every sample file', () => {
    for (const [name, { text }] of files) {
      const path = join(dir, `${name}.sample.prom`);
      writeFileSync(path, text);
      expect(promtoolProblems(path), name).toBe('');
    }
  });
});

describe('the strict Prometheus reader', () => {
  it.each([
    ['a sample before its TYPE', 'x 1\n'],
    ['a float with a comma', '# TYPE x gauge\nx 1,5\n'],
    ['an unquoted label', '# TYPE x gauge\nx{a=b} 1\n'],
    ['a duplicate series', '# TYPE x gauge\nx{a="b"} 1\nx{a="b"} 2\n'],
    ['a missing final newline', '# TYPE x gauge\nx 1'],
    ['a stray comment', '# TYPE x gauge\n# just saying\nx 1\n'],
    ['a negative counter', '# TYPE x_total counter\nx_total -1\n'],
    ['split families', '# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\n# TYPE x gauge\n'],
  ])('rejects %s', (_name, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });

  it('reads labels with escapes, +Inf and timestamps', () => {
    const parsed = parsePrometheusText(
      '# HELP x a help text\n# TYPE x gauge\nx{a="q\\"uote",b="2"} +Inf 1700000000000\nx 0.5\n',
    );
    expect(parsed.samples).toEqual([
      { name: 'x', labels: { a: 'q"uote', b: '2' }, value: Number.POSITIVE_INFINITY },
      { name: 'x', labels: {}, value: 0.5 },
    ]);
  });
});
