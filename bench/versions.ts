/**
 * Versions of the product side by side, for benchmarks that compare this tree with an earlier commit in
 * one run on one machine: a git worktree of the commit (under .cache/bench-trees/, sharing this tree's
 * node_modules), its local stack in a child process (./version-stack.ts), and fresh "containers" that
 * make one first call each (./cold-call.ts).
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../infra/bundling.ts';
import type { FromStack, ToStack } from './version-stack.ts';

export interface Version {
  /** "this tree" or the commit's short hash. */
  label: string;
  root: string;
}

/** This tree, and (with `ref`) a worktree of that commit. */
export async function versionsToCompare(ref: string | undefined): Promise<Version[]> {
  const current = { label: 'this tree', root: PROJECT_ROOT };
  if (!ref) return [current];
  const sha = execFileSync('git', ['rev-parse', '--short', ref], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  }).trim();
  const root = path.join(PROJECT_ROOT, '.cache', 'bench-trees', sha);
  if (!existsSync(root)) {
    await mkdir(path.dirname(root), { recursive: true });
    execFileSync('git', ['worktree', 'add', '--detach', root, sha], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  }
  return [current, { label: sha, root }];
}

const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** A version's local stack running in a child process. */
export interface VersionStack {
  version: Version;
  apiUrl: string;
  env: Record<string, string>;
  /** Handler milliseconds of a served request, by API Gateway request id. */
  served: Map<string, number>;
  calendlyRequests(endpoint: string): Promise<number>;
  clearCalendlyRequests(): void;
  setCalendlyLatency(ms: number): void;
  stop(): Promise<void>;
}

export async function startVersionStack(
  version: Version,
  env: Record<string, string>,
): Promise<VersionStack> {
  const child = fork(path.join(PROJECT_ROOT, 'bench', 'version-stack.ts'), [version.root], {
    execPath: TSX,
    env: { ...process.env, BENCH_STACK_ENV: JSON.stringify(env) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const served = new Map<string, number>();
  const waiting: ((message: FromStack) => boolean)[] = [];
  child.on('message', (message: FromStack) => {
    if (message.type === 'served') served.set(message.requestId, message.ms);
    const index = waiting.findIndex((accept) => accept(message));
    if (index >= 0) waiting.splice(index, 1);
  });
  const next = <T extends FromStack['type']>(type: T, match: (message: FromStack) => boolean = () => true) =>
    new Promise<Extract<FromStack, { type: T }>>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${version.label} stack exited (${code})`)));
      waiting.push((message) => {
        if (message.type !== type || !match(message)) return false;
        resolve(message as Extract<FromStack, { type: T }>);
        return true;
      });
    });
  const send = (message: ToStack) => child.send(message);
  const ready = await next('ready');
  return {
    version,
    apiUrl: ready.apiUrl,
    env: ready.env,
    served,
    async calendlyRequests(endpoint) {
      const answer = next('count', (message) => message.type === 'count' && message.endpoint === endpoint);
      send({ type: 'count', endpoint });
      return (await answer).count;
    },
    clearCalendlyRequests: () => send({ type: 'clear' }),
    setCalendlyLatency: (ms) => send({ type: 'latency', ms }),
    async stop() {
      const done = next('done');
      send({ type: 'stop' });
      await done.catch(() => undefined);
    },
  };
}

/** A new container's first tool call against `stack`, in a fresh process of the same version. */
export async function coldCall(stack: VersionStack, secret: string, body: string): Promise<number> {
  const child = spawn(TSX, [path.join(PROJECT_ROOT, 'bench', 'cold-call.ts'), stack.version.root], {
    env: {
      ...process.env,
      BENCH_FUNCTION_ENV: JSON.stringify(stack.env),
      BENCH_VAPI_SECRET: secret,
      BENCH_TOOL_BODY: body,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{'))
    throw new Error(`cold call in ${stack.version.label} failed (${code})`);
  const result = JSON.parse(line) as { firstCallMs: number; ok: boolean };
  if (!result.ok) throw new Error(`cold call in ${stack.version.label} was not answered ok`);
  return result.firstCallMs;
}
