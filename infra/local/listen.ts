/** Starting the local fakes' HTTP servers: listen (loopback by default) and report the URL to reach them. */
import type { Server } from 'node:http';

/** Listens on `port` (0 = a free one) and resolves with the port and a base URL clients can use. */
export async function listenLocally(
  server: Server,
  options: { port?: number; host?: string } = {},
): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // A wildcard bind is reachable on loopback; clients cannot connect to 0.0.0.0 itself.
  const urlHost = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
  return { port: address.port, url: `http://${urlHost}:${address.port}` };
}
