/**
 * The one SQS operation the product calls, SendMessage, over the AWS JSON 1.0 protocol that
 * @aws-sdk/client-sqs speaks (`POST /`, `x-amz-target: AmazonSQS.SendMessage`), so the real SQS adapter runs
 * unchanged against the local queue. Errors carry `{__type, message}` and the `x-amzn-query-error` header
 * the SDK reads, so callers get the exception classes AWS raises (QueueDoesNotExist, InvalidParameterValue,
 * MissingParameter). The SDK checks MD5OfMessageBody, so the digest is real. Every other operation answers
 * UnsupportedOperation: nothing in the product uses one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as z from 'zod';
import { listenLocally } from './listen.ts';

/** An SQS API error as the JSON protocol serialises it. */
class SqsError extends Error {
  constructor(
    /** Shape name in the SQS model (the SDK exception name). */
    readonly type: string,
    /** The legacy query-protocol code the SDK maps back to that exception. */
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const invalidParameter = (message: string) =>
  new SqsError('InvalidParameterValue', 'InvalidParameterValue', message);
const missingParameter = (name: string) =>
  new SqsError('MissingParameter', 'MissingParameter', `The request must contain the parameter ${name}.`);

/** SQS's longest delay, in seconds. */
const MAX_DELAY_SECONDS = 900;
/** Characters SQS refuses in a message body (outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | astral). */
const INVALID_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

const SendMessageInput = z.looseObject({
  QueueUrl: z.string().optional(),
  MessageBody: z.string().optional(),
  DelaySeconds: z.number().optional(),
  MessageAttributes: z.record(z.string(), z.unknown()).optional(),
});

/** A message accepted by the endpoint. */
export interface SentMessage {
  body: string;
  delaySeconds: number;
}

/** What the endpoint needs from the queue behind it. */
export interface SqsBackend {
  queueName: string;
  maxMessageBytes: number;
  /** Stores the message; returns its id. */
  send(message: SentMessage): string;
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function sendMessage(backend: SqsBackend, queueUrl: string, raw: unknown): unknown {
  const parsed = SendMessageInput.safeParse(raw);
  if (!parsed.success)
    throw new SqsError('SerializationException', 'SerializationException', 'Malformed input.');
  const input = parsed.data;
  if (!input.QueueUrl) throw missingParameter('QueueUrl');
  // Clients may say localhost or 127.0.0.1: the account and queue name (the path) identify the queue.
  if (
    !URL.canParse(input.QueueUrl) ||
    new URL(input.QueueUrl).pathname.replace(/\/+$/, '') !== new URL(queueUrl).pathname
  ) {
    throw new SqsError(
      'QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
      'The specified queue does not exist.',
    );
  }
  const body = input.MessageBody;
  if (body === undefined || body === '') throw missingParameter('MessageBody');
  if (INVALID_CHARACTERS.test(body)) {
    throw new SqsError('InvalidMessageContents', 'InvalidMessageContents', 'Invalid characters found.');
  }
  if (Buffer.byteLength(body) > backend.maxMessageBytes) {
    throw invalidParameter(
      `One or more parameters are invalid. Reason: Message must be shorter than ${backend.maxMessageBytes} bytes.`,
    );
  }
  const delay = input.DelaySeconds ?? 0;
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
    throw invalidParameter(
      `Value ${delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`,
    );
  }
  if (input.MessageAttributes && Object.keys(input.MessageAttributes).length > 0) {
    throw new SqsError(
      'UnsupportedOperation',
      'AWS.SimpleQueueService.UnsupportedOperation',
      'Message attributes are not emulated locally: the product sends none.',
    );
  }
  return { MessageId: backend.send({ body, delaySeconds: delay }), MD5OfMessageBody: md5Hex(body) };
}

function respond(response: ServerResponse, status: number, payload: unknown, error?: SqsError): void {
  const body = Buffer.from(JSON.stringify(payload));
  response.statusCode = status;
  response.setHeader('content-type', JSON_CONTENT_TYPE);
  response.setHeader('x-amzn-requestid', randomUUID());
  if (error)
    response.setHeader('x-amzn-query-error', `${error.queryCode};${status < 500 ? 'Sender' : 'Receiver'}`);
  response.setHeader('content-length', body.length);
  response.end(body);
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

/** A running endpoint for one queue. */
export interface SqsEndpoint {
  /** Base URL to use as AWS_ENDPOINT_URL_SQS. */
  endpoint: string;
  /** The queue's URL: `${endpoint}/${accountId}/${queueName}`. */
  queueUrl: string;
  close(): Promise<void>;
}

/** Starts the endpoint for `backend` on `host:port` (port 0 picks a free one). */
export async function startSqsEndpoint(
  backend: SqsBackend,
  options: { port?: number; host?: string; accountId: string },
): Promise<SqsEndpoint> {
  let queueUrl = '';
  const server = createServer((request, response) => {
    const handle = async () => {
      const target = request.headers['x-amz-target'];
      const body = await readJson(request);
      if (request.method !== 'POST' || target !== 'AmazonSQS.SendMessage') {
        throw new SqsError(
          'UnsupportedOperation',
          'AWS.SimpleQueueService.UnsupportedOperation',
          `${String(target)} is not emulated locally: the product only sends messages.`,
        );
      }
      respond(response, 200, sendMessage(backend, queueUrl, body));
    };
    handle().catch((error: unknown) => {
      if (response.headersSent) return;
      const sqsError =
        error instanceof SqsError
          ? error
          : new SqsError('InternalError', 'InternalError', String(error), 500);
      respond(
        response,
        sqsError.status,
        { __type: `com.amazonaws.sqs#${sqsError.type}`, message: sqsError.message },
        sqsError,
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
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
