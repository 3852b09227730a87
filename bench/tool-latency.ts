/**
 * Tool-call latency benchmark (`npm run bench:tools`, or `npm run bench:tools -- --against <commit>` to
 * measure an earlier commit beside this tree, interleaved, in one run):
 *  - server-side overhead of a tool call beyond the Calendly round trip: p50 <= 15 ms, p99 <= 50 ms warm,
 *    measured on hold_slot + release_hold (no Calendly call at all) and on check_availability served from
 *    the availability cache;
 *  - availability from cache: p95 <= 50 ms locally (client-side, over HTTP);
 *  - at most one Calendly availability request per (event type, day) per 60 s, with 50 concurrent callers;
 *  - a new container's first call (check_availability on a cached day) with Calendly answering in 250 ms.
 *
 * Each version runs its whole local stack (DynamoDB Local, Calendly sandbox, real handlers behind the
 * local API) in a child process (./versions.ts); requests are signed like Vapi's. Warm samples alternate
 * between versions in rounds, so both see the same machine. "Server-side" is the handler's own time as the
 * local API measures it (event in -> response out); DynamoDB Local (a JVM on the same cores) is slower
 * than the real service, so these numbers are conservative. The first-call figures include tsx compiling
 * the TypeScript on import, which a deployed (bundled) function does not do: compare versions, not
 * absolute values (module init of the bundles is bench:init's). Results: bench/out/tool-latency.json and .md
 * (also printed). Exits 1 when this tree misses a budget.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../infra/bundling.ts';
import { newCallSid, toolCallBody, weekdayAhead } from './booking-costs.ts';
import { coldCall, startVersionStack, type VersionStack, versionsToCompare } from './versions.ts';

const OUT_DIR = path.join(PROJECT_ROOT, 'bench', 'out');
const SECRET = 'bench-vapi-server-secret-0123456789';
const ZONE = 'America/New_York';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const ROUNDS = 6;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const CALENDLY_LATENCY_MS = 250;

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

/** One version's samples. */
interface Samples {
  cachedServer: number[];
  cachedClient: number[];
  holdServer: number[];
  releaseServer: number[];
  burstRequests: number;
  coldFirstCall: number[];
}

async function tool(stack: VersionStack, sid: string, name: string, args: unknown) {
  const started = performance.now();
  const response = await fetch(`${stack.apiUrl}/vapi/tools`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-vapi-secret': SECRET },
    body: toolCallBody(sid, name, args),
  });
  const json = (await response.json()) as { results: { result: string }[] };
  const clientMs = performance.now() - started;
  const line = json.results[0]?.result;
  if (!line) throw new Error(`no result for ${name}`);
  const requestId = response.headers.get('apigw-requestid') ?? '';
  // The stack reports the handler's time over IPC, just after the response.
  for (let wait = 0; wait < 200 && !stack.served.has(requestId); wait++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return {
    result: JSON.parse(line) as Record<string, unknown>,
    clientMs,
    serverMs: stack.served.get(requestId) ?? Number.NaN,
  };
}

