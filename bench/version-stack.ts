/**
 * One version of the product's local stack in a process of its own, for benchmarks that compare versions
 * (bench/versions.ts): `tsx bench/version-stack.ts <repository root>` imports that tree's local stack,
 * starts it, and talks to its parent over IPC. It reports the API URL and the functions' environment,
 * then the handler time of every request it serves; the parent may ask for Calendly request counts, clear
 * them, or set the Calendly sandbox's latency.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type ToStack =
  | { type: 'count'; endpoint: string }
  | { type: 'clear' }
  | { type: 'latency'; ms: number }
  | { type: 'stop' };

export type FromStack =
  | { type: 'ready'; apiUrl: string; env: Record<string, string> }
  | { type: 'served'; requestId: string; ms: number }
  | { type: 'count'; endpoint: string; count: number }
  | { type: 'done' };

interface SandboxControl {
  requestCount(endpoint?: string): number;
  clearRequests(): void;
  setLatency(ms: number): void;
}

interface StackModule {
  startLocalStack(options: {
    env?: Record<string, string>;
    onRequest?: (entry: { requestId: string; ms: number }) => void;
  }): Promise<{
    apiUrl: string;
    env: Record<string, string>;
    sandbox: SandboxControl | null;
    stop(): Promise<void>;
  }>;
}

const root = process.argv[2];
if (!root || !process.send)
  throw new Error('usage: a child process of bench/versions.ts, given a repository root');
const send = (message: FromStack) => process.send?.(message);

const { startLocalStack } = (await import(
  pathToFileURL(path.join(root, 'infra/local/stack.ts')).href
)) as StackModule;
const stack = await startLocalStack({
  env: JSON.parse(process.env.BENCH_STACK_ENV ?? '{}') as Record<string, string>,
  onRequest: (entry) => send({ type: 'served', requestId: entry.requestId, ms: entry.ms }),
});
const sandbox = stack.sandbox;
if (!sandbox) throw new Error('benchmarks run on the Calendly sandbox');

process.on('message', async (message: ToStack) => {
  switch (message.type) {
    case 'count':
      send({ type: 'count', endpoint: message.endpoint, count: sandbox.requestCount(message.endpoint) });
      break;
    case 'clear':
      sandbox.clearRequests();
      break;
    case 'latency':
      sandbox.setLatency(message.ms);
      break;
    case 'stop':
      await stack.stop();
      send({ type: 'done' });
      process.exit(0);
  }
});
send({ type: 'ready', apiUrl: stack.apiUrl, env: stack.env });
