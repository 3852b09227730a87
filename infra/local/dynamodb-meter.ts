/**
 * A metering proxy in front of DynamoDB Local: every request the functions make passes through it and is
 * recorded with its operation, timing and the request units AWS would bill for it (on-demand mode):
 *
 * - reads: strongly consistent 1 unit per 4 KB read (eventually consistent half), a Query summed over the
 *   items it reads, rounded up once; a transactional read twice;
 * - writes: 1 unit per 1 KB of the larger of the item before and after, at least 1; a transaction item
 *   (condition checks included) twice; each change to the `pending` index (projection ALL) once more per
 *   entry written or removed;
 * - a write whose condition fails is billed for the item as it is.
 *
 * DynamoDB Local's own ConsumedCapacity cannot be used: it reports a transaction as its largest item
 * twice, not the sum. So the proxy reads the items a write touches before and after it (straight from
 * DynamoDB Local, not recorded) and sizes them with DynamoDB's item-size rules. That is exact as long as
 * nothing else writes the same items meanwhile, as in the counting tests and the benchmark (one caller).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { performance } from 'node:perf_hooks';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.ts';
import { listenLocally } from './listen.ts';

/** One DynamoDB request as billed. */
export interface MeteredRequest {
  /** The API operation, e.g. `TransactWriteItems`. */
  operation: string;
  /** Items a transaction or batch names (1 for single-item operations, 0 for a Query). */
  items: number;
  /** The kind of each item or partition named, by key prefix (`SLOT`, `CELL`, `CALL`, ...). */
  kinds: string[];
  readUnits: number;
  /** Write units, index writes included. */
  writeUnits: number;
  /** Of writeUnits, those spent on the `pending` index. */
  indexWriteUnits: number;
  /** Each item written or checked: its kind (key prefix) and write units, index writes included. */
  writes: { kind: string; units: number }[];
  /** HTTP status DynamoDB answered; a failed condition is 400. */
  status: number;
  /** performance.now() when the proxy received the request and when it sent the answer. */
  startedAt: number;
  endedAt: number;
}

/** A window of metered requests, summed. */
export interface MeterSummary {
  requests: number;
  /** Requests by operation. */
  operations: Record<string, number>;
  /** Waves of requests: a request that starts while another of the window is in flight is in its wave. */
  roundTrips: number;
  readUnits: number;
  writeUnits: number;
  indexWriteUnits: number;
  transactionItems: number;
  failed: number;
}

export interface DynamoMeter {
  /** Point the functions' AWS_ENDPOINT_URL_DYNAMODB here. */
  endpoint: string;
  /** The requests answered since the last take (in the order they started), and a new window. */
  take(): MeteredRequest[];
  stop(): Promise<void>;
}

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;
type Json = Record<string, unknown>;

