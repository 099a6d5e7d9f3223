/** Tables for the terminal and the Markdown report. */
import type { PassResult } from './cli-pass.ts';
import type { MicroResult } from './micro.ts';

export interface Table {
  header: string[];
  rows: string[][];
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

export function ratio(result: PassResult): number | null {
  return result.floorMs > 0 ? result.wallMs / result.floorMs : null;
}

export function passTable(results: readonly PassResult[]): Table {
  return {
    header: [
      'configuration',
      'd ms',
      'L ms',
      'requests / pages',
      'wall s',
      'floor s',
      'wall/floor',
      'API span s',
      'fixed s',
      'pages/s',
      'systems/s',
      'CPU s',
      'peak RSS MiB',
      'DB MiB',
      'min gap ms',
    ],
    rows: results.map((result) => {
      const r = ratio(result);
      return [
        result.config.name,
        String(result.config.delayMs),
        String(result.config.latencyMs),
        `${result.requests} / ${result.pages}`,
        seconds(result.wallMs),
        seconds(result.floorMs),
        r === null ? 'n/a (floor 0)' : `${r.toFixed(3)}x`,
        seconds(result.apiSpanMs),
        seconds(result.wallMs - result.apiSpanMs),
        (result.pages / (result.wallMs / 1000)).toFixed(1),
        (result.systems / (result.wallMs / 1000)).toFixed(0),
        result.cpuMs === null ? 'n/a' : seconds(result.cpuMs),
        result.peakRssKb === null ? 'n/a' : (result.peakRssKb / 1024).toFixed(1),
        mib(result.dbBytes),
        result.minGapMs === null ? 'n/a' : String(result.minGapMs),
      ];
    }),
  };
}

export function microTable(results: readonly MicroResult[]): Table {
  return {
    header: ['operation', 'per op', 'ops/s', 'wall µs/op', 'CPU µs/op', 'per 135-page pass ms'],
    rows: results.map((result) => [
      result.name,
      result.unit,
      result.opsPerSec.toFixed(0),
      result.meanUs.toFixed(1),
      result.cpuUs.toFixed(1),
      ((result.meanUs * result.perPass) / 1000).toFixed(1),
    ]),
  };
}

export function textTable(table: Table): string {
  const widths = table.header.map((cell, column) =>
    Math.max(cell.length, ...table.rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [
    line(table.header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...table.rows.map(line),
  ].join('\n');
}

export function markdownTable(table: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(table.header), line(table.header.map(() => '---')), ...table.rows.map(line)].join('\n');
}
