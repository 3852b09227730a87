/**
 * The local API: one Node HTTP server that serves exactly the ROUTES table the CDK stack deploys, turns each
 * request into the API Gateway HTTP API event the function would get in AWS, invokes the function's
 * `handler(event, context)` in this process and writes its result back the way API Gateway would.
 *
 * Handlers are imported lazily, once per function, on the first request that needs them; function modules
 * read their configuration at import time, so set the environment before that first request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type Clock, systemClock } from '../../shared/domain/clock.ts';
import { FUNCTIONS, type FunctionName, functionEntry, ROUTES, type Route } from '../routes.ts';
import {
  type HttpResponseParts,
  newEventStamp,
  splitTarget,
  toApiGatewayEvent,
  toHttpResponse,
} from './api-gateway-event.ts';
import { createLambdaContext } from './lambda-context.ts';
import { listenLocally } from './listen.ts';

/** A Lambda handler as the runtime calls it (promise style; nodejs24.x has no callbacks). */
export type LocalHandler = (event: never, context: Context) => unknown;

/** One served request, for timelines and logs. */
export interface LocalRequestEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  /** API Gateway request id, also sent back as the `apigw-requestid` header. */
  requestId: string;
  routeKey?: string;
  functionName?: FunctionName;
  /** Why a 5xx happened (handler error, timeout, malformed result); never sent to the client. */
  error?: string;
}

export interface LocalApiOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: reachable from this machine and a local tunnel, not from the network. */
  host?: string;
  /** Default: imports `functionEntry(fn)` from the repository root. */
  loadHandler?: (fn: FunctionName) => Promise<LocalHandler>;
  /** Called after every response; without it, 5xx causes are printed to stderr. */
  onRequest?: (entry: LocalRequestEntry) => void;
  /** Largest body read before answering 413 (API Gateway's 10 MB); the functions enforce their own caps. */
  maxBodyBytes?: number;
  /** Drives function timeouts and remaining time; default wall clock. */
  clock?: Clock;
}

export interface LocalApi {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:53124. */
  url: string;
  port: number;
  /** Stops accepting, closes idle keep-alive sockets, lets in-flight requests finish (at most 5 s). */
  stop(): Promise<void>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const STOP_GRACE_MS = 5_000;

/** Imports a function's handler module the way the Lambda runtime loads the bundle's `handler` export. */
export async function importFunctionHandler(fn: FunctionName): Promise<LocalHandler> {
  const module: unknown = await import(pathToFileURL(resolve(REPO_ROOT, functionEntry(fn))).href);
  const handler =
    typeof module === 'object' && module !== null && 'handler' in module ? module.handler : undefined;
  if (typeof handler !== 'function')
    throw new Error(`${functionEntry(fn)} does not export a handler function`);
  return handler as LocalHandler;
}

class BodyTooLargeError extends Error {}

class FunctionTimeoutError extends Error {}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolveBody, rejectBody) => {
    if (Number(request.headers['content-length'] ?? 0) > maxBytes) {
      rejectBody(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      rejectBody(error);
    };
    // Events rather than an async iterator: leaving an iterator early destroys the socket before a 413 is sent.
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) fail(new BodyTooLargeError());
      else chunks.push(chunk);
    });
    request.once('end', () => {
      if (settled) return;
      settled = true;
      resolveBody(Buffer.concat(chunks));
    });
    request.once('error', fail);
    request.once('close', () => fail(new Error('the client closed the connection before sending the body')));
  });
}