/** An item a write touches: its key, whether it is transactional, and whether it is only checked. */
interface WriteTarget {
  table: string;
  key: Item;
  transactional: boolean;
  checkOnly: boolean;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const KB = 1024;
const { partitionKey, sortKey, pendingIndex } = TABLE_SCHEMA;

/** Starts the proxy on a free loopback port, forwarding to the DynamoDB endpoint `target`. */
export async function startDynamoMeter(target: string): Promise<DynamoMeter> {
  const upstream = new URL(target);
  let window: MeteredRequest[] = [];

  function send(
    headers: IncomingHttpHeaders,
    path: string,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path,
          method: 'POST',
          headers: { ...headers, host: upstream.host, 'content-length': String(body.length) },
        },
        async (answer) =>
          resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: await readBody(answer) }),
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** Calls DynamoDB Local directly (not recorded), with the credentials of the request being metered. */
  async function direct(headers: IncomingHttpHeaders, operation: string, input: Json): Promise<Json> {
    const answer = await send(
      {
        authorization: headers.authorization,
        'x-amz-date': headers['x-amz-date'],
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
      },
      '/',
      Buffer.from(JSON.stringify(input)),
    );
    return JSON.parse(answer.body.toString('utf8')) as Json;
  }

  async function image(headers: IncomingHttpHeaders, target: WriteTarget): Promise<Item | null> {
    const answer = await direct(headers, 'GetItem', {
      TableName: target.table,
      Key: target.key,
      ConsistentRead: true,
    });
    return (answer.Item as Item | undefined) ?? null;
  }

  async function readUnitsOf(headers: IncomingHttpHeaders, operation: string, input: Json, output: Json) {
    const consistent = input.ConsistentRead === true;
    const scale = (bytes: number) => Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5);
    if (operation === 'GetItem') {
      // Billed on the whole item, whatever a projection returns.
      const whole = input.ProjectionExpression
        ? ((
            await direct(headers, 'GetItem', {
              TableName: input.TableName,
              Key: input.Key,
              ConsistentRead: true,
            })
          ).Item as Item | undefined)
        : (output.Item as Item | undefined);
      return scale(whole ? itemSize(whole) : 0);
    }
    if (operation === 'Query' || operation === 'Scan') {
      // Billed on every item read, before a filter or projection drops any.
      const read =
        input.FilterExpression || input.ProjectionExpression || input.Select
          ? await direct(headers, operation, withoutSelection(input))
          : output;
      const items = (read.Items as Item[] | undefined) ?? [];
      return scale(items.reduce((total, item) => total + itemSize(item), 0));
    }
    // Batch and transactional reads: per item (transactional twice), from the items answered.
    const responses =
      operation === 'TransactGetItems'
        ? ((output.Responses as { Item?: Item }[] | undefined) ?? []).map((entry) => entry.Item)
        : Object.values((output.Responses as Record<string, Item[]> | undefined) ?? {}).flat();
    const factor = operation === 'TransactGetItems' ? 2 : 1;
    return responses.reduce(
      (total, item) => total + factor * Math.max(1, Math.ceil((item ? itemSize(item) : 0) / (4 * KB))),
      0,
    );
  }

  const server = createServer(async (incoming, outgoing) => {
    const startedAt = performance.now();
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    const body = await readBody(incoming);
    const metered = WRITES.has(operation) || READS.has(operation);
    const input = metered ? (JSON.parse(body.toString('utf8')) as Json) : {};
    const targets = WRITES.has(operation) ? writeTargets(operation, input) : [];
    const before = await Promise.all(targets.map((target) => image(incoming.headers, target)));

    const answer = await send(incoming.headers, incoming.url ?? '/', body).catch((error: Error) => ({
      status: 502,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from(`meter could not reach DynamoDB: ${error.message}`),
    }));

    if (metered) {
      let readUnits = 0;
      let writeUnits = 0;
      let indexWriteUnits = 0;
      const writes: MeteredRequest['writes'] = [];
      if (READS.has(operation)) {
        readUnits =
          answer.status === 200
            ? await readUnitsOf(
                incoming.headers,
                operation,
                input,
                JSON.parse(answer.body.toString('utf8')) as Json,
              )
            : 0;
      } else {
        const after =
          answer.status === 200
            ? await Promise.all(targets.map((target) => image(incoming.headers, target)))
            : before;
        targets.forEach((target, index) => {
          const units = writeUnitsOf(target, before[index] ?? null, after[index] ?? null);
          writeUnits += units.table + units.index;
          indexWriteUnits += units.index;
          writes.push({ kind: kindOf(target.key), units: units.table + units.index });
        });
      }
      window.push({
        operation,
        items: itemCount(operation, input),
        kinds: keyKinds(input),
        readUnits,
        writeUnits,
        indexWriteUnits,
        writes,
        status: answer.status,
        startedAt,
        endedAt: performance.now(),
      });
    }
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end(answer.body);
  });
  server.keepAliveTimeout = 5_000;
  const { url } = await listenLocally(server);

  return {
    endpoint: url,
    take() {
      const taken = window.sort((a, b) => a.startedAt - b.startedAt);
      window = [];
      return taken;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Sums a window of requests. */
export function summarize(requests: readonly MeteredRequest[]): MeterSummary {
  const operations: Record<string, number> = {};
  let roundTrips = 0;
  let waveEnd = Number.NEGATIVE_INFINITY;
  for (const request of [...requests].sort((a, b) => a.startedAt - b.startedAt)) {
    operations[request.operation] = (operations[request.operation] ?? 0) + 1;
    if (request.startedAt >= waveEnd) {
      roundTrips += 1;
      waveEnd = request.endedAt;
    } else {
      waveEnd = Math.max(waveEnd, request.endedAt);
    }
  }
  const sum = (pick: (request: MeteredRequest) => number) =>
    requests.reduce((total, request) => total + pick(request), 0);
  return {
    requests: requests.length,
    operations,
    roundTrips,
    readUnits: sum((request) => request.readUnits),
    writeUnits: sum((request) => request.writeUnits),
    indexWriteUnits: sum((request) => request.indexWriteUnits),
    transactionItems: sum((request) => (request.operation.startsWith('Transact') ? request.items : 0)),
    failed: requests.filter((request) => request.status !== 200).length,
  };
}

/**
 * Size of an item as DynamoDB counts it: attribute names plus values (strings and binaries by length,
 * numbers 1 byte per 2 significant digits plus 1, booleans and nulls 1 byte, lists and maps 3 bytes plus
 * 1 per element).
 */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

function valueSize(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(content));
    case 'B':
      return Buffer.from(String(content), 'base64').length;
    case 'N':
      return numberSize(String(content));
    case 'SS':
      return (content as string[]).reduce((total, entry) => total + Buffer.byteLength(entry), 0);
    case 'NS':
      return (content as string[]).reduce((total, entry) => total + numberSize(entry), 0);
    case 'BS':
      return (content as string[]).reduce((total, entry) => total + Buffer.from(entry, 'base64').length, 0);
    case 'L':
      return (content as AttributeValue[]).reduce((total, entry) => total + 1 + valueSize(entry), 3);
    case 'M':
      return Object.entries(content as Item).reduce(
        (total, [name, entry]) => total + 1 + Buffer.byteLength(name) + valueSize(entry),
        3,
      );
    default:
      return 1;
  }
}

