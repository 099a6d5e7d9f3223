import { describe, expect, it } from 'vitest';
import { CREDENTIAL_VARIABLES, flagName, SETTING_LIST, shownDefault } from '../config/index.ts';
import { ENVIRONMENT_HELP } from './help-text.ts';
import { parseArgs } from './parse-args.ts';

describe('--help from the settings table', () => {
  it('gives every variable one line with its flag and default', () => {
    const lines = ENVIRONMENT_HELP.split('\n');
    for (const [, setting] of SETTING_LIST) {
      if (setting.env === null) continue;
      const line = lines.filter((text) => text.startsWith(`  ${setting.env} `));
      expect(line, setting.env).toHaveLength(1);
      expect(line[0]).toContain(`[${shownDefault(setting)}]`);
      const flag = flagName(setting);
      if (flag !== undefined) expect(line[0]).toContain(`(${flag})`);
    }
    for (const variable of CREDENTIAL_VARIABLES) expect(ENVIRONMENT_HELP).toContain(variable.env);
  });

  it('offers every flag of the table, naming the variable it overrides', () => {
    let out = '';
    const io = { stdout: { write: (text: string) => (out += text) }, stderr: { write: () => undefined } };
    expect(parseArgs(['--help'], { ...io, version: '0' })).toEqual({ kind: 'exit', code: 0 });
    for (const [, setting] of SETTING_LIST) {
      if (setting.flag === undefined) continue;
      expect(out).toContain(setting.flag);
      if (setting.env !== null) expect(out).toContain(`(${setting.env})`);
    }
  });
});
