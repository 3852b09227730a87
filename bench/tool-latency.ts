/**
 * Tool-call latency benchmark (`npm run bench:tools`):
 *  - server-side overhead of a tool call beyond the Calendly round trip: p50 <= 15 ms, p99 <= 50 ms warm,
 *    measured on hold_slot + release_hold (no Calendly call at all) and on check_availability served from
 *    the availability cache;
 *  - availability from cache: p95 <= 50 ms locally (client-side, over HTTP);
 *  - at most one Calendly availability request per (event type, day) per 60 s, with 50 concurrent callers.
 *
 * Runs the whole local stack (DynamoDB Local, Calendly sandbox, real handlers behind the local API) and
 * signs every request like Vapi does. "Server-side" is the handler's own time as the local API measures
 * it (event in -> response out), so local HTTP overhead is excluded; DynamoDB Local (a JVM on the same two
 * cores) is slower than the real service, so these numbers are conservative. Results: bench/out/tool-latency.json
 * and .md; the markdown also goes to stdout. Exits 1 when a budget is missed.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../infra/bundling.ts';
import { startLocalStack } from '../infra/local/stack.ts';
import { addDays, weekdayOf } from '../shared/domain/time/calendar-day.ts';
import { localDayOf } from '../shared/domain/time/zone.ts';

const OUT_DIR = path.join(PROJECT_ROOT, 'bench', 'out');
const SECRET = 'bench-vapi-server-secret-0123456789';
const ZONE = 'America/New_York';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

function nextWeekday(minDaysAhead: number): string {
  let day = addDays(localDayOf(new Date(), ZONE), minDaysAhead);
  while (weekdayOf(day) > 5) day = addDays(day, 1);
  return day;
}

async function main(): Promise<void> {
  const serverMs = new Map<string, number>();
  const stack = await startLocalStack({
    env: { VAPI_SERVER_SECRET: SECRET, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    onRequest: (entry) => serverMs.set(entry.requestId, entry.ms),
  });
  const sandbox = stack.sandbox;
  if (!sandbox) throw new Error('the benchmark runs on the Calendly sandbox');

  async function tool(
    callSid: string,
    name: string,
    args: unknown,
  ): Promise<{ result: Record<string, unknown>; clientMs: number; serverMs: number }> {
    const body = JSON.stringify({
      message: {
        type: 'tool-calls',
        toolCallList: [
          { id: `bench_${randomUUID()}`, type: 'function', function: { name, arguments: args } },
        ],
        call: { id: `vapi-${callSid}`, phoneCallProviderId: callSid, customer: { number: '+14155550100' } },
      },
    });
    const started = performance.now();
    const response = await fetch(`${stack.apiUrl}/vapi/tools`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vapi-secret': SECRET },
      body,
    });
    const json = (await response.json()) as { results: { result: string }[] };
    const clientMs = performance.now() - started;
    const requestId = response.headers.get('apigw-requestid') ?? '';
    const line = json.results[0]?.result;
    if (!line) throw new Error(`no result for ${name}`);
    return { result: JSON.parse(line), clientMs, serverMs: serverMs.get(requestId) ?? Number.NaN };
  }

  const day = nextWeekday(2);
  const callSid = () => `CA${randomUUID().replaceAll('-', '')}`;

  // Warm every function path once (cold start is bench:init's business, not this one's).
  const warm = callSid();
  const warmCheck = await tool(warm, 'check_availability', { date: day });
  if (!warmCheck.result.ok) throw new Error(`warm-up failed: ${JSON.stringify(warmCheck.result)}`);

  // 1. Coalescing: 50 callers ask for a day nobody asked for yet, at once.
  const coldDay = nextWeekday(4);
  sandbox.clearRequests();
  const burst = await Promise.all(
    Array.from({ length: 50 }, () => tool(callSid(), 'check_availability', { date: coldDay })),
  );
  const burstRequests = sandbox.requestCount('available_times');
  if (burst.some((answer) => !answer.result.ok)) throw new Error('a caller in the burst got an error');

  // 2. check_availability from cache.
  const cachedClient: number[] = [];
  const cachedServer: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const answer = await tool(callSid(), 'check_availability', { date: day });
    cachedClient.push(answer.clientMs);
    cachedServer.push(answer.serverMs);
  }

  // 3. hold_slot + release_hold: pure slot-lock work, no Calendly call.
  const holdServer: number[] = [];
  const releaseServer: number[] = [];
  const caller = callSid();
  const offered = await tool(caller, 'check_availability', { date: day });
  const slot = (offered.result.slots as { id: string }[])[0];
  if (!slot) throw new Error('no slot to hold');
  for (let i = 0; i < SAMPLES / 2; i++) {
    const held = await tool(caller, 'hold_slot', {
      slot_id: slot.id,
      name: 'Bench Mark',
      email: 'bench@example.com',
    });
    if (!held.result.ok) throw new Error(`hold failed: ${JSON.stringify(held.result)}`);
    holdServer.push(held.serverMs);
    const released = await tool(caller, 'release_hold', { hold_id: held.result.hold_id });
    releaseServer.push(released.serverMs);
  }
  await stack.stop();

  const overhead = stats([...cachedServer, ...holdServer, ...releaseServer]);
  const cachedClientStats = stats(cachedClient);
  const checks = [
    { budget: 'tool overhead p50 <= 15 ms (server-side, warm)', value: overhead.p50, limit: 15 },
    { budget: 'tool overhead p99 <= 50 ms (server-side, warm)', value: overhead.p99, limit: 50 },
    { budget: 'availability from cache p95 <= 50 ms (client-side)', value: cachedClientStats.p95, limit: 50 },
    {
      budget: 'Calendly availability requests for one day, 50 concurrent callers <= 1',
      value: burstRequests,
      limit: 1,
    },
  ].map((check) => ({ ...check, ok: check.value <= check.limit }));

  const rows = (label: string, s: Stats) =>
    `| ${label} | ${s.n} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.max} |`;
  const markdown = [
    '## Tool-call latency (local stack, warm)',
    '',
    `Node ${process.version}, ${new Date().toISOString()}; ms.`,
    '',
    '| measurement | n | p50 | p95 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|',
    rows('check_availability from cache, server-side', stats(cachedServer)),
    rows('check_availability from cache, client-side (HTTP)', cachedClientStats),
    rows('hold_slot, server-side', stats(holdServer)),
    rows('release_hold, server-side', stats(releaseServer)),
    rows('all tool calls above, server-side', overhead),
    '',
    `Calendly availability requests for one new day with 50 concurrent callers: ${burstRequests}.`,
    '',
    '| budget | measured | ok |',
    '|---|---:|---|',
    ...checks.map((check) => `| ${check.budget} | ${check.value} | ${check.ok ? 'yes' : 'NO'} |`),
    '',
  ].join('\n');
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(path.join(OUT_DIR, 'tool-latency.md'), markdown);
  await writeFile(
    path.join(OUT_DIR, 'tool-latency.json'),
    JSON.stringify({ cachedServer, cachedClient, holdServer, releaseServer, burstRequests, checks }, null, 2),
  );
  process.stdout.write(markdown);
  if (checks.some((check) => !check.ok)) process.exitCode = 1;
}

await main();
