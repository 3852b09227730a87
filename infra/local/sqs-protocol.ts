/**
 * A tiny SQS endpoint speaking the AWS JSON 1.0 protocol that @aws-sdk/client-sqs (3.1169) uses:
 * `POST /` with `x-amz-target: AmazonSQS.<Operation>` and `content-type: application/x-amz-json-1.0`.
 * Errors carry `{__type, message}` plus the `x-amzn-query-error: <Code>;Sender` header the SDK reads in its
 * query-compatible mode, so callers see the same exception classes (e.g. QueueDoesNotExist) as in AWS.
 * The SDK checks MD5OfMessageBody on SendMessage/SendMessageBatch by default, so the digests are real.
 *
 * It only parses and validates; the queue behind it (./sqs-queue.ts) owns messages and delivery.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as z from 'zod';
import { listenLocally } from './listen.ts';

/** An SQS API error, serialised the way the JSON protocol does. */
export class SqsError extends Error {
  override readonly name = 'SqsError';
  constructor(
    /** Shape name in the SQS model, e.g. "QueueDoesNotExist" (the SDK exception name). */
    readonly type: string,
    /** Legacy query-protocol code, e.g. "AWS.SimpleQueueService.NonExistentQueue". */
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Errors the endpoint and the queue raise, with AWS's codes and wording. */
export const sqsErrors = {
  queueDoesNotExist: () =>
    new SqsError(
      'QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
      'The specified queue does not exist.',
    ),
  invalidParameter: (message: string) =>
    new SqsError('InvalidParameterValue', 'InvalidParameterValue', message),
  missingParameter: (name: string) =>
    new SqsError('MissingParameter', 'MissingParameter', `The request must contain the parameter ${name}.`),
  invalidMessageContents: () =>
    new SqsError(
      'InvalidMessageContents',
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  receiptHandleIsInvalid: (handle: string) =>
    new SqsError(
      'ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    ),
  messageNotInflight: () =>
    new SqsError(
      'MessageNotInflight',
      'AWS.SimpleQueueService.MessageNotInflight',
      'Message is not in flight.',
    ),
  messageGone: (handle: string) =>
    new SqsError(
      'InvalidParameterValue',
      'InvalidParameterValue',
      `Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    ),
  invalidAttributeName: (name: string) =>
    new SqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`),
  emptyBatch: () =>
    new SqsError(
      'EmptyBatchRequest',
      'AWS.SimpleQueueService.EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    ),
  tooManyEntries: (count: number) =>
    new SqsError(
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${count}.`,
    ),
  idsNotDistinct: (id: string) =>
    new SqsError(
      'BatchEntryIdsNotDistinct',
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      `Id ${id} repeated.`,
    ),
  invalidBatchEntryId: (id: string) =>
    new SqsError(
      'InvalidBatchEntryId',
      'AWS.SimpleQueueService.InvalidBatchEntryId',
      `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. Invalid id: ${id}`,
    ),
  batchTooLong: (limit: number) =>
    new SqsError(
      'BatchRequestTooLong',
      'AWS.SimpleQueueService.BatchRequestTooLong',
      `Batch requests cannot be longer than ${limit} bytes.`,
    ),
  unsupported: (operation: string, why: string) =>
    new SqsError(
      'UnsupportedOperation',
      'AWS.SimpleQueueService.UnsupportedOperation',
      `${operation} is not available on the local queue: ${why}`,
    ),
} as const;

const MessageAttributeValueSchema = z.object({
  DataType: z.string(),
  StringValue: z.string().optional(),
  /** Blobs travel base64-encoded in the JSON protocol. */
  BinaryValue: z.string().optional(),
});

/** One message attribute as the SQS API carries it. */
export type SqsMessageAttributeValue = z.infer<typeof MessageAttributeValueSchema>;

/** A validated message to enqueue. */
export interface SendInput {
  body: string;
  delaySeconds: number;
  attributes: Record<string, SqsMessageAttributeValue>;
}

export interface SendResult {
  messageId: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
}

/** What the endpoint needs from the queue behind it. Methods throw SqsError. */
export interface SqsBackend {
  readonly queueName: string;
  /** Largest message (body plus attributes) in bytes. */
  readonly maxMessageBytes: number;
  send(input: SendInput): SendResult;
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): void;
  deleteMessage(receiptHandle: string): void;
  purge(): void;
  /** Every queue attribute, as strings, the way GetQueueAttributes returns them. */
  attributes(): Record<string, string>;
}

/** Lower-case hex MD5, the digest SQS and the SDK use for bodies. */
export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * MD5OfMessageAttributes as SQS computes it: attributes sorted by name, each encoded as length-prefixed
 * name, length-prefixed data type, a transport byte (1 string/number, 2 binary) and the length-prefixed value.
 */
export function md5OfMessageAttributes(
  attributes: Record<string, SqsMessageAttributeValue>,
): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const attribute = attributes[name];
    if (!attribute) continue;
    parts.push(
      lengthPrefixed(Buffer.from(name, 'utf8')),
      lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')),
    );
    if (attribute.DataType.startsWith('Binary')) {
      parts.push(Buffer.from([2]), lengthPrefixed(Buffer.from(attribute.BinaryValue ?? '', 'base64')));
    } else {
      parts.push(Buffer.from([1]), lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

// XML 1.0 characters, the set SQS accepts in bodies and string attributes.
const INVALID_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;
const MAX_DELAY_SECONDS = 900;

function attributeBytes(name: string, attribute: SqsMessageAttributeValue): number {
  const value = attribute.DataType.startsWith('Binary')
    ? Buffer.from(attribute.BinaryValue ?? '', 'base64').length
    : Buffer.byteLength(attribute.StringValue ?? '');
  return Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType) + value;
}

/** Checks one message the way SendMessage does and returns its size in bytes. */
function validateMessage(
  body: string | undefined,
  delaySeconds: number | undefined,
  attributes: Record<string, SqsMessageAttributeValue>,
  maxBytes: number,
): { input: SendInput; bytes: number } {
  if (body === undefined || body === '') throw sqsErrors.missingParameter('MessageBody');
  if (INVALID_CHARACTERS.test(body)) throw sqsErrors.invalidMessageContents();
  const delay = delaySeconds ?? 0;
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
    throw sqsErrors.invalidParameter(
      `Value ${delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`,
    );
  }
  const names = Object.keys(attributes);
  if (names.length > 10) {
    throw sqsErrors.invalidParameter(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [10].`,
    );
  }
  let bytes = Buffer.byteLength(body);
  for (const name of names) {
    const attribute = attributes[name];
    if (!attribute) continue;
    if (!ATTRIBUTE_NAME.test(name) || /^(aws|amazon)\./i.test(name)) {
      throw sqsErrors.invalidParameter(`Message attribute name '${name}' is invalid.`);
    }
    const type = attribute.DataType;
    const binary = type.startsWith('Binary');
    if (!/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw sqsErrors.invalidParameter(`The type of message (user) attribute '${name}' is invalid.`);
    }
    const value = binary ? attribute.BinaryValue : attribute.StringValue;
    if (value === undefined || value === '') {
      throw sqsErrors.invalidParameter(
        `Message (user) attribute '${name}' must contain a non-empty value of type '${type}'.`,
      );
    }
    if (!binary && INVALID_CHARACTERS.test(value)) throw sqsErrors.invalidMessageContents();
    if (type.startsWith('Number') && !Number.isFinite(Number(value))) {
      throw sqsErrors.invalidParameter(`Could not cast message attribute '${name}' value to number.`);
    }
    bytes += attributeBytes(name, attribute);
  }
  if (bytes > maxBytes) {
    throw sqsErrors.invalidParameter(
      `One or more parameters are invalid. Reason: Message must be shorter than ${maxBytes} bytes.`,
    );
  }
  return { input: { body, delaySeconds: delay, attributes }, bytes };
}

const QueueUrlInput = z.object({ QueueUrl: z.string().optional() });

const SendMessageInput = QueueUrlInput.extend({
  MessageBody: z.string().optional(),
  DelaySeconds: z.number().optional(),
  MessageAttributes: z.record(z.string(), MessageAttributeValueSchema).optional(),
});

const SendMessageBatchInput = QueueUrlInput.extend({
  Entries: z
    .array(
      z.object({
        Id: z.string(),
        MessageBody: z.string().optional(),
        DelaySeconds: z.number().optional(),
        MessageAttributes: z.record(z.string(), MessageAttributeValueSchema).optional(),
      }),
    )
    .optional(),
});

const ChangeVisibilityInput = QueueUrlInput.extend({
  ReceiptHandle: z.string().optional(),
  VisibilityTimeout: z.number().optional(),
});

const ChangeVisibilityBatchInput = QueueUrlInput.extend({
  Entries: z
    .array(z.object({ Id: z.string(), ReceiptHandle: z.string(), VisibilityTimeout: z.number().optional() }))
    .optional(),
});

const DeleteMessageInput = QueueUrlInput.extend({ ReceiptHandle: z.string().optional() });

const DeleteMessageBatchInput = QueueUrlInput.extend({
  Entries: z.array(z.object({ Id: z.string(), ReceiptHandle: z.string() })).optional(),
});

const GetQueueAttributesInput = QueueUrlInput.extend({ AttributeNames: z.array(z.string()).optional() });

const GetQueueUrlInput = z.object({ QueueName: z.string().optional() });

/** Attribute names GetQueueAttributes accepts; only some have values on a local standard queue. */
const QUEUE_ATTRIBUTE_NAMES = new Set([
  'All',
  'Policy',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
  'ApproximateNumberOfMessagesDelayed',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
]);

const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_VISIBILITY_SECONDS = 43_200;

function parseInput<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw sqsErrors.invalidParameter(`Invalid request: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function visibilitySeconds(value: number | undefined): number {
  if (value === undefined) throw sqsErrors.missingParameter('VisibilityTimeout');
  if (!Number.isInteger(value) || value < 0 || value > MAX_VISIBILITY_SECONDS) {
    throw sqsErrors.invalidParameter(
      `Value ${value} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and ${MAX_VISIBILITY_SECONDS}.`,
    );
  }
  return value;
}

interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

/** Applies `apply` to each batch entry; an entry that throws is reported failed, the others succeed. */
function perEntry<T extends { Id: string }>(
  entries: readonly T[],
  apply: (entry: T) => void,
): { Successful: { Id: string }[]; Failed: BatchFailure[] } {
  const Successful: { Id: string }[] = [];
  const Failed: BatchFailure[] = [];
  for (const entry of entries) {
    try {
      apply(entry);
      Successful.push({ Id: entry.Id });
    } catch (error) {
      Failed.push(batchFailure(entry.Id, error));
    }
  }
  return { Successful, Failed };
}

function batchFailure(id: string, error: unknown): BatchFailure {
  if (error instanceof SqsError)
    return { Id: id, SenderFault: true, Code: error.queryCode, Message: error.message };
  return { Id: id, SenderFault: false, Code: 'InternalError', Message: String(error) };
}

function checkBatchIds(entries: readonly { Id: string }[] | undefined): asserts entries is { Id: string }[] {
  if (!entries || entries.length === 0) throw sqsErrors.emptyBatch();
  if (entries.length > 10) throw sqsErrors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (!BATCH_ENTRY_ID.test(Id)) throw sqsErrors.invalidBatchEntryId(Id);
    if (seen.has(Id)) throw sqsErrors.idsNotDistinct(Id);
    seen.add(Id);
  }
}

/** Answers one JSON-protocol operation against `backend`; `queueUrl` is the only queue it knows. */
function dispatch(backend: SqsBackend, queueUrl: string, operation: string, body: unknown): unknown {
  const requireQueue = (url: string | undefined) => {
    if (!url) throw sqsErrors.missingParameter('QueueUrl');
    // Clients may say localhost or 127.0.0.1; the account and queue name are what identify the queue.
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw sqsErrors.queueDoesNotExist();
    }
    if (path.replace(/\/+$/, '') !== new URL(queueUrl).pathname) throw sqsErrors.queueDoesNotExist();
  };

  switch (operation) {
    case 'SendMessage': {
      const input = parseInput(SendMessageInput, body);
      requireQueue(input.QueueUrl);
      const { input: message } = validateMessage(
        input.MessageBody,
        input.DelaySeconds,
        input.MessageAttributes ?? {},
        backend.maxMessageBytes,
      );
      const sent = backend.send(message);
      return {
        MessageId: sent.messageId,
        MD5OfMessageBody: sent.md5OfBody,
        ...(sent.md5OfMessageAttributes ? { MD5OfMessageAttributes: sent.md5OfMessageAttributes } : {}),
      };
    }
    case 'SendMessageBatch': {
      const input = parseInput(SendMessageBatchInput, body);
      requireQueue(input.QueueUrl);
      const entries = input.Entries;
      checkBatchIds(entries);
      const validated = entries.map((entry) => {
        try {
          return validateMessage(
            entry.MessageBody,
            entry.DelaySeconds,
            entry.MessageAttributes ?? {},
            backend.maxMessageBytes,
          );
        } catch (error) {
          return { error };
        }
      });
      const total = validated.reduce((sum, item) => sum + ('bytes' in item ? item.bytes : 0), 0);
      if (total > backend.maxMessageBytes) throw sqsErrors.batchTooLong(backend.maxMessageBytes);
      const Successful: unknown[] = [];
      const Failed: BatchFailure[] = [];
      entries.forEach((entry, index) => {
        const item = validated[index];
        if (!item || 'error' in item) {
          Failed.push(batchFailure(entry.Id, item?.error));
          return;
        }
        const sent = backend.send(item.input);
        Successful.push({
          Id: entry.Id,
          MessageId: sent.messageId,
          MD5OfMessageBody: sent.md5OfBody,
          ...(sent.md5OfMessageAttributes ? { MD5OfMessageAttributes: sent.md5OfMessageAttributes } : {}),
        });
      });
      return { Successful, Failed };
    }
    case 'ChangeMessageVisibility': {
      const input = parseInput(ChangeVisibilityInput, body);
      requireQueue(input.QueueUrl);
      if (!input.ReceiptHandle) throw sqsErrors.missingParameter('ReceiptHandle');
      backend.changeVisibility(input.ReceiptHandle, visibilitySeconds(input.VisibilityTimeout));
      return {};
    }
    case 'ChangeMessageVisibilityBatch': {
      const input = parseInput(ChangeVisibilityBatchInput, body);
      requireQueue(input.QueueUrl);
      const entries = input.Entries;
      checkBatchIds(entries);
      return perEntry(entries, (entry) =>
        backend.changeVisibility(entry.ReceiptHandle, visibilitySeconds(entry.VisibilityTimeout)),
      );
    }
    case 'DeleteMessage': {
      const input = parseInput(DeleteMessageInput, body);
      requireQueue(input.QueueUrl);
      if (!input.ReceiptHandle) throw sqsErrors.missingParameter('ReceiptHandle');
      backend.deleteMessage(input.ReceiptHandle);
      return {};
    }
    case 'DeleteMessageBatch': {
      const input = parseInput(DeleteMessageBatchInput, body);
      requireQueue(input.QueueUrl);
      const entries = input.Entries;
      checkBatchIds(entries);
      return perEntry(entries, (entry) => backend.deleteMessage(entry.ReceiptHandle));
    }
    case 'GetQueueAttributes': {
      const input = parseInput(GetQueueAttributesInput, body);
      requireQueue(input.QueueUrl);
      const requested = input.AttributeNames ?? [];
      for (const name of requested)
        if (!QUEUE_ATTRIBUTE_NAMES.has(name)) throw sqsErrors.invalidAttributeName(name);
      if (requested.length === 0) return {};
      const all = backend.attributes();
      const wanted = requested.includes('All') ? Object.keys(all) : requested;
      const Attributes: Record<string, string> = {};
      for (const name of wanted) {
        const value = all[name];
        if (value !== undefined) Attributes[name] = value;
      }
      return { Attributes };
    }
    case 'GetQueueUrl': {
      const input = parseInput(GetQueueUrlInput, body);
      if (!input.QueueName) throw sqsErrors.missingParameter('QueueName');
      if (input.QueueName !== backend.queueName) throw sqsErrors.queueDoesNotExist();
      return { QueueUrl: queueUrl };
    }
    case 'PurgeQueue': {
      const input = parseInput(QueueUrlInput, body);
      requireQueue(input.QueueUrl);
      backend.purge();
      return {};
    }
    case 'ReceiveMessage':
      throw sqsErrors.unsupported(
        operation,
        'messages are pushed to the consumer, as a Lambda event source does',
      );
    default:
      throw sqsErrors.unsupported(operation, 'only the operations the product uses are emulated');
  }
}

/** A running endpoint for one queue. */
export interface SqsEndpoint {
  /** Base URL to use as AWS_ENDPOINT_URL_SQS, e.g. http://127.0.0.1:53125. */
  endpoint: string;
  /** The queue's URL on this endpoint: `${endpoint}/${accountId}/${queueName}`. */
  queueUrl: string;
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

function send(response: ServerResponse, status: number, payload: unknown, error?: SqsError): void {
  const body = Buffer.from(JSON.stringify(payload));
  response.statusCode = status;
  response.setHeader('content-type', JSON_CONTENT_TYPE);
  response.setHeader('x-amzn-requestid', randomUUID());
  if (error)
    response.setHeader('x-amzn-query-error', `${error.queryCode};${status < 500 ? 'Sender' : 'Receiver'}`);
  response.setHeader('content-length', body.length);
  response.end(body);
}

function sendError(response: ServerResponse, error: SqsError): void {
  send(response, error.status, { __type: `com.amazonaws.sqs#${error.type}`, message: error.message }, error);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES)
      throw new SqsError('RequestTooLong', 'RequestTooLong', 'The request is too large.', 413);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new SqsError(
      'SerializationException',
      'SerializationException',
      'The request body is not valid JSON.',
    );
  }
}

/** Starts the HTTP endpoint for `backend` on `host:port` (port 0 picks a free one). */
export async function startSqsEndpoint(
  backend: SqsBackend,
  options: { port?: number; host?: string; accountId: string },
): Promise<SqsEndpoint> {
  let queueUrl = '';
  const server = createServer((request, response) => {
    const handle = async () => {
      if (request.method !== 'POST') {
        throw new SqsError(
          'UnknownOperationException',
          'UnknownOperationException',
          'Only POST is supported.',
        );
      }
      const target = request.headers['x-amz-target'];
      const operation =
        typeof target === 'string' && target.startsWith('AmazonSQS.') ? target.slice(10) : undefined;
      if (!operation) {
        throw new SqsError(
          'UnknownOperationException',
          'UnknownOperationException',
          'Missing or unknown X-Amz-Target.',
        );
      }
      const body = await readJson(request);
      send(response, 200, dispatch(backend, queueUrl, operation, body));
    };
    handle().catch((error: unknown) => {
      if (response.headersSent) return;
      sendError(
        response,
        error instanceof SqsError
          ? error
          : new SqsError('InternalError', 'InternalError', String(error), 500),
      );
    });
  });
  server.keepAliveTimeout = 5_000;
  const { url: endpoint } = await listenLocally(server, options);
  queueUrl = `${endpoint}/${options.accountId}/${backend.queueName}`;
  return {
    endpoint,
    queueUrl,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeIdleConnections();
      }),
  };
}