function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '');
  return Math.ceil(digits.replace(/0+$/, '').length / 2) + 1;
}

function writeUnitsOf(target: WriteTarget, before: Item | null, after: Item | null) {
  const factor = target.transactional ? 2 : 1;
  const units = (item: Item | null) => Math.max(1, Math.ceil((item ? itemSize(item) : 0) / KB));
  const table = factor * Math.max(units(before), units(after));
  if (target.checkOnly) return { table, index: 0 };
  const entry = (item: Item | null) =>
    item?.[pendingIndex.partitionKey] && item[pendingIndex.sortKey]
      ? JSON.stringify([item[pendingIndex.partitionKey], item[pendingIndex.sortKey]])
      : null;
  const was = entry(before);
  const is = entry(after);
  let index = 0;
  if (was && is && was === is) index = Math.max(units(before), units(after));
  else index = (was ? units(before) : 0) + (is ? units(after) : 0);
  return { table, index };
}

function keyOf(item: Item): Item {
  const key: Item = {};
  for (const name of [partitionKey, sortKey]) {
    const value = item[name];
    if (value) key[name] = value;
  }
  return key;
}

function writeTargets(operation: string, input: Json): WriteTarget[] {
  const single = (transactional: boolean, checkOnly: boolean) => (entry: Json) => ({
    table: String(entry.TableName),
    key: entry.Key ? (entry.Key as Item) : keyOf(entry.Item as Item),
    transactional,
    checkOnly,
  });
  if (operation === 'TransactWriteItems') {
    return ((input.TransactItems as Json[] | undefined) ?? []).map((entry) => {
      const [kind, inner] = Object.entries(entry)[0] ?? ['', {}];
      return single(true, kind === 'ConditionCheck')(inner as Json);
    });
  }
  if (operation === 'BatchWriteItem') {
    return Object.entries((input.RequestItems as Record<string, Json[]> | undefined) ?? {}).flatMap(
      ([table, requests]) =>
        requests.map((request) => {
          const put = request.PutRequest as { Item: Item } | undefined;
          const remove = request.DeleteRequest as { Key: Item } | undefined;
          return {
            table,
            key: put ? keyOf(put.Item) : (remove?.Key ?? {}),
            transactional: false,
            checkOnly: false,
          };
        }),
    );
  }
  return [single(false, false)(input)];
}

function withoutSelection(input: Json): Json {
  const { FilterExpression: _f, ProjectionExpression: _p, Select: _s, ...rest } = input;
  return rest;
}

function itemCount(operation: string, input: Json): number {
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    return Array.isArray(input.TransactItems) ? input.TransactItems.length : 0;
  }
  if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
    const byTable = (input.RequestItems ?? {}) as Record<string, unknown>;
    return Object.values(byTable).reduce<number>((total, entry) => {
      const list = Array.isArray(entry) ? entry : ((entry as { Keys?: unknown[] }).Keys ?? []);
      return total + list.length;
    }, 0);
  }
  return operation === 'Query' || operation === 'Scan' ? 0 : 1;
}

function kindOf(key: Item): string {
  const value = key[partitionKey]?.S;
  return typeof value === 'string' ? (value.split('#')[0] ?? value) : 'unknown';
}

/** Key prefixes named in a request: every `pk` value, and a Query's `:pk` partition value. */
function keyKinds(input: Json): string[] {
  const kinds: string[] = [];
  const visit = (value: unknown, key: string | null): void => {
    if (Array.isArray(value)) for (const entry of value) visit(entry, null);
    else if (value && typeof value === 'object') {
      const record = value as Json;
      if ((key === partitionKey || key === `:${partitionKey}`) && typeof record.S === 'string') {
        kinds.push(record.S.split('#')[0] ?? record.S);
        return;
      }
      for (const [name, entry] of Object.entries(record)) visit(entry, name);
    }
  };
  visit(input, null);
  return kinds;
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
