/**
 * A new container's first tool call: `tsx bench/cold-call.ts <repository root>` starts, in this fresh
 * process, that tree's local API with the functions' environment of a running stack (BENCH_FUNCTION_ENV),
 * sends one signed check_availability (BENCH_TOOL_BODY, header value BENCH_VAPI_SECRET) and prints the
 * client-side milliseconds of that first call as JSON: module init, the directory and whatever the call
 * itself costs. Used by bench/tool-latency.ts.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

interface ServerModule {
  startLocalApi(options: { port?: number }): Promise<{ url: string; stop(): Promise<void> }>;
}

const root = process.argv[2];
if (!root) throw new Error('usage: tsx bench/cold-call.ts <repository root>');
Object.assign(process.env, JSON.parse(process.env.BENCH_FUNCTION_ENV ?? '{}') as Record<string, string>);
const { startLocalApi } = (await import(
  pathToFileURL(path.join(root, 'infra/local/server.ts')).href
)) as ServerModule;
const api = await startLocalApi({ port: 0 });
const started = performance.now();
const response = await fetch(`${api.url}/vapi/tools`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-vapi-secret': process.env.BENCH_VAPI_SECRET ?? '' },
  body: process.env.BENCH_TOOL_BODY ?? '{}',
});
const body = (await response.json()) as { results?: { result: string }[] };
const firstCallMs = performance.now() - started;
const ok = (JSON.parse(body.results?.[0]?.result ?? '{}') as { ok?: boolean }).ok === true;
await api.stop();
process.stdout.write(`${JSON.stringify({ firstCallMs, ok })}\n`);
process.exit(0);
