/** A real node:http server on 127.0.0.1 port 0 for unit tests of the HTTP layer; closed after each test. */
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const servers = new Set<Server>();

/** Starts a server with `handler` and returns its base URL. */
export async function listen(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.add(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes every server `listen` started, dropping open connections (call from afterEach). */
export async function closeServers(): Promise<void> {
  const closing = [...servers].map(async (server) => {
    server.closeAllConnections();
    server.close();
    if (server.listening) await once(server, 'close');
  });
  servers.clear();
  await Promise.all(closing);
}
