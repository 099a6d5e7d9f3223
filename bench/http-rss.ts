/**
 * Peak RSS of a process that makes 200 sequential GETs of a 45 KB page, with global fetch against
 * the node:http client (dist/platform/http-client.js). Each variant runs in its own `node` under
 * `/usr/bin/time -v`; the server runs in another process so it is not counted.
 * Run: `npm run build && node --import tsx bench/http-rss.ts`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const REQUESTS = 200;
const ROUNDS = 3;
const clientModule = fileURLToPath(new URL('../dist/platform/http-client.js', import.meta.url));

const SERVER = `
  const body = JSON.stringify({ records: Array.from({ length: 25 }, (_, i) => ({ id: i, pad: 'x'.repeat(1800) })) });
  const server = require('node:http').createServer((req, res) => res.end(body));
  server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

const VARIANTS: Record<string, (url: string) => string> = {
  'global fetch': (url) => `
    for (let i = 0; i < ${REQUESTS}; i++) {
      const response = await fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(30000) });
      await response.text();
    }`,
  'node:http client': (url) => `
    const { createHttpClient } = await import(${JSON.stringify(clientModule)});
    const client = createHttpClient();
    for (let i = 0; i < ${REQUESTS}; i++) {
      await client.request({ url: ${JSON.stringify(url)}, timeoutMs: 30000, maxBodyBytes: 10485760 });
    }
    client.close();`,
  'node -e 1 (floor)': () => '',
};

function peakRssKb(script: string): number {
  const args = ['-v', process.execPath, '--input-type=module', '-e', script];
  const run = spawnSync('/usr/bin/time', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`variant failed: ${run.stderr}`);
  const report = run.stderr;
  return Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1] ?? Number.NaN);
}

const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const [line] = (await once(server.stdout, 'data')) as [Buffer];
  const url = line.toString().trim();
  console.log(`${REQUESTS} GETs of a 45 KB body, best and worst of ${ROUNDS} runs, Node ${process.version}`);
  for (const [name, script] of Object.entries(VARIANTS)) {
    const peaks = Array.from({ length: ROUNDS }, () => peakRssKb(script(url)));
    const mb = (kb: number): string => (kb / 1024).toFixed(1);
    console.log(`${name.padEnd(20)} peak RSS ${mb(Math.min(...peaks))} to ${mb(Math.max(...peaks))} MB`);
  }
} finally {
  server.kill();
}