function gatewayError(statusCode: number, message: string): HttpResponseParts {
  return {
    statusCode,
    headers: [['content-type', 'application/json']],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

function writeResponse(response: ServerResponse, parts: HttpResponseParts, requestId: string): void {
  response.statusCode = parts.statusCode;
  for (const [name, value] of parts.headers) response.appendHeader(name, value);
  response.setHeader('apigw-requestid', requestId);
  const bodyless = parts.statusCode === 204 || parts.statusCode === 304;
  if (bodyless) {
    response.end();
    return;
  }
  response.setHeader('content-length', parts.body.length);
  response.end(parts.body);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts the local API on the route table and resolves once it is listening. */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const loadHandler = options.loadHandler ?? importFunctionHandler;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const clock = options.clock ?? systemClock;
  const report =
    options.onRequest ??
    ((entry: LocalRequestEntry) => {
      if (entry.error)
        console.error(`[local-api] ${entry.method} ${entry.path} -> ${entry.status}: ${entry.error}`);
    });
  const handlers = new Map<FunctionName, Promise<LocalHandler>>();

  const handlerFor = (fn: FunctionName): Promise<LocalHandler> => {
    let loading = handlers.get(fn);
    if (!loading) {
      loading = loadHandler(fn);
      handlers.set(fn, loading);
      // A failed init is retried on the next request, as Lambda re-initialises after an init error.
      loading.catch(() => handlers.delete(fn));
    }
    return loading;
  };

  const invoke = async (route: Route, event: unknown, context: Context): Promise<HttpResponseParts> => {
    const handler = await handlerFor(route.function);
    const timeoutMs = FUNCTIONS[route.function].timeoutSeconds * 1000;
    let cancelTimer = () => {};
    const timedOut = new Promise<never>((_, reject) => {
      cancelTimer = clock.setTimer(
        () => reject(new FunctionTimeoutError(`Task timed out after ${timeoutMs / 1000} seconds`)),
        timeoutMs,
      );
    });
    try {
      // Promise.resolve().then also turns a synchronous throw into a rejection.
      const result = await Promise.race([
        Promise.resolve().then(() => handler(event as never, context)),
        timedOut,
      ]);
      return toHttpResponse(result);
    } finally {
      cancelTimer();
    }
  };

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const stamp = newEventStamp(clock.now().getTime());
    const method = (request.method ?? 'GET').toUpperCase();
    const { path } = splitTarget(request.url ?? '/');
    const entry: LocalRequestEntry = { method, path, status: 0, ms: 0, requestId: stamp.requestId };
    let parts: HttpResponseParts;

    const onPath = ROUTES.filter((candidate) => candidate.path === path);
    const route: Route | undefined = onPath.find((candidate) => candidate.method === method);
    try {
      if (onPath.length === 0) {
        parts = gatewayError(404, 'Not Found');
      } else if (!route) {
        // Deliberately friendlier than API Gateway (which answers 404): say which methods exist.
        parts = gatewayError(405, 'Method Not Allowed');
        parts.headers.push(['allow', onPath.map((candidate) => candidate.method).join(', ')]);
      } else {
        entry.routeKey = `${route.method} ${route.path}`;
        entry.functionName = route.function;
        const body = await readBody(request, maxBodyBytes);
        const event = toApiGatewayEvent(
          {
            method,
            url: request.url ?? '/',
            rawHeaders: request.rawHeaders,
            body,
            remoteAddress: request.socket.remoteAddress ?? '127.0.0.1',
            httpVersion: request.httpVersion,
            localPort: request.socket.localPort,
          },
          route,
          stamp,
        );
        const context = createLambdaContext(route.function, { clock });
        parts = await invoke(route, event, context);
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        parts = gatewayError(413, 'Request Entity Too Large');
        // The rest of the upload is not worth reading; close instead of draining it.
        response.setHeader('connection', 'close');
      } else {
        // Handler errors, init errors, timeouts and malformed results all look the same to a client.
        parts = gatewayError(500, 'Internal Server Error');
        entry.error = describe(error);
      }
    }

    writeResponse(response, parts, stamp.requestId);
    entry.status = parts.statusCode;
    entry.ms = Math.round((performance.now() - started) * 100) / 100;
    try {
      report(entry);
    } catch {
      // A broken observer must not take the server down.
    }
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      // Only reachable if writing the response itself failed (e.g. the client went away).
      if (!response.headersSent) {
        writeResponse(response, gatewayError(500, 'Internal Server Error'), 'unknown');
      } else {
        response.destroy(error instanceof Error ? error : undefined);
      }
    });
  });
  // Keep-alive sockets from the SDKs or a tunnel are expected; idle ones are closed on stop.
  server.keepAliveTimeout = 5_000;

  const { port, url } = await listenLocally(server, options);

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    stop() {
      stopping ??= new Promise<void>((resolveStop, rejectStop) => {
        const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error) rejectStop(error);
          else resolveStop();
        });
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}
