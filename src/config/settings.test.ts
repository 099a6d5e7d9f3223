import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';
import { flagName, shownDefault } from './setting.ts';
import { SETTING_LIST, SETTINGS } from './settings.ts';

interface Row {
  env: string;
  flag: string | null;
  shown: string;
}

/** The rows of the table under README's "## Configuration" heading. */
function readmeRows(): Row[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  // Header and |---| separator first.
  return lines.slice(2).map((line) => {
    const [name = '', shown = ''] = line
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim());
    const match = /^`([A-Z_]+)`(?: \(`(--[a-z-]+)`\))?$/.exec(name);
    if (match?.[1] === undefined) throw new Error(`unreadable README configuration row: ${line}`);
    return { env: match[1], flag: match[2] ?? null, shown: shown.replace(/^`(.*)`$/, '$1') };
  });
}

const byEnv = (a: Row, b: Row): number => a.env.localeCompare(b.env);

describe('settings table', () => {
  it('has a default that parses for every setting, and no variable twice', () => {
    expect(() => loadConfig({}, {}, '/home/op')).not.toThrow();
    const names = SETTING_LIST.flatMap(([, setting]) => (setting.env === null ? [] : [setting.env]));
    expect(new Set(names).size).toBe(names.length);
  });

  it('is exactly what the README configuration table lists, with the same flags and defaults', () => {
    const rows = readmeRows();
    const expected = SETTING_LIST.flatMap(([, setting]): Row[] =>
      setting.env === null
        ? []
        : [{ env: setting.env, flag: flagName(setting) ?? null, shown: shownDefault(setting) }],
    );
    expect(rows.length).toBeGreaterThan(20);
    expect([...rows].sort(byEnv)).toEqual([...expected].sort(byEnv));
  });

  it('leaves only the flag-only switch out of the README table', () => {
    const flagOnly = SETTING_LIST.filter(([, setting]) => setting.env === null).map(([key]) => key);
    expect(flagOnly).toEqual(['untilComplete']);
    expect(flagName(SETTINGS.untilComplete)).toBe('--until-complete');
  });
});
