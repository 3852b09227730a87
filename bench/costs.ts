/**
 * What a booked call costs (`npm run bench:costs`, or `npm run bench:costs -- --against <commit>` to
 * measure an earlier commit first, on the same machine): DynamoDB requests, round trips and request units
 * per tool call and per booking, counted by the metering proxy on the local stack (./booking-costs.ts),
 * and the AWS cost of a booked call computed from them with public on-demand prices and the functions'
 * memory sizes. Results: bench/out/booking-costs.json and .md (also printed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../infra/bundling.ts';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { startDynamoMeter } from '../infra/local/dynamodb-meter.ts';
import type { LocalStack, LocalStackOptions } from '../infra/local/stack.ts';
import { FUNCTIONS } from '../infra/routes.ts';
import { type BookingCost, meterBooking, vapiToolCaller, weekdayAhead } from './booking-costs.ts';
import { versionsToCompare } from './versions.ts';

const OUT_DIR = path.join(PROJECT_ROOT, 'bench', 'out');
const SECRET = 'bench-vapi-server-secret-0123456789';
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 5);

/**
 * Public on-demand prices, us-east-1, USD (aws.amazon.com/dynamodb/pricing/on-demand, /lambda/pricing,
 * /api-gateway/pricing, /sqs/pricing, as published in 2025).
 */
export const PRICES = {
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  /** arm64, which every function runs on (infra/constructs/app-function.ts). */
  lambdaGbSecond: 0.0000133334,
  httpApiRequest: 1.0 / 1e6,
  sqsRequest: 0.4 / 1e6,
};

/** SQS requests per booking: the send, the receive that delivers it, the delete after the batch. */
const SQS_REQUESTS_PER_BOOKING = 3;

interface Measured {
  cost: BookingCost;
  /** Handler milliseconds of the booking's three tool calls and of the worker's invocation. */
  toolMs: number[];
  workerMs: number;
}

