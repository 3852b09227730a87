/**
 * A local stand-in for the two Twilio REST resources we use: Messages (`POST /2010-04-01/Accounts/{sid}/
 * Messages.json`: validates To/From/Body like Twilio, records each message, 201 Message JSON) and a live
 * call's redirect (`POST .../Calls/{CallSid}.json` with `Url`: records it, 200 Call JSON; a call marked
 * ended gets Twilio's 21220 "not in progress"). Checks basic auth against the configured account SID and
 * auth token and answers failures with Twilio's error JSON. Point TWILIO_API_BASE_URL at `url`. Used by
 * tests, the local stack and the demo, so it depends on node:http only.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocally } from './listen.ts';

export interface OutboxMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  /** Epoch ms when the outbox accepted it. */
  receivedAt: number;
}

/** A live call Twilio was asked to move to other TwiML. */
export interface CallRedirect {
  callSid: string;
  url: string;
  method: string;
  /** Epoch ms when the fake accepted it. */
  receivedAt: number;
}

export interface OutboxFailure {
  status: number;
  /** Twilio error code for the body (e.g. 20429 for 429, 20500 for 500). */
  code?: number;
  message?: string;
}

export interface SmsOutbox {
  /** Base URL to use as TWILIO_API_BASE_URL. */
  url: string;
  /** Messages accepted so far, oldest first (a copy). */
  messages(): OutboxMessage[];
  /** Calls redirected so far, oldest first (a copy). */
  redirects(): CallRedirect[];
  /** From now on the call counts as over: redirecting it answers Twilio's 21220. */
  endCall(callSid: string): void;
  /** Answers the next `times` requests with this failure instead of sending (fault injection). */
  failNext(failure: OutboxFailure, times?: number): void;
  clear(): void;
  stop(): Promise<void>;
}

export interface SmsOutboxOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  host?: string;
  /** Credentials clients must present; default TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN from the environment. */
  accountSid?: string;
  authToken?: string;
  /** Called for each accepted message (the demo prints its timeline from this). */
  onMessage?: (message: OutboxMessage) => void;
}

const MAX_BODY_CHARS = 1600;
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const CALL_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/(CA[0-9a-fA-F]{32})\.json$/;
const E164 = /^\+[1-9]\d{1,14}$/;

function sendTwilioError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

function credentialsOf(req: IncomingMessage): { user: string; password: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Starts the outbox and resolves once it is listening. */
export async function startSmsOutbox(options: SmsOutboxOptions = {}): Promise<SmsOutbox> {
  const accountSid = options.accountSid ?? process.env.TWILIO_ACCOUNT_SID;
  const authToken = options.authToken ?? process.env.TWILIO_AUTH_TOKEN;
  if (!accountSid || !authToken) {
    throw new Error('sms outbox needs accountSid and authToken (or TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)');
  }
  const messages: OutboxMessage[] = [];
  const failures: OutboxFailure[] = [];
  const redirects: CallRedirect[] = [];
  const endedCalls = new Set<string>();

  function redirectCall(res: ServerResponse, callSid: string, form: URLSearchParams): void {
    const url = form.get('Url') ?? '';
    if (!url && !form.get('Twiml') && !form.get('Status')) {
      sendTwilioError(res, 400, 21201, 'No valid parameters were supplied to update the call.');
      return;
    }
    if (url && !URL.canParse(url)) {
      sendTwilioError(res, 400, 21205, 'Url is not a valid URL.');
      return;
    }
    if (endedCalls.has(callSid)) {
      sendTwilioError(res, 400, 21220, 'Call is not in-progress. Cannot redirect.');
      return;
    }
    const now = new Date();
    const redirect = { callSid, url, method: form.get('Method') ?? 'POST', receivedAt: now.getTime() };
    redirects.push(redirect);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        sid: callSid,
        account_sid: accountSid,
        api_version: '2010-04-01',
        status: 'in-progress',
        date_updated: now.toUTCString(),
        uri: `/2010-04-01/Accounts/${accountSid}/Calls/${callSid}.json`,
      }),
    );
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const call = CALL_PATH.exec(path);
      const match = MESSAGES_PATH.exec(path) ?? call;
      if (req.method !== 'POST' || !match) {
        sendTwilioError(res, 404, 20404, 'The requested resource was not found');
        return;
      }
      const credentials = credentialsOf(req);
      if (
        !credentials ||
        credentials.user !== accountSid ||
        credentials.password !== authToken ||
        match[1] !== accountSid
      ) {
        sendTwilioError(res, 401, 20003, 'Authenticate');
        return;
      }
      const failure = failures.shift();
      if (failure) {
        sendTwilioError(
          res,
          failure.status,
          failure.code ?? 20000 + failure.status,
          failure.message ?? 'Injected failure',
        );
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (call?.[2]) {
        redirectCall(res, call[2], form);
        return;
      }
      const to = form.get('To') ?? '';
      const from = form.get('From') ?? '';
      const body = form.get('Body') ?? '';
      if (!to) return sendTwilioError(res, 400, 21604, "A 'To' phone number is required.");
      if (!E164.test(to)) return sendTwilioError(res, 400, 21211, "Invalid 'To' Phone Number");
      if (!from) return sendTwilioError(res, 400, 21603, "A 'From' phone number is required.");
      if (!body) return sendTwilioError(res, 400, 21602, 'Message body is required.');
      if (body.length > MAX_BODY_CHARS) {
        return sendTwilioError(
          res,
          400,
          21617,
          'The concatenated message body exceeds the 1600 character limit.',
        );
      }
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const now = new Date();
      const message: OutboxMessage = { sid, accountSid, to, from, body, receivedAt: now.getTime() };
      messages.push(message);
      options.onMessage?.(message);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          sid,
          account_sid: accountSid,
          api_version: '2010-04-01',
          body,
          date_created: now.toUTCString(),
          date_updated: now.toUTCString(),
          date_sent: null,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from,
          messaging_service_sid: null,
          num_media: '0',
          num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
          price: null,
          price_unit: 'USD',
          status: 'queued',
          subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
          to,
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        }),
      );
    });
  });

  const { url } = await listenLocally(server, options);
  return {
    url,
    messages: () => messages.map((message) => ({ ...message })),
    redirects: () => redirects.map((redirect) => ({ ...redirect })),
    endCall: (callSid) => {
      endedCalls.add(callSid);
    },
    failNext(failure, times = 1) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    clear() {
      messages.length = 0;
      failures.length = 0;
      redirects.length = 0;
      endedCalls.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
