/**
 * Module init benchmark (`npm run bench:init`, budget: module init <= 150 ms above a bare Node start).
 *
 * Builds every function exactly as deployed (infra/bundle-report.ts -> infra/bundling.ts), then, N times and
 * interleaved, starts a fresh `node` that imports one bundle and exits, next to a bare `node -e 0`. The
 * difference of the median wall times is the cost of loading that function. Dummy local configuration makes
 * config validation pass; every AWS endpoint points at 127.0.0.1:9 and APP_SECRET_ID is unset, so nothing
 * leaves the machine. Results: bench/out/init-time.json and .md; the markdown also goes to stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleReport, DEFAULT_BUNDLE_DIR } from '../infra/bundle-report.ts';
import { PROJECT_ROOT } from '../infra/bundling.ts';
import { FUNCTIONS, type FunctionName } from '../infra/routes.ts';

/** budget: median module init above a bare Node start. */
export const INIT_BUDGET_MS = 150;

const OUT_DIR = path.join(PROJECT_ROOT, 'bench', 'out');
const RESULT_MARKER = '__INIT_TIME__';
/** Discard port on loopback: connections are refused at once, so a stray network call fails fast and local. */
const NOWHERE = 'http://127.0.0.1:9';

/** Imports the bundle given as argv[1], checks it exports a handler, reports the in-process import time. */
const LOADER = `
const started = performance.now();
const mod = await import(process.argv[1]);
const importMs = performance.now() - started;
if (typeof mod.handler !== 'function') {
  console.error('bundle does not export a handler function');
  process.exit(3);
}
console.log('${RESULT_MARKER}' + JSON.stringify({ importMs }));
`;

