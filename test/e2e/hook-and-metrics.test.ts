/**
 * Issue 5, end to end: POST_EXTRACTION_HOOK (D10) and the Prometheus textfile (`--metrics-file`,
 * PMP_METRICS_FILE) of the BUILT CLI against the simulator.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ERROR_TYPES } from '../../src/platform/index.ts';
import { ofType } from '../support/event-schema.ts';
import { obsEnv, runDirs, runValidated, type RunDirs, type ValidatedRun } from '../support/validated-run.ts';

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

/** `env` output → variables (values may contain '='). */
function parseEnvDump(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) vars.set(line.slice(0, at), line.slice(at + 1));
  }
  return vars;
}

describe('POST_EXTRACTION_HOOK', () => {
  let sim: Simulator;
  let dirs: RunDirs;
  let envFile: string;
  let first: ValidatedRun;
  let firstDump: string;
  let second: ValidatedRun;

  beforeAll(async () => {
    sim = await createSimulator({ profile: 'clean', settings: { systems: 50 } });
    dirs = runDirs();
    envFile = join(dirs.dir, 'hook-env.txt');
    const env = obsEnv(sim, dirs, {
      POST_EXTRACTION_HOOK: `env > '${envFile}'`,
      SLACK_WEBHOOK_URL: `${sim.url}/__sim/slack/T000/B000/hookcanary`,
    });
    first = await runValidated([], env);
    firstDump = readFileSync(envFile, 'utf8');
    rmSync(envFile);
    second = await runValidated([], env);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('runs after a run that changed data, with the D10 variables', () => {
    expect(first.code).toBe(0);
    const vars = parseEnvDump(firstDump);
    expect(vars.get('PMP_SNAPSHOT_ID')).toBe('1');
    expect(vars.get('PMP_COVERAGE_PCT')).toBe('100');
    expect(vars.get('PMP_TARGET_MET')).toBe('true');
    expect(vars.get('PMP_EXIT_CODE')).toBe('0');
    expect(vars.get('PMP_DB_PATH')).toBe(dirs.dbPath);
    const complete = only(ofType(first.log, 'hook_complete'));
    expect(complete).toMatchObject({ level: 'INFO', exit_code: 0 });
    // The hook runs last, after run_complete.
    expect(first.log.at(-1)?.event_type).toBe('hook_complete');
  });

  it('withholds the credentials and the webhook from the hook', () => {
    const vars = parseEnvDump(firstDump);
    for (const name of ['PMP_CLIENT_SECRET', 'PMP_REFRESH_TOKEN', 'SLACK_WEBHOOK_URL']) {
      expect(vars.has(name)).toBe(false);
    }
    expect(firstDump).not.toContain(sim.credentials.clientSecret);
    expect(firstDump).not.toContain(sim.credentials.refreshToken);
    expect(firstDump).not.toContain('hookcanary');
  });

  it('is not run when nothing changed (the target was already met)', () => {
    expect(second.code).toBe(0);
    expect(ofType(second.log, 'target_met')[0]).toMatchObject({ extracted_now: false });
    expect(existsSync(envFile)).toBe(false);
    expect(ofType(second.log, 'hook_complete')).toEqual([]);
    expect(ofType(second.log, 'hook_failed')).toEqual([]);
  });

  it('gets the exit code and coverage of a deferred run that saved pages', async () => {
    const deferSim = await createSimulator({
      profile: 'clean',
      settings: {
        systems: 100,
        pageScripts: { 3: [{ kind: 'rate_limit', retryAfter: 'seconds', retryAfterS: 600 }] },
      },
    });
    try {
      const deferDirs = runDirs();
      const file = join(deferDirs.dir, 'hook-env.txt');
      const run = await runValidated(
        [],
        obsEnv(deferSim, deferDirs, { POST_EXTRACTION_HOOK: `env > '${file}'` }),
      );
      expect(run.code).toBe(3);
      const vars = parseEnvDump(readFileSync(file, 'utf8'));
      expect(vars.get('PMP_EXIT_CODE')).toBe('3');
      expect(vars.get('PMP_TARGET_MET')).toBe('false');
      expect(vars.get('PMP_COVERAGE_PCT')).toBe('50');
      expect(vars.get('PMP_SNAPSHOT_ID')).toBe('1');
    } finally {
      await deferSim.close();
    }
  });

  it('a failing hook (exit 7) is a hook_failed WARNING with its stderr, and the exit code stays 0', async () => {
    const run = await runValidated(
      [],
      obsEnv(sim, runDirs(), { POST_EXTRACTION_HOOK: 'echo "report upload refused" >&2; exit 7' }),
    );
    expect(run.code).toBe(0);
    const failed = only(ofType(run.log, 'hook_failed'));
    expect(failed).toMatchObject({
      level: 'WARNING',
      exit_code: 7,
      timed_out: false,
      error_message: 'hook exited with 7: report upload refused',
    });
    expect(run.log.at(-1)?.event_type).toBe('hook_failed');
    expect(run.log.find((event) => event.event_type === 'run_complete')).toMatchObject({ exit_code: 0 });
    expect(run.stderr).toBe('');
  });

  it('a hook past PMP_HOOK_TIMEOUT_MS is stopped: hook_failed with timed_out, exit code unchanged', async () => {
    const started = Date.now();
    const run = await runValidated(
      [],
      obsEnv(sim, runDirs(), { POST_EXTRACTION_HOOK: 'sleep 5', PMP_HOOK_TIMEOUT_MS: '300' }),
    );
    expect(run.code).toBe(0);
    expect(only(ofType(run.log, 'hook_failed'))).toMatchObject({
      level: 'WARNING',
      timed_out: true,
      error_message: 'hook timed out after 300 ms',
    });
    // The run did not wait for the 5 s hook.
    expect(Date.now() - started).toBeLessThan(4500);
  });
});

/** One sample of the text format: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/;
const LABEL_PAIR = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/;

function parseValue(text: string, lineNumber: number): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new Error(`line ${lineNumber}: "${text}" is not a float`);
  }
  return Number(text);
}

function parseLabels(text: string, lineNumber: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const match = LABEL_PAIR.exec(rest);
    if (match === null) throw new Error(`line ${lineNumber}: bad label set {${text}}`);
    const [whole, name = '', raw = ''] = match;
    if (name in labels) throw new Error(`line ${lineNumber}: label ${name} repeated`);
    labels[name] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(whole.length);
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (rest !== '') throw new Error(`line ${lineNumber}: expected "," in {${text}}`);
  }
  return labels;
}

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: only HELP/TYPE comments, TYPE
 * before a family's samples and at most once, a family's samples together, every sample of a
 * declared family, no duplicate series, valid names, quoted label values, float values, and a final
 * newline. Throws on the first violation.
 */
function parsePrometheusText(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const result: Exposition = { types: new Map(), help: new Map(), samples: [] };
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (match === null) throw new Error(`line ${lineNumber}: unexpected comment: ${line}`);
      const [, kind = '', name = '', rest = ''] = match;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${lineNumber}: bad metric name ${name}`);
      if (finished.has(name) || (current !== null && current !== name && result.types.has(name))) {
        throw new Error(`line ${lineNumber}: ${name} declared after its samples`);
      }
      if (current !== null && current !== name) finished.add(current);
      current = name;
      if (kind === 'HELP') {
        if (result.help.has(name)) throw new Error(`line ${lineNumber}: second HELP for ${name}`);
        result.help.set(name, rest);
      } else {
        if (result.types.has(name)) throw new Error(`line ${lineNumber}: second TYPE for ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) {
          throw new Error(`line ${lineNumber}: unknown type ${rest}`);
        }
        result.types.set(name, rest);
      }
      return;
    }
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`line ${lineNumber}: not a sample: ${line}`);
    const [, name = '', labelText, valueText = ''] = match;
    if (name !== current || !result.types.has(name)) {
      throw new Error(`line ${lineNumber}: sample of ${name} outside its declared family`);
    }
    const labels = parseLabels(labelText ?? '', lineNumber);
    for (const label of Object.keys(labels)) {
      if (!LABEL_NAME.test(label)) throw new Error(`line ${lineNumber}: bad label name ${label}`);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`line ${lineNumber}: duplicate series ${key}`);
    series.add(key);
    const value = parseValue(valueText, lineNumber);
    if (result.types.get(name) === 'counter' && !(value >= 0)) {
      throw new Error(`line ${lineNumber}: counter ${name} is ${value}`);
    }
    result.samples.push({ name, labels, value });
  });
  return result;
}

