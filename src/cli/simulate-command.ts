/** `pmp-extractor simulate`: the bundled PMP Cloud simulator as a server until SIGINT/SIGTERM. */
import { EXIT, type ExitCode } from './exit-codes.ts';
import type { ProcessIO, SimulatorFactory } from '../app/index.ts';
import { parsePageCap } from './page-cap.ts';

export async function runSimulateCommand(
  io: ProcessIO,
  simulator: SimulatorFactory,
  options: { profile: string; seed: number; port: number; pageCap?: string },
): Promise<ExitCode> {
  const pageLimitCap = options.pageCap === undefined ? undefined : parsePageCap(options.pageCap);
  if (pageLimitCap === null) {
    io.stderr.write(
      `simulate: --page-cap must be a page size, optionally :echo, :silent or :hang (got "${options.pageCap ?? ''}")\n`,
    );
    return EXIT.fatal;
  }
  if (
    !Number.isInteger(options.seed) ||
    !Number.isInteger(options.port) ||
    options.port < 0 ||
    options.port > 65535
  ) {
    io.stderr.write('simulate: --seed must be a whole number and --port a port number (0 = any free port)\n');
    return EXIT.fatal;
  }
  const { profile, seed, port } = options;
  const sim = await simulator(
    pageLimitCap === undefined ? { profile, seed, port } : { profile, seed, port, pageLimitCap },
  );
  const { clientId, clientSecret, refreshToken } = sim.credentials;
  io.stdout.write(
    [
      sim.url,
      `# PMP Cloud simulator, profile ${options.profile}, seed ${options.seed}${pageLimitCap === undefined ? '' : `, pagelimit cap ${pageLimitCap.max} (${pageLimitCap.over})`}. Ctrl-C stops it.`,
      `# export PMP_SERVER_URL=${sim.url} PMP_ACCOUNTS_URL=${sim.url}`,
      `# export PMP_CLIENT_ID=${clientId} PMP_CLIENT_SECRET=${clientSecret} PMP_REFRESH_TOKEN=${refreshToken}`,
      `# curl -s -X POST '${sim.url}/oauth/v2/token' -d grant_type=refresh_token -d client_id=${clientId} -d client_secret=${clientSecret} -d refresh_token=${refreshToken}`,
      `# curl -s -H 'Authorization: Zoho-oauthtoken <access_token>' '${sim.url}/api/1.4/patch/scandetails?page=1&pagelimit=25'`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else
      io.signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
  });
  await sim.close();
  return EXIT.ok;
}
