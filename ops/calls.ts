/**
 * `npm run calls`: the recent call records and today's counts by outcome, from a deployed stack's table
 * (`--stage prod`, found through its CloudFormation outputs), from `npm run dev`'s table (`--local`, with
 * `--data DIR` when the server was given one), or from any table (`--endpoint URL --table NAME`).
 * Callers' numbers are masked; `--json` prints the records as they are stored, numbers included.
 *
 *   npm run calls -- (--stage NAME | --local [--data DIR] | --endpoint URL --table NAME) [--days N] [--limit N] [--json]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEV_DATA } from '../infra/local/defaults.ts';
import { runningDevServer } from '../infra/local/dev-data.ts';
import { localDynamoDbClient, startDynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { ProvisionError } from '../provision/http.ts';
import { stackOutputs } from '../provision/target.ts';
import { createCallLog } from '../shared/adapters/dynamodb/call-log.ts';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.ts';
import { CALL_OUTCOMES, type CallLogEntry } from '../shared/domain/call-log.ts';
import { maskPhone } from '../shared/observability.ts';

const USAGE =
  'usage: npm run calls -- (--stage NAME | --local [--data DIR] | --endpoint URL --table NAME) [--days N] [--limit N] [--json]';
const DAY_MS = 24 * 3600 * 1000;
/** Today's counts read every record of the day; a day with more calls than this is counted up to it. */
const MAX_CALLS_PER_DAY = 100_000;

interface Source {
  label: string;
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

class UsageError extends Error {}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`--${name} must be a whole number above 0`);
  return number;
}

async function sourceOf(values: Record<string, string | boolean | undefined>): Promise<Source> {
  const { stage, endpoint, table, data } = values as Record<string, string | undefined>;
  const chosen = [stage, values.local, endpoint].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('Give exactly one of --stage, --local and --endpoint.');
  if (stage) {
    const outputs = await stackOutputs(stage);
    if (!outputs.TableName) {
      throw new ProvisionError(
        `Stack VoiceBooking-${stage} has no TableName output: deploy this version first.`,
      );
    }
    const client = new DynamoDBClient({});
    return {
      label: `stack VoiceBooking-${stage}`,
      client,
      tableName: outputs.TableName,
      close: async () => client.destroy(),
    };
  }
  if (endpoint) {
    if (!table) throw new UsageError('--endpoint needs --table.');
    const client = localDynamoDbClient(endpoint);
    return {
      label: `table ${table} at ${endpoint}`,
      client,
      tableName: table,
      close: async () => client.destroy(),
    };
  }
  const dir = resolve(data ?? DEV_DATA.dir);
  const running = runningDevServer(dir);
  if (running) {
    const client = localDynamoDbClient(running.dynamoEndpoint);
    return {
      label: `npm run dev (${dir})`,
      client,
      tableName: DEV_DATA.tableName,
      close: async () => client.destroy(),
    };
  }
  // No server runs there: open its data with a DynamoDB Local of our own, for as long as the command runs.
  const dbPath = join(dir, 'dynamodb');
  if (!existsSync(dbPath))
    throw new ProvisionError(`There is no local data in ${dir}: run npm run dev first.`);
  const dynamo = await startDynamoDbLocal({ dbPath });
  const client = localDynamoDbClient(dynamo.endpoint);
  return {
    label: `local data in ${dir}`,
    client,
    tableName: DEV_DATA.tableName,
    close: async () => {
      client.destroy();
      await dynamo.stop();
    },
  };
}

function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** The report: one line per call, newest first, then the day's counts by outcome. */
export function formatCalls(recent: CallLogEntry[], today: CallLogEntry[], day: string): string {
  const lines = recent.map((entry) =>
    [
      new Date(entry.startedAt).toISOString().slice(0, 16).replace('T', ' '),
      (maskPhone(entry.callerNumber) ?? 'withheld').padEnd(8),
      duration(entry.durationSeconds).padStart(7),
      entry.outcome.padEnd(11),
      (entry.endedReason ?? '-').padEnd(26),
      entry.bookingIds.length > 0 ? `bookings ${entry.bookingIds.join(', ')}` : '',
    ]
      .join('  ')
      .trimEnd(),
  );
  const counts = Object.entries(countsOf(today)).map(([outcome, count]) => `${outcome} ${count}`);
  return [
    recent.length > 0 ? 'started (UTC)     caller    length  outcome      ended' : 'No calls in this period.',
    ...lines,
    '',
    `${day} (UTC): ${today.length} call${today.length === 1 ? '' : 's'}: ${counts.join(', ')}`,
  ].join('\n');
}

/** Runs the command; returns the exit code. */
export async function main(
  argv: readonly string[],
  io: Io = { out: (text) => console.log(text), err: (text) => console.error(text) },
  now: () => Date = () => new Date(),
): Promise<number> {
  let source: Source | undefined;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        stage: { type: 'string' },
        local: { type: 'boolean' },
        data: { type: 'string' },
        endpoint: { type: 'string' },
        table: { type: 'string' },
        days: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const days = positive('days', values.days, 7);
    const limit = positive('limit', values.limit, 20);
    source = await sourceOf(values);
    const log = createCallLog(createDocumentClient(source.client), source.tableName);
    const to = new Date(now().getTime() + 1);
    const recent = await log.list({ from: new Date(to.getTime() - days * DAY_MS), to }, limit);
    const dayStart = new Date(Math.floor(now().getTime() / DAY_MS) * DAY_MS);
    const today = await log.list({ from: dayStart, to }, MAX_CALLS_PER_DAY);
    if (values.json) {
      io.out(JSON.stringify({ recent, today: countsOf(today) }, null, 2));
    } else {
      io.out(`Calls in ${source.label}, last ${days} day${days === 1 ? '' : 's'}, newest first:\n`);
      io.out(formatCalls(recent, today, dayStart.toISOString().slice(0, 10)));
    }
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof ProvisionError) {
      io.err(error.message);
      return 1;
    }
    io.err(`Could not read the call records: ${(error as Error).message}`);
    return 1;
  } finally {
    await source?.close();
  }
}

function countsOf(entries: CallLogEntry[]): Record<string, number> {
  return Object.fromEntries(
    CALL_OUTCOMES.map((outcome) => [outcome, entries.filter((entry) => entry.outcome === outcome).length]),
  );
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