/** The environment a deployed function would have, with local dummy values and no way out. */
export function benchEnvironment(name: FunctionName): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    TZ: 'UTC',
    // As set by AppFunction; source maps on, because that is what Lambda loads.
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'voice-booking',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_NAMESPACE: 'VoiceBookingBench',
    AWS_LAMBDA_FUNCTION_NAME: `voice-booking-bench-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTIONS[name].memoryMb),
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: NOWHERE,
    AWS_ENDPOINT_URL_DYNAMODB: NOWHERE,
    AWS_ENDPOINT_URL_SQS: NOWHERE,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: NOWHERE,
    // Configuration (names from shared/env.ts) that passes shared/config.ts validation. No APP_SECRET_ID.
    PUBLIC_BASE_URL: 'https://bench.invalid',
    TABLE_NAME: 'voice-booking-bench',
    BOOKING_QUEUE_URL: `${NOWHERE}/000000000000/voice-booking-bench`,
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'bench-twilio-auth-token',
    TWILIO_PHONE_NUMBER: '+14155550123',
    TWILIO_API_BASE_URL: NOWHERE,
    VAPI_API_KEY: 'bench-vapi-api-key',
    VAPI_ASSISTANT_ID: 'bench-assistant',
    VAPI_PHONE_NUMBER_ID: 'bench-phone-number',
    VAPI_SERVER_SECRET: 'bench-vapi-server-secret',
    VAPI_API_BASE_URL: NOWHERE,
    CALENDLY_API_TOKEN: 'bench-calendly-token',
    CALENDLY_API_BASE_URL: NOWHERE,
    CALENDLY_EVENT_TYPE_URI: 'https://api.calendly.com/event_types/BENCH',
    CALENDLY_WEBHOOK_SIGNING_KEY: 'bench-calendly-signing-key',
    BUSINESS_TIMEZONE: 'America/New_York',
    FALLBACK_PHONE_NUMBER: '+14155550199',
    HOLD_TTL_SECONDS: '300',
  };
}

interface Sample {
  wallMs: number;
  importMs?: number;
}

function runNode(args: readonly string[], env: Record<string, string>): Sample {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 15_000 });
  const wallMs = performance.now() - started;
  if (child.status !== 0) {
    const why = child.error?.message ?? `exit code ${child.status ?? child.signal}`;
    throw new Error(`node ${args.at(-1)} failed (${why}):\n${child.stderr.trim() || child.stdout.trim()}`);
  }
  const line = child.stdout.split('\n').find((text) => text.startsWith(RESULT_MARKER));
  if (!line) return { wallMs };
  const { importMs } = JSON.parse(line.slice(RESULT_MARKER.length)) as { importMs: number };
  return { wallMs, importMs };
}

/** Value at quantile q (nearest rank) of the samples. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface InitTimeRow {
  readonly name: FunctionName;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly importMedianMs: number;
  readonly overBaselineMs: number;
  readonly ok: boolean;
}

export interface InitTimeResult {
  readonly node: string;
  readonly runs: number;
  readonly baseline: { readonly medianMs: number; readonly p95Ms: number };
  readonly rows: readonly InitTimeRow[];
  readonly samples: Readonly<Record<string, readonly Sample[]>>;
}

/** Measures every function (bundles must already be in `bundleDir`). */
export function measureInitTime(options: {
  runs: number;
  bundleDir: string;
  functions: readonly FunctionName[];
}): InitTimeResult {
  const baselineEnv = benchEnvironment('health');
  const bundleArgs = (name: FunctionName) => [
    '--input-type=module',
    '-e',
    LOADER,
    pathToFileURL(path.join(options.bundleDir, name, 'index.mjs')).href,
  ];
  // One untimed round first: fills the page cache and surfaces a broken bundle before any timing.
  runNode(['-e', '0'], baselineEnv);
  for (const name of options.functions) runNode(bundleArgs(name), benchEnvironment(name));

  const samples = new Map<string, Sample[]>([
    ['baseline', []],
    ...options.functions.map((name) => [name, []] as [string, Sample[]]),
  ]);
  for (let run = 0; run < options.runs; run++) {
    // Interleaved, so drift in machine load hits baseline and bundles alike.
    samples.get('baseline')?.push(runNode(['-e', '0'], baselineEnv));
    for (const name of options.functions) {
      samples.get(name)?.push(runNode(bundleArgs(name), benchEnvironment(name)));
    }
  }

  const walls = (key: string) => (samples.get(key) ?? []).map((sample) => sample.wallMs);
  const baseline = { medianMs: quantile(walls('baseline'), 0.5), p95Ms: quantile(walls('baseline'), 0.95) };
  const rows = options.functions.map((name) => {
    const medianMs = quantile(walls(name), 0.5);
    const overBaselineMs = medianMs - baseline.medianMs;
    return {
      name,
      medianMs,
      p95Ms: quantile(walls(name), 0.95),
      importMedianMs: quantile(
        (samples.get(name) ?? []).map((sample) => sample.importMs ?? Number.NaN),
        0.5,
      ),
      overBaselineMs,
      ok: overBaselineMs <= INIT_BUDGET_MS,
    };
  });
  return { node: process.version, runs: options.runs, baseline, rows, samples: Object.fromEntries(samples) };
}

/** Markdown summary of a result. */
export function formatInitTime(result: InitTimeResult): string {
  const ms = (value: number) => value.toFixed(1);
  return [
    `### Module init time (node ${result.node}, ${result.runs} runs, budget +${INIT_BUDGET_MS} ms over bare node)`,
    '',
    '| function | median ms | p95 ms | import ms (in-process median) | over baseline ms | status |',
    '|---|---:|---:|---:|---:|---|',
    `| *node -e 0* | ${ms(result.baseline.medianMs)} | ${ms(result.baseline.p95Ms)} | | | |`,
    ...result.rows.map(
      (row) =>
        `| ${row.name} | ${ms(row.medianMs)} | ${ms(row.p95Ms)} | ${ms(row.importMedianMs)} | ${ms(row.overBaselineMs)} | ${row.ok ? 'ok' : 'FAIL'} |`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 20;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const functions = Object.keys(FUNCTIONS) as FunctionName[];

  // Same settings as the deployed assets; a failed bundle report (budget, forbidden package) fails here too.
  const report = await bundleReport({ outDir: DEFAULT_BUNDLE_DIR, functions });
  if (report.problems.length > 0) {
    console.error(`bundle report failed:\n${report.problems.join('\n')}`);
    process.exitCode = 1;
  }

  const result = measureInitTime({ runs, bundleDir: DEFAULT_BUNDLE_DIR, functions });
  const markdown = formatInitTime(result);
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(path.join(OUT_DIR, 'init-time.json'), JSON.stringify(result, null, 2));
  await writeFile(path.join(OUT_DIR, 'init-time.md'), `${markdown}\n`);
  console.log(markdown);
  if (result.rows.some((row) => !row.ok)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
