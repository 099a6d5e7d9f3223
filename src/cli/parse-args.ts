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
  | { kind: 'status'; flags: CliOverrides; json: boolean }
  | { kind: 'simulate'; profile: string; seed: number; port: number }
  | { kind: 'demo'; flags: CliOverrides; profile: string; seed: number }
  | { kind: 'raw'; flags: CliOverrides; resourceId: string }
  | { kind: 'exit'; code: 0 | 1 };

const PROFILES = ['clean', 'seed', 'chaos', 'realistic'];

/** What commander hands an action: option values by commander's attribute names. */
type CommandOptions = Readonly<Record<string, unknown>>;

export function parseArgs(
  argv: readonly string[],
  io: { stdout: TextOutput; stderr: TextOutput; version: string },
): ParsedCommand {
  // Set by whichever command's action commander runs.
  const chosen: { command: ParsedCommand | null } = { command: null };
  const program = new Command('pmp-extractor')
    .description('Resilient, checkpointed extraction of the PMP Cloud system inventory into SQLite.')
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
    .addHelpText('after', ENVIRONMENT_HELP);
  addCliOverrides(program)
    .option(
      '--status',
      'show snapshot, pages, coverage and gaps from the database (no network, no credentials)',
    )
    .option('--json', 'with --status: print one JSON object')
    .option('--reset', 'start a new snapshot at page 1 (history is kept)')
    .action((options: CommandOptions & { status?: boolean; json?: boolean; reset?: boolean }) => {
      const flags = pickFlags(options);
      if (options.json === true && options.status !== true) {
        program.error('error: --json only goes with --status');
      }
      if (options.status === true && options.reset === true) {
        program.error('error: --status reads the database only; it cannot be combined with --reset');
      }
      chosen.command =
        options.status === true
          ? { kind: 'status', flags, json: options.json === true }
          : { kind: 'extract', flags, reset: options.reset === true };
    });
  program
    .command('simulate')
    .description('run the bundled PMP Cloud simulator as a server (prints its base URL)')
    .addOption(new Option('--profile <name>', 'fault profile').choices(PROFILES).default('seed'))
    .option('--seed <n>', 'random seed (same seed, same run)', '1')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', '0')
    .action((options: { profile: string; seed: string; port: string }) => {
      chosen.command = {
        kind: 'simulate',
        profile: options.profile,
        seed: toInt(options.seed),
        port: toInt(options.port),
      };
    });
  addCliOverrides(program.command('demo'))
    .description('start the simulator and run a full extraction against it (no credentials needed)')
    .addOption(new Option('--profile <name>', 'fault profile').choices(PROFILES).default('seed'))
    .option('--seed <n>', 'random seed', '1')
    .action((options: CommandOptions & { profile: string; seed: string }) => {
      chosen.command = {
        kind: 'demo',
        flags: pickFlags(options),
        profile: options.profile,
        seed: toInt(options.seed),
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
