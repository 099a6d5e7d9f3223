import { CREDENTIAL_VARIABLES, flagName, SETTING_LIST, shownDefault } from '../config/index.ts';

/** Variable names are padded to this width, chars (the longest is 28). */
const NAME_COLUMN_CHARS = 30;

function line(name: string, help: string): string {
  const padded = name.padEnd(NAME_COLUMN_CHARS);
  // A name too long for its column gets a line of its own.
  return name.length < NAME_COLUMN_CHARS
    ? `  ${padded}${help}`
    : `  ${name}\n  ${' '.repeat(NAME_COLUMN_CHARS)}${help}`;
}

function settingLines(): string[] {
  const lines: string[] = [];
  for (const [, setting] of SETTING_LIST) {
    if (setting.env === null) continue;
    const flag = flagName(setting);
    const via = flag === undefined ? '' : ` (${flag})`;
    lines.push(line(setting.env, `${setting.help}${via} [${shownDefault(setting)}]`));
  }
  return lines;
}

/** The environment half of `--help` (D2), from the settings table; flags override these variables. */
export const ENVIRONMENT_HELP = `
Credentials (first match wins):
${CREDENTIAL_VARIABLES.map((variable) => line(variable.env, variable.help)).join('\n')}

Environment (flags override):
${settingLines().join('\n')}

Exit codes: 0 success, 1 fatal, 2 partial (below target after gap retries),
            3 deferred (lock held, throttled, token budget spent, interrupted).
`;