function valueOf(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return exposition.samples.find(
    (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
  )?.value;
}

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

describe('--metrics-file', () => {
  let sim: Simulator;
  let dirs: RunDirs;
  let run: ValidatedRun;
  let metricsPath: string;
  let exposition: Exposition;
  let startedS: number;
  let endedS: number;

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
    dirs = runDirs();
    metricsPath = join(dirs.dir, 'metrics', 'pmp.prom');
    // The textfile collector's folder exists already; the file itself is new.
    mkdirSync(join(dirs.dir, 'metrics'));
    startedS = Math.floor(Date.now() / 1000);
    run = await runValidated(['--metrics-file', metricsPath], obsEnv(sim, dirs));
    endedS = Math.ceil(Date.now() / 1000);
    exposition = parsePrometheusText(readFileSync(metricsPath, 'utf8'));
  });
  afterAll(async () => {
    await sim.close();
  });

  it('is written atomically as valid text format, world-readable, with no temp file left', () => {
    expect(run.code).toBe(0);
    expect(readdirSync(join(dirs.dir, 'metrics'))).toEqual(['pmp.prom']);
    expect(statSync(metricsPath).mode & 0o777).toBe(0o644);
    expect([...exposition.types.entries()]).toEqual([
      ['pmp_extractor_coverage_ratio', 'gauge'],
      ['pmp_extractor_systems_extracted', 'gauge'],
      ['pmp_extractor_total_systems', 'gauge'],
      ['pmp_extractor_run_duration_seconds', 'gauge'],
      ['pmp_extractor_exit_code', 'gauge'],
      ['pmp_extractor_pages_total', 'counter'],
      ['pmp_extractor_retries_total', 'counter'],
      ['pmp_extractor_token_refreshes_total', 'counter'],
      ['pmp_extractor_records_rejected_total', 'counter'],
      ['pmp_extractor_last_success_timestamp_seconds', 'gauge'],
    ]);
    for (const name of exposition.types.keys()) expect(exposition.help.get(name)).toBeTruthy();
  });

  it('carries coverage, systems, pages, exit code and duration that agree with the log', () => {
    const batch = only(ofType(run.log, 'batch_complete'));
    expect(valueOf(exposition, 'pmp_extractor_coverage_ratio')).toBe(batch.coverage_pct / 100);
    expect(valueOf(exposition, 'pmp_extractor_coverage_ratio')).toBe(1);
    expect(valueOf(exposition, 'pmp_extractor_systems_extracted')).toBe(250);
    expect(valueOf(exposition, 'pmp_extractor_total_systems')).toBe(250);
    expect(valueOf(exposition, 'pmp_extractor_pages_total', { status: 'ok' })).toBe(batch.pages_ok);
    expect(valueOf(exposition, 'pmp_extractor_pages_total', { status: 'gap' })).toBe(
      ofType(run.log, 'page_skipped').length,
    );
    expect(valueOf(exposition, 'pmp_extractor_pages_total', { status: 'gap' })).toBe(1);
    expect(valueOf(exposition, 'pmp_extractor_exit_code')).toBe(0);
    const complete = only(ofType(run.log, 'run_complete'));
    expect(valueOf(exposition, 'pmp_extractor_run_duration_seconds')).toBe(complete.duration_ms / 1000);
  });

  it('counts every failed attempt by class (retries that later succeeded included) and token refreshes by reason', () => {
    const failed = ofType(run.log, 'page_extraction_failed');
    for (const errorType of ERROR_TYPES) {
      expect(valueOf(exposition, 'pmp_extractor_retries_total', { class: errorType }), errorType).toBe(
        failed.filter((event) => event.error_type === errorType).length,
      );
    }
    expect(valueOf(exposition, 'pmp_extractor_retries_total', { class: '5xx_server_error' })).toBe(1);
    expect(valueOf(exposition, 'pmp_extractor_retries_total', { class: '401_unauthorized' })).toBe(1);
    expect(valueOf(exposition, 'pmp_extractor_retries_total', { class: 'json_parse_error' })).toBe(3);
    const refreshes = ofType(run.log, 'token_refresh');
    for (const reason of ['batch_start', 'proactive', '401'] as const) {
      expect(valueOf(exposition, 'pmp_extractor_token_refreshes_total', { reason })).toBe(
        refreshes.filter((event) => event.reason === reason).length,
      );
    }
    expect(valueOf(exposition, 'pmp_extractor_token_refreshes_total', { reason: '401' })).toBe(1);
  });

  it('sets the last success timestamp to the time of this successful run', () => {
    const value = valueOf(exposition, 'pmp_extractor_last_success_timestamp_seconds') ?? 0;
    expect(value).toBeGreaterThanOrEqual(startedS);
    expect(value).toBeLessThanOrEqual(endedS);
  });

  it('PMP_METRICS_FILE works too; a deferred run reports exit code 3 and no last-success time', async () => {
    const deferSim = await createSimulator({
      profile: 'clean',
      settings: {
        systems: 100,
        pageScripts: { 2: [{ kind: 'rate_limit', retryAfter: 'seconds', retryAfterS: 900 }] },
      },
    });
    try {
      const deferDirs = runDirs();
      const path = join(deferDirs.dir, 'pmp.prom');
      const deferred = await runValidated([], obsEnv(deferSim, deferDirs, { PMP_METRICS_FILE: path }));
      expect(deferred.code).toBe(3);
      const parsed = parsePrometheusText(readFileSync(path, 'utf8'));
      expect(valueOf(parsed, 'pmp_extractor_exit_code')).toBe(3);
      expect(valueOf(parsed, 'pmp_extractor_coverage_ratio')).toBe(0.25);
      expect(valueOf(parsed, 'pmp_extractor_pages_total', { status: 'ok' })).toBe(1);
      expect(valueOf(parsed, 'pmp_extractor_retries_total', { class: 'rate_limit_deferred' })).toBe(1);
      expect(parsed.types.has('pmp_extractor_last_success_timestamp_seconds')).toBe(false);
    } finally {
      await deferSim.close();
    }
  });
});
