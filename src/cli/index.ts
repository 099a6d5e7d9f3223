/** The command line: argv parsing, dispatch to the commands, exit codes. src/main.ts calls runCli. */
export { runCli } from './run-cli.ts';
