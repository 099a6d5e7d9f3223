/**
 * argv → a command description (pure apart from commander writing help/errors to the given
 * streams). Usage errors become `{ kind: 'exit', code: 1 }`; --help and --version become code 0.
 */
import { Command, CommanderError, Option } from 'commander';
import type { TextOutput } from '../app/index.ts';
import { SETTING_LIST, type CliOverrides } from '../config/index.ts';
import { ENVIRONMENT_HELP } from './help-text.ts';

export type ParsedCommand =
  | { kind: 'extract'; flags: CliOverrides; reset: boolean }
  | { kind: 'status'; flags: CliOverrides; json: boolean; check?: { maxAgeHours?: string } }
  | { kind: 'check'; flags: CliOverrides }
  | { kind: 'simulate'; profile: string; seed: number; port: number; pageCap?: string }
  | { kind: 'demo'; flags: CliOverrides; profile: string; seed: number; pageCap?: string }
  | { kind: 'raw'; flags: CliOverrides; resourceId: string }
  | { kind: 'exit'; code: 0 | 1 };

const PROFILES = ['clean', 'seed', 'chaos', 'realistic'];

const PAGE_CAP_HELP =
  'largest pagelimit the simulator honours [1000]; above it :echo (default) echoes the cap, ' +
  ':silent echoes the pagelimit asked for, :hang never answers';

/** What commander hands an action: option values by commander's attribute names. */
type CommandOptions = Readonly<Record<string, unknown>>;

export function parseArgs(
  argv: readonly string[],
  io: { stdout: TextOutput; stderr: TextOutput; version: string },
): ParsedCommand {
  // Set by whichever command's action commander runs.
  const chosen: { command: ParsedCommand | null } = { command: null };
  const program = new Command('pmp-extractor')
    .description(
      'Resilient, checkpointed extraction of the PMP Cloud system inventory into SQLite or PostgreSQL.',
    )
    .version(io.version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        io.stdout.write(text);
      },
      writeErr: (text) => {
        io.stderr.write(text);
      },
    })
    .showHelpAfterError()
    // Subcommand flags belong to the subcommand: `demo --db x` must not be taken by the root's --db.
    .enablePositionalOptions()
    .addHelpText('after', ENVIRONMENT_HELP);
  addCliOverrides(program)
    .option(
      '--status',
      'show snapshot, pages, coverage and gaps from the database (no network, no credentials)',
    )
    .option('--json', 'with --status: print one JSON object')
    .option('--check', 'with --status: one line for a monitor; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
    .option(
      '--max-age-hours <h>',
      'with --check: published data older than this is CRITICAL [2 x PMP_REFRESH_HOURS, 48 if 0]',
    )
    .option('--reset', 'start a new snapshot at page 1 (history is kept)')
    .action((options: RootOptions) => {
      chosen.command = rootCommand(options, (message) => program.error(message));
    });
  program
    .command('simulate')
    .description('run the bundled PMP Cloud simulator as a server (prints its base URL)')
    .addOption(new Option('--profile <name>', 'fault profile').choices(PROFILES).default('seed'))
    .option('--seed <n>', 'random seed (same seed, same run)', '1')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', '0')
    .option('--page-cap <n[:mode]>', PAGE_CAP_HELP)
    .action((options: { profile: string; seed: string; port: string; pageCap?: string }) => {
      chosen.command = {
        kind: 'simulate',
        profile: options.profile,
        seed: toInt(options.seed),
        port: toInt(options.port),
        ...(options.pageCap === undefined ? {} : { pageCap: options.pageCap }),
      };
    });
  addCliOverrides(program.command('check'))
    .description('check the configuration, credentials and API: one token, one record; writes no data')
    .action((options: CommandOptions) => {
      chosen.command = { kind: 'check', flags: pickFlags(options) };
    });
  addCliOverrides(program.command('demo'))
    .description('start the simulator and run a full extraction against it (no credentials needed)')
    .addOption(new Option('--profile <name>', 'fault profile').choices(PROFILES).default('seed'))
    .option('--seed <n>', 'random seed', '1')
    .option('--page-cap <n[:mode]>', PAGE_CAP_HELP)
    .action((options: CommandOptions & { profile: string; seed: string; pageCap?: string }) => {
      chosen.command = {
        kind: 'demo',
        flags: pickFlags(options),
        profile: options.profile,
        seed: toInt(options.seed),
        ...(options.pageCap === undefined ? {} : { pageCap: options.pageCap }),
      };
    });
  addCliOverrides(program.command('raw'))
    .description('print the stored record of a system exactly as received (newest snapshot)')
    .argument('<resource_id>', 'the system resource_id')
    .action((resourceId: string, options: CommandOptions) => {
      chosen.command = { kind: 'raw', flags: pickFlags(options), resourceId };
    });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { kind: 'exit', code: error.exitCode === 0 ? 0 : 1 };
    throw error;
  }
  return chosen.command ?? { kind: 'exit', code: 1 };
}

type RootOptions = CommandOptions & {
  status?: boolean;
  json?: boolean;
  check?: boolean;
  maxAgeHours?: string;
  reset?: boolean;
};

/** The root command's flags → extract or status; `fail` reports a usage error (and throws). */
function rootCommand(options: RootOptions, fail: (message: string) => never): ParsedCommand {
  const flags = pickFlags(options);
  if (options.status !== true) {
    for (const [given, flag] of [
      [options.json, '--json'],
      [options.check, '--check'],
    ] as const) {
      if (given === true) fail(`error: ${flag} only goes with --status`);
    }
  }
  if (options.maxAgeHours !== undefined && options.check !== true) {
    fail('error: --max-age-hours only goes with --status --check');
  }
  if (options.json === true && options.check === true) fail('error: --json and --check exclude each other');
  if (options.status === true && options.reset === true) {
    fail('error: --status reads the database only; it cannot be combined with --reset');
  }
  if (options.status !== true) return { kind: 'extract', flags, reset: options.reset === true };
  const json = options.json === true;
  if (options.check !== true) return { kind: 'status', flags, json };
  const check = options.maxAgeHours === undefined ? {} : { maxAgeHours: options.maxAgeHours };
  return { kind: 'status', flags, json, check };
}

/** The settings that have a flag, in table order (`--db`, `--batch-pages`, ..., `--until-complete`). */
const FLAG_SETTINGS = SETTING_LIST.flatMap(([key, setting]) =>
  setting.flag === undefined ? [] : [{ key, setting, spec: setting.flag }],
);

function addCliOverrides(command: Command): Command {
  for (const { setting, spec } of FLAG_SETTINGS) {
    command.option(spec, setting.env === null ? setting.help : `${setting.help} (${setting.env})`);
  }
  return command;
}

/** commander's option names (`db`, `batchPages`) → the Config field each flag overrides. */
function pickFlags(options: CommandOptions): CliOverrides {
  const flags: Record<string, unknown> = {};
  for (const { key, spec } of FLAG_SETTINGS) {
    const value = options[new Option(spec).attributeName()];
    if (value !== undefined && value !== false) flags[key] = value;
  }
  return flags;
}

function toInt(value: string): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) ? parsed : Number.NaN;
}
