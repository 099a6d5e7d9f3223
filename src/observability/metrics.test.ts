import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunMetrics, type MetricsView } from './metrics.ts';
import { writeMetricsFile } from './metrics-file.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';

/** A sample line of the Prometheus text format: name{label="value",...} value */
const SAMPLE_LINE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? -?(\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf)$/;
const COMMENT_LINE = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/;

function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      expect(line).toMatch(COMMENT_LINE);
      continue;
    }
    expect(line).toMatch(SAMPLE_LINE);
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

let root = '';
beforeEach(() => {
  root = tempDir('pmp-metrics-');
});
afterEach(() => {
  removeTempDir(root);
});

const NOW_MS = 1_764_178_200_000;

function view(overrides: Partial<MetricsView> = {}): MetricsView {
  return {
    account: 'client-a',
    version: '1.2.3',
    nowMs: NOW_MS,
    lastRun: {
      exitCode: 0,
      outcome: 'target_met',
      durationMs: 61_500,
      finishedAtMs: NOW_MS,
      pagesOk: 2,
      pagesFailed: 1,
      tokenRequests: 1,
    },
    stored: {
      published: {
        snapshotId: 7,
        completedAtMs: NOW_MS - 3_600_000,
        systems: 3250,
        coveragePct: 96.7,
        changes: { added: 3, removed: 2, changed: 5, reappeared: 0 },
      },
      pass: { snapshotId: 8, page: 40, totalPages: 135, systems: 1000 },
      gaps: { open: 2, recovered: 1 },
    },
    ...overrides,
  };
}

describe('createRunMetrics', () => {
  it('renders the last run, the published inventory, the pass and the gaps, all with the account label', async () => {
    const metrics = createRunMetrics();
    metrics.retry('5xx_server_error');
    metrics.retry('5xx_server_error');
    metrics.recordsRejected(2);
    const samples = parsePrometheus(await metrics.render(view()));
    const a = 'account="client-a"';
    expect(samples.get(`pmp_extractor_build_info{version="1.2.3",${a}}`)).toBe(1);
    expect(samples.get(`pmp_extractor_last_run_exit_code{${a}}`)).toBe(0);
    expect(samples.get(`pmp_extractor_last_run_outcome{outcome="target_met",${a}}`)).toBe(1);
    expect(samples.get(`pmp_extractor_last_run_timestamp_seconds{${a}}`)).toBe(NOW_MS / 1000);
    expect(samples.get(`pmp_extractor_last_run_duration_seconds{${a}}`)).toBe(61.5);
    expect(samples.get(`pmp_extractor_last_run_pages{outcome="ok",${a}}`)).toBe(2);
    expect(samples.get(`pmp_extractor_last_run_pages{outcome="failed",${a}}`)).toBe(1);
    expect(samples.get(`pmp_extractor_last_run_retries{class="5xx_server_error",${a}}`)).toBe(2);
    expect(samples.get(`pmp_extractor_last_run_retries{class="network_timeout",${a}}`)).toBe(0);
    expect(samples.get(`pmp_extractor_last_run_token_requests{${a}}`)).toBe(1);
    expect(samples.get(`pmp_extractor_last_run_records_rejected{${a}}`)).toBe(2);
    expect(samples.get(`pmp_extractor_published_snapshot_id{${a}}`)).toBe(7);
    const completedS = (NOW_MS - 3_600_000) / 1000;
    expect(samples.get(`pmp_extractor_published_completed_timestamp_seconds{${a}}`)).toBe(completedS);
    expect(samples.get(`pmp_extractor_last_success_timestamp_seconds{${a}}`)).toBe(completedS);
    expect(samples.get(`pmp_extractor_published_age_seconds{${a}}`)).toBe(3600);
    expect(samples.get(`pmp_extractor_published_systems{${a}}`)).toBe(3250);
    expect(samples.get(`pmp_extractor_published_coverage_ratio{${a}}`)).toBe(0.967);
    for (const [type, count] of [
      ['added', 3],
      ['removed', 2],
      ['changed', 5],
      ['reappeared', 0],
    ] as const) {
      expect(samples.get(`pmp_extractor_published_changes{change_type="${type}",${a}}`)).toBe(count);
    }
    expect(samples.get(`pmp_extractor_pass_snapshot_id{${a}}`)).toBe(8);
    expect(samples.get(`pmp_extractor_pass_page{${a}}`)).toBe(40);
    expect(samples.get(`pmp_extractor_pass_total_pages{${a}}`)).toBe(135);
    expect(samples.get(`pmp_extractor_pass_systems{${a}}`)).toBe(1000);
    expect(samples.get(`pmp_extractor_gaps{state="open",${a}}`)).toBe(2);
    expect(samples.get(`pmp_extractor_gaps{state="recovered",${a}}`)).toBe(1);
  });

  it('leaves out what is unknown instead of writing 0, and has no default process metrics', async () => {
    const empty = await createRunMetrics().render(view({ stored: null }));
    parsePrometheus(empty);
    for (const part of ['published_', 'last_success', 'pass_', 'gaps', 'process_', 'nodejs_']) {
      expect(empty).not.toContain(part);
    }
    const noTotal = await createRunMetrics().render(
      view({
        stored: {
          published: null,
          pass: { snapshotId: 1, page: 0, totalPages: null, systems: 0 },
          gaps: null,
        },
      }),
    );
    expect(noTotal).toContain('pmp_extractor_pass_page');
    expect(noTotal).not.toContain('pass_total_pages');
    expect(noTotal).not.toContain('published_');
    // A file without system_changes (read-only, older schema): the other published series stay.
    const published = view().stored?.published ?? null;
    const noChanges = await createRunMetrics().render(
      view({
        stored: { published: published && { ...published, changes: null }, pass: null, gaps: null },
      }),
    );
    expect(noChanges).toContain('pmp_extractor_published_systems');
    expect(noChanges).not.toContain('published_changes');
  });

  it('writes HELP for operators, without spec codes', async () => {
    const text = await createRunMetrics().render(view());
    const helps = text.split('\n').filter((line) => line.startsWith('# HELP'));
    expect(helps.length).toBeGreaterThan(15);
    for (const line of helps) expect(line).not.toMatch(/\bD\d+\b|\bN?FR-\d/);
  });
});

describe('writeMetricsFile', () => {
  it('replaces the file atomically, 0644, leaving no temp file behind', async () => {
    const path = join(root, 'pmp_extractor.prom');
    await writeMetricsFile(path, 'pmp_extractor_x 2\n');
    await writeMetricsFile(path, 'pmp_extractor_x 0\n');
    expect(readdirSync(root)).toEqual(['pmp_extractor.prom']);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(parsePrometheus(readFileSync(path, 'utf8')).get('pmp_extractor_x')).toBe(0);
  });

  it('cleans up and rethrows when the target cannot be replaced', async () => {
    const target = join(root, 'occupied');
    mkdirSync(join(target, 'child'), { recursive: true });
    await expect(writeMetricsFile(target, 'pmp_extractor_x 1\n')).rejects.toThrow();
    expect(readdirSync(root)).toEqual(['occupied']);
  });
});
