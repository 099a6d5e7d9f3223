import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunMetrics } from './metrics.ts';
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

describe('createRunMetrics', () => {
  it('renders every metric in Prometheus text format', async () => {
    const metrics = createRunMetrics();
    metrics.setCoverageRatio(0.967);
    metrics.setSystems(3250, 3362);
    metrics.pageDone('ok');
    metrics.pageDone('ok');
    metrics.pageDone('gap');
    metrics.retry('5xx_server_error');
    metrics.retry('5xx_server_error');
    metrics.tokenRefresh('proactive');
    metrics.recordsRejected(2);
    metrics.setRunDurationSeconds(61.5);
    metrics.setLastSuccessTimestampSeconds(1_764_178_200);
    metrics.setLastSuccessTimestampSeconds(1_764_178_201);
    metrics.setExitCode(0);
    const samples = parsePrometheus(await metrics.render());
    expect(samples.get('pmp_extractor_coverage_ratio')).toBe(0.967);
    expect(samples.get('pmp_extractor_systems_extracted')).toBe(3250);
    expect(samples.get('pmp_extractor_total_systems')).toBe(3362);
    expect(samples.get('pmp_extractor_pages_total{status="ok"}')).toBe(2);
    expect(samples.get('pmp_extractor_pages_total{status="gap"}')).toBe(1);
    expect(samples.get('pmp_extractor_retries_total{class="5xx_server_error"}')).toBe(2);
    expect(samples.get('pmp_extractor_retries_total{class="network_timeout"}')).toBe(0);
    expect(samples.get('pmp_extractor_token_refreshes_total{reason="proactive"}')).toBe(1);
    expect(samples.get('pmp_extractor_token_refreshes_total{reason="401"}')).toBe(0);
    expect(samples.get('pmp_extractor_records_rejected_total')).toBe(2);
    expect(samples.get('pmp_extractor_run_duration_seconds')).toBe(61.5);
    expect(samples.get('pmp_extractor_last_success_timestamp_seconds')).toBe(1_764_178_201);
    expect(samples.get('pmp_extractor_exit_code')).toBe(0);
  });

  it('has no default process metrics, and no last-success sample until one is set', async () => {
    const metrics = createRunMetrics();
    metrics.setSystems(10, null);
    const text = await metrics.render();
    parsePrometheus(text);
    expect(text).not.toContain('process_');
    expect(text).not.toContain('nodejs_');
    expect(text).not.toContain('last_success');
  });
});

describe('writeMetricsFile', () => {
  it('replaces the file atomically, 0644, leaving no temp file behind', async () => {
    const path = join(root, 'pmp_extractor.prom');
    const metrics = createRunMetrics();
    metrics.setExitCode(2);
    await writeMetricsFile(path, metrics);
    metrics.setExitCode(0);
    await writeMetricsFile(path, metrics);
    expect(readdirSync(root)).toEqual(['pmp_extractor.prom']);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(parsePrometheus(readFileSync(path, 'utf8')).get('pmp_extractor_exit_code')).toBe(0);
  });

  it('cleans up and rethrows when the target cannot be replaced', async () => {
    const metrics = createRunMetrics();
    const target = join(root, 'occupied');
    mkdirSync(join(target, 'child'), { recursive: true });
    await expect(writeMetricsFile(target, metrics)).rejects.toThrow();
    expect(readdirSync(root)).toEqual(['occupied']);
  });
});
