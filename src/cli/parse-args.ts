/**
 * argv → a command description (pure apart from commander writing help/errors to the given
 * streams). Usage errors become `{ kind: 'exit', code: 1 }`; --help and --version become code 0.
 */
import { Command, CommanderError, Option } from 'commander';
import type { TextOutput } from '../app/index.ts';
import type { CliOverrides } from '../config/index.ts';
import { ENVIRONMENT_HELP } from './help-text.ts';

export type ParsedCommand =
  | { kind: 'extract'; flags: CliOverrides; reset: boolean }
  | { kind: 'status'; flags: CliOverrides; json: boolean }
  | { kind: 'simulate'; profile: string; seed: number; port: number }
  | { kind: 'demo'; flags: CliOverrides; profile: string; seed: number }
  | { kind: 'exit'; code: 0 | 1 };

const PROFILES = ['clean', 'seed', 'chaos', 'realistic'];

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
    .action((options: CliOverrides & { status?: boolean; json?: boolean; reset?: boolean }) => {
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
    .action((options: CliOverrides & { profile: string; seed: string }) => {
      chosen.command = {
        kind: 'demo',
        flags: pickFlags(options),
        profile: options.profile,
        seed: toInt(options.seed),
      };
    });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { kind: 'exit', code: error.exitCode === 0 ? 0 : 1 };
    throw error;
  }
  return chosen.command ?? { kind: 'exit', code: 1 };
}

function addCliOverrides(command: Command): Command {
  return command
    .option('--db <path>', 'SQLite database path (PMP_DB_PATH)')
    .option('--batch-pages <n>', 'pages per run (PMP_BATCH_PAGES)')
    .option('--log-file <path>', 'write JSON logs to a daily file instead of stdout (PMP_LOG_FILE)')
    .option('--log-level <level>', 'debug|info|warning|error|critical (PMP_LOG_LEVEL)')
    .option('--metrics-file <path>', 'write Prometheus textfile metrics (PMP_METRICS_FILE)')
    .option('--until-complete', 'keep running batches until the target is met or the pass ends');
}

function pickFlags(options: CliOverrides & { db?: string }): CliOverrides {
  const flags: CliOverrides = {};
  if (options.db !== undefined) flags.dbPath = options.db;
  if (options.batchPages !== undefined) flags.batchPages = options.batchPages;
  if (options.logFile !== undefined) flags.logFile = options.logFile;
  if (options.logLevel !== undefined) flags.logLevel = options.logLevel;
  if (options.metricsFile !== undefined) flags.metricsFile = options.metricsFile;
  if (options.untilComplete === true) flags.untilComplete = true;
  return flags;
}

function toInt(value: string): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) ? parsed : Number.NaN;
}
