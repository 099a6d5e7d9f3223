/**
 * A PostgreSQL server that only refuses: it answers the startup message with a cleartext-password
 * request, reads the password, and fails the login with the SQLSTATE and message it is given (its
 * message may quote the password, to prove the client scrubs it). On 127.0.0.1, port 0.
 */
import { createServer, type Socket } from 'node:net';

export interface FakePgServer {
  url(user: string, password: string, database: string): string;
  /** Passwords the clients sent (to check the test really went through authentication). */
  passwords: string[];
  close(): Promise<void>;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function errorResponse(code: string, text: string): Buffer {
  const fields = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', code],
    ['M', text],
  ];
  const body = Buffer.concat([
    ...fields.map(([key, value]) => Buffer.from(`${key}${value}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  return message('E', body);
}

export async function startFakePgServer(refusal: {
  code: string;
  message: (password: string) => string;
}): Promise<FakePgServer> {
  const passwords: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let started = false;
    let refused = false;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!started && buffered.length >= 4 && buffered.length >= buffered.readInt32BE(0)) {
        started = true;
        buffered = buffered.subarray(buffered.readInt32BE(0));
        const cleartext = Buffer.alloc(4);
        cleartext.writeInt32BE(3, 0);
        socket.write(message('R', cleartext));
      }
      if (started && !refused && buffered.length >= 5 && buffered.length >= 1 + buffered.readInt32BE(1)) {
        refused = true;
        const password = buffered.subarray(5, buffered.readInt32BE(1)).toString('utf8').replace(/\0$/, '');
        passwords.push(password);
        socket.end(errorResponse(refusal.code, refusal.message(password)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: (user, password, database) =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${address.port}/${database}`,
    passwords,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