async function main(): Promise<void> {
  const againstIndex = process.argv.indexOf('--against');
  const against = againstIndex >= 0 ? process.argv[againstIndex + 1] : process.env.BENCH_AGAINST;
  const versions = await versionsToCompare(against);
  const env = {
    VAPI_SERVER_SECRET: SECRET,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const stacks: VersionStack[] = [];
  for (const version of versions) stacks.push(await startVersionStack(version, env));
  const samples = new Map<VersionStack, Samples>();
  const day = weekdayAhead(ZONE, 2);
  const coldDay = weekdayAhead(ZONE, 4);

  try {
    for (const stack of stacks) {
      // Warm every function path once (cold start is bench:init's business, and the last section's).
      const warm = await tool(stack, newCallSid(), 'check_availability', { date: day });
      if (!warm.result.ok) throw new Error(`warm-up failed: ${JSON.stringify(warm.result)}`);
      // Coalescing: 50 callers ask for a day nobody asked for yet, at once.
      stack.clearCalendlyRequests();
      const burst = await Promise.all(
        Array.from({ length: 50 }, () => tool(stack, newCallSid(), 'check_availability', { date: coldDay })),
      );
      if (burst.some((answer) => !answer.result.ok)) throw new Error('a caller in the burst got an error');
      samples.set(stack, {
        cachedServer: [],
        cachedClient: [],
        holdServer: [],
        releaseServer: [],
        burstRequests: await stack.calendlyRequests('available_times'),
        coldFirstCall: [],
      });
    }

    // Warm samples, interleaved: each round every version in turn, the order alternating.
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? stacks : [...stacks].reverse();
      for (const stack of order) {
        const taken = samples.get(stack);
        if (!taken) continue;
        for (let i = 0; i < SAMPLES / ROUNDS; i++) {
          const answer = await tool(stack, newCallSid(), 'check_availability', { date: day });
          taken.cachedClient.push(answer.clientMs);
          taken.cachedServer.push(answer.serverMs);
        }
        const caller = newCallSid();
        const offered = await tool(stack, caller, 'check_availability', { date: day });
        const slot = (offered.result.slots as { id: string }[])[0];
        if (!slot) throw new Error('no slot to hold');
        for (let i = 0; i < SAMPLES / ROUNDS / 2; i++) {
          const held = await tool(stack, caller, 'hold_slot', {
            slot_id: slot.id,
            name: 'Bench Mark',
            email: 'bench@example.com',
          });
          if (!held.result.ok) throw new Error(`hold failed: ${JSON.stringify(held.result)}`);
          taken.holdServer.push(held.serverMs);
          const released = await tool(stack, caller, 'release_hold', { hold_id: held.result.hold_id });
          taken.releaseServer.push(released.serverMs);
        }
      }
    }

    // A new container's first call, Calendly answering in 250 ms; the day stays cached (a warm call first).
    for (const stack of stacks) stack.setCalendlyLatency(CALENDLY_LATENCY_MS);
    for (let run = 0; run < COLD_RUNS; run++) {
      const order = run % 2 === 0 ? stacks : [...stacks].reverse();
      for (const stack of order) {
        await tool(stack, newCallSid(), 'check_availability', { date: day });
        const body = toolCallBody(newCallSid(), 'check_availability', { date: day });
        samples.get(stack)?.coldFirstCall.push(await coldCall(stack, SECRET, body));
      }
    }
  } finally {
    for (const stack of stacks) await stack.stop();
  }

  const report = stacks.map((stack) => {
    const taken = samples.get(stack);
    if (!taken) throw new Error('no samples');
    return {
      label: stack.version.label,
      cachedServer: stats(taken.cachedServer),
      cachedClient: stats(taken.cachedClient),
      hold: stats(taken.holdServer),
      release: stats(taken.releaseServer),
      overhead: stats([...taken.cachedServer, ...taken.holdServer, ...taken.releaseServer]),
      burstRequests: taken.burstRequests,
      coldFirstCall: stats(taken.coldFirstCall),
      samples: taken,
    };
  });
  const [current, before] = report;
  if (!current) throw new Error('no report');
  const checks = [
    { budget: 'tool overhead p50 <= 15 ms (server-side, warm)', value: current.overhead.p50, limit: 15 },
    { budget: 'tool overhead p99 <= 50 ms (server-side, warm)', value: current.overhead.p99, limit: 50 },
    {
      budget: 'availability from cache p95 <= 50 ms (client-side)',
      value: current.cachedClient.p95,
      limit: 50,
    },
    {
      budget: 'Calendly availability requests for one day, 50 concurrent callers <= 1',
      value: current.burstRequests,
      limit: 1,
    },
  ].map((check) => ({ ...check, ok: check.value <= check.limit }));

  const header = `| measurement | ${report.map((entry) => `${entry.label} p50 / p95 / p99`).join(' | ')} |${before ? ' ratio p50 / p95 / p99 |' : ''}`;
  const align = `|---|${report.map(() => '---:|').join('')}${before ? '---:|' : ''}`;
  const ratio = (a: number, b: number) => (b > 0 ? `${Math.round((a / b) * 100) / 100}` : '-');
  const row = (label: string, pick: (entry: (typeof report)[number]) => Stats) => {
    const cells = report.map((entry) => {
      const s = pick(entry);
      return `${s.p50} / ${s.p95} / ${s.p99}`;
    });
    const mine = pick(current);
    const theirs = before ? pick(before) : null;
    const ratios = theirs
      ? ` ${ratio(mine.p50, theirs.p50)} / ${ratio(mine.p95, theirs.p95)} / ${ratio(mine.p99, theirs.p99)} |`
      : '';
    return `| ${label} | ${cells.join(' | ')} |${ratios}`;
  };
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
  const markdown = [
    '## Tool-call latency (local stack, warm)',
    '',
    `${machine}, ${new Date().toISOString()}; ms; ${SAMPLES} warm check_availability and ${SAMPLES / 2} hold + release per version, in ${ROUNDS} interleaved rounds.${before ? ` Ratio: this tree / ${before.label} (below 1 is faster).` : ''}`,
    '',
    header,
    align,
    row('check_availability from cache, server-side', (entry) => entry.cachedServer),
    row('check_availability from cache, client-side (HTTP)', (entry) => entry.cachedClient),
    row('hold_slot, server-side', (entry) => entry.hold),
    row('release_hold, server-side', (entry) => entry.release),
    row('all tool calls above, server-side', (entry) => entry.overhead),
    row(
      `a new container's first check_availability, client-side, Calendly at ${CALENDLY_LATENCY_MS} ms (${COLD_RUNS} runs)`,
      (entry) => entry.coldFirstCall,
    ),
    '',
    `Calendly availability requests for one new day with 50 concurrent callers: ${report.map((entry) => `${entry.label} ${entry.burstRequests}`).join(', ')}.`,
    '',
    '| budget (this tree) | measured | ok |',
    '|---|---:|---|',
    ...checks.map((check) => `| ${check.budget} | ${check.value} | ${check.ok ? 'yes' : 'NO'} |`),
    '',
  ].join('\n');
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(path.join(OUT_DIR, 'tool-latency.md'), markdown);
  await writeFile(
    path.join(OUT_DIR, 'tool-latency.json'),
    JSON.stringify({ machine, report, checks }, null, 2),
  );
  process.stdout.write(markdown);
  if (checks.some((check) => !check.ok)) process.exitCode = 1;
}

await main();
