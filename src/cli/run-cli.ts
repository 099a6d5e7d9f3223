/** Dispatches a parsed command line to its command; every command returns D10's exit code. */
import { EXIT, type ExitCode } from './exit-codes.ts';
import { runCheckCommand } from './check-command.ts';
import { runDemoCommand } from './demo-command.ts';
import { runExtractCommand } from './extract-command.ts';
import type { ProcessIO, SimulatorFactory } from '../app/index.ts';
import { parseArgs } from './parse-args.ts';
import { runRawCommand } from './raw-command.ts';
import { runSimulateCommand } from './simulate-command.ts';
import { runStatusCommand } from './status-command.ts';

export async function runCli(io: ProcessIO, simulator: SimulatorFactory): Promise<ExitCode> {
  const command = parseArgs(io.argv, { stdout: io.stdout, stderr: io.stderr, version: io.version });
  switch (command.kind) {
    case 'exit':
      return command.code === 0 ? EXIT.ok : EXIT.fatal;
    case 'status':
      return runStatusCommand(io, command.flags, {
        json: command.json,
        ...(command.check === undefined ? {} : { check: command.check }),
      });
    case 'check':
      return runCheckCommand(io, command.flags);
    case 'extract':
      return runExtractCommand(io, command.flags, command.reset);
    case 'simulate':
      return runSimulateCommand(io, simulator, command);
    case 'demo':
      return runDemoCommand(io, simulator, command);
    case 'raw':
      return runRawCommand(io, command.flags, command.resourceId);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}