async function measure(root: string, dynamoEndpoint: string): Promise<Measured[]> {
  const { startLocalStack } = (await import(pathToFileURL(path.join(root, 'infra/local/stack.ts')).href)) as {
    startLocalStack(options: LocalStackOptions): Promise<LocalStack>;
  };
  const meter = await startDynamoMeter(dynamoEndpoint);
  let toolMs: number[] = [];
  let workerMs: number[] = [];
  const stack = await startLocalStack({
    dynamoEndpoint: meter.endpoint,
    env: { VAPI_SERVER_SECRET: SECRET, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    onRequest: (entry) => {
      if (entry.path === '/vapi/tools') toolMs.push(entry.ms);
    },
    queue: {
      wrapWorker: (worker) => async (event, context) => {
        const started = performance.now();
        try {
          return await worker(event, context);
        } finally {
          workerMs.push(performance.now() - started);
        }
      },
    },
  });
  try {
    const tool = vapiToolCaller(stack, SECRET);
    const day = weekdayAhead('America/New_York', 3);
    // One booking warms every function and caches the day, as for most callers.
    await meterBooking(stack, meter, tool, { day, slotIndex: BOOKINGS });
    const measured: Measured[] = [];
    for (let index = 0; index < BOOKINGS; index++) {
      toolMs = [];
      workerMs = [];
      const cost = await meterBooking(stack, meter, tool, { day, slotIndex: index });
      measured.push({ cost, toolMs, workerMs: workerMs.reduce((a, b) => a + b, 0) });
    }
    return measured;
  } finally {
    await stack.stop();
    await meter.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const usd = (value: number) => `$${value.toFixed(value < 1 ? 2 : 0)}`;

/** The AWS cost of one booked call, by service, from a measured booking. */
export function costOf(measured: Measured) {
  const { booking } = measured.cost;
  const gbSeconds = (ms: number, memoryMb: number) => (Math.ceil(ms) / 1000) * (memoryMb / 1024);
  const toolGbSeconds = measured.toolMs.reduce(
    (total, ms) => total + gbSeconds(ms, FUNCTIONS['vapi-tools'].memoryMb),
    0,
  );
  const workerGbSeconds = gbSeconds(measured.workerMs, FUNCTIONS['booking-worker'].memoryMb);
  const dynamo = booking.writeUnits * PRICES.dynamoWriteUnit + booking.readUnits * PRICES.dynamoReadUnit;
  const lambda = 4 * PRICES.lambdaRequest + (toolGbSeconds + workerGbSeconds) * PRICES.lambdaGbSecond;
  const api = 3 * PRICES.httpApiRequest;
  const sqs = SQS_REQUESTS_PER_BOOKING * PRICES.sqsRequest;
  return { dynamo, lambda, api, sqs, total: dynamo + lambda + api + sqs };
}

async function main(): Promise<void> {
  const againstIndex = process.argv.indexOf('--against');
  const against = againstIndex >= 0 ? process.argv[againstIndex + 1] : process.env.BENCH_AGAINST;
  const versions = (await versionsToCompare(against)).reverse();
  const dynamo = await startDynamoDbLocal();
  const results: { label: string; measured: Measured[] }[] = [];
  try {
    // One after the other in this process: each stack sets the functions' environment when it starts.
    for (const version of versions) {
      results.push({ label: version.label, measured: await measure(version.root, dynamo.endpoint) });
    }
  } finally {
    await dynamo.stop();
  }

  const lines: string[] = [];
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
  lines.push(
    '## What a booked call costs (local stack, metered)',
    '',
    `${machine}, ${new Date().toISOString()}. A caller on a day already cached checks, holds and confirms; the`,
    `worker books it in Calendly and texts. Median of ${BOOKINGS} bookings after one that warms every function.`,
    'Request units as AWS bills them: reads 1 per 4 KB (consistent; eventually consistent half), writes 1 per',
    'KB of the larger of before and after, every transaction item twice, each `pending` index entry written',
    'or removed once more.',
    '',
  );
  for (const { label, measured } of results) {
    const pick = median(measured.map((entry) => entry.cost.booking.requests));
    const chosen = measured.find((entry) => entry.cost.booking.requests === pick) ?? measured[0];
    if (!chosen) continue;
    const { cost } = chosen;
    lines.push(
      `### ${label}`,
      '',
      '| step | DynamoDB requests | sequential round trips | write units | read units |',
    );
    lines.push('|---|---:|---:|---:|---:|');
    for (const step of cost.steps) {
      const name = step.step === 'confirm_booking' ? 'confirm_booking + worker' : step.step;
      lines.push(
        `| ${name} | ${step.requests} | ${step.roundTrips} | ${step.writeUnits} | ${step.readUnits} |`,
      );
    }
    lines.push(
      `| whole booking | ${cost.booking.requests} | | ${cost.booking.writeUnits} | ${cost.booking.readUnits} |`,
      '',
      `Requests per booking over the ${BOOKINGS} runs: ${measured.map((entry) => entry.cost.booking.requests).join(', ')}; of these, confirm_booking's looks at the booking while the worker books it: ${measured.map((entry) => entry.cost.waitLooks).join(', ')}.`,
      `Write units by item: ${Object.entries(cost.writeUnitsByKind)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, units]) => `${kind} ${units}`)
        .join(', ')} (of which the \`pending\` index ${cost.booking.indexWriteUnits}).`,
      `Calendly requests: ${Object.entries(cost.calendly)
        .map(([endpoint, count]) => `${endpoint} ${count}`)
        .join(', ')}.`,
      '',
    );
    const price = costOf(chosen);
    lines.push(
      '| AWS cost per million booked calls | USD |',
      '|---|---:|',
      `| DynamoDB: ${cost.booking.writeUnits} WRU × $0.625/M + ${cost.booking.readUnits} RRU × $0.125/M | ${usd(price.dynamo * 1e6)} |`,
      `| Lambda: 4 invocations × $0.20/M + GB-s × $0.0000133334 (vapi-tools ${FUNCTIONS['vapi-tools'].memoryMb} MB × ${chosen.toolMs.map((ms) => Math.ceil(ms)).join(' + ')} ms, worker ${FUNCTIONS['booking-worker'].memoryMb} MB × ${Math.ceil(chosen.workerMs)} ms, as measured here) | ${usd(price.lambda * 1e6)} |`,
      `| API Gateway HTTP API: 3 requests × $1.00/M | ${usd(price.api * 1e6)} |`,
      `| SQS: ${SQS_REQUESTS_PER_BOOKING} requests × $0.40/M | ${usd(price.sqs * 1e6)} |`,
      `| total (DynamoDB ${Math.round((price.dynamo / price.total) * 100)}%) | ${usd(price.total * 1e6)} |`,
      '',
    );
  }
  lines.push(
    'Prices: us-east-1 on-demand, as published in 2025. Not counted: the Twilio voice and status webhooks and',
    "Vapi's events of the call (the same with or without a booking), logs and metrics, Secrets Manager (cached),",
    "the sweeper, data transfer. Lambda durations are the local handlers' (DynamoDB Local is slower than the",
    'service), so the Lambda line is an upper bound.',
    '',
  );
  const markdown = lines.join('\n');
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(path.join(OUT_DIR, 'booking-costs.md'), markdown);
  await writeFile(
    path.join(OUT_DIR, 'booking-costs.json'),
    JSON.stringify(
      results.map(({ label, measured }) => ({
        label,
        bookings: measured.map((entry) => ({
          steps: entry.cost.steps.map(({ metered: _metered, ...summary }) => summary),
          booking: entry.cost.booking,
          waitLooks: entry.cost.waitLooks,
          calendly: entry.cost.calendly,
          writeUnitsByKind: entry.cost.writeUnitsByKind,
          toolMs: entry.toolMs,
          workerMs: entry.workerMs,
          cost: costOf(entry),
        })),
      })),
      null,
      2,
    ),
  );
  process.stdout.write(markdown);
}

await main();
