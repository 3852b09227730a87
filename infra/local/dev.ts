/**
 * `npm run dev`: the local stack as a long-running server on PORT (default 3000), loopback only, for
 * working with real Vapi / Twilio / Calendly through a tunnel - or with none of them, on the sandbox.
 * Configuration comes from the environment and `.env` (./env-file.ts); every real credential switches
 * one integration from its local fake to the vendor (./stack.ts decides). Data (DynamoDB Local, the
 * sandbox's calendar) lives in a folder and survives restarts and crashes (./dev-data.ts); at start,
 * every booking the last run left unfinished goes back on the queue, and like AWS a sweeper re-enqueues
 * overdue bookings every 60 s (and re-reads the Calendly directory snapshot once it is 5 minutes old). SIGINT/SIGTERM stop everything, DynamoDB Local's JVM included; a second
 * signal forces the exit.
 *
 *   npm run dev [-- --fresh] [-- --data <dir>]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../shared/config.ts';
import { ConfigError } from '../../shared/domain/errors.ts';
import { resumeAfterRestart, sweepOverdue } from '../../shared/domain/sweep.ts';
import { ENV } from '../../shared/env.ts';
import { ROUTES } from '../routes.ts';
import { DEV_DATA, LOCAL_SANDBOX } from './defaults.ts';
import { type DevDataDir, openDevDataDir } from './dev-data.ts';
import {
  ENV_FILE_VARIABLE,
  envFilePath,
  type LocalSettings,
  readEnvFile,
  resolveLocalSettings,
} from './env-file.ts';
import type { LocalRequestEntry } from './server.ts';
import type { OutboxMessage } from './sms-outbox.ts';
import type { LocalQueueEvent } from './sqs-queue.ts';
import { type LocalStack, startLocalStack, sweepDepsOf } from './stack.ts';

const DEFAULT_PORT = 3000;
const USAGE = 'usage: npm run dev [-- --fresh] [-- --data <dir>]';
const HOST = '127.0.0.1';
/** AWS sweeps every 2 minutes (infra/constructs/sweeper-schedule.ts); locally a lost message shows up sooner. */
const SWEEP_INTERVAL_MS = 60_000;
/** A repeat of the first signal within this window is the same Ctrl-C relayed, not a second one. */
const DUPLICATE_SIGNAL_MS = 1_000;
/** Handlers log JSON; warnings and errors are what a developer needs by default. */
const DEFAULT_LOG_LEVEL = 'WARN';

/** What each route is for, so the startup output doubles as wiring instructions. */
const ROUTE_PURPOSE: Record<string, string> = {
  'POST /twilio/voice': 'Twilio number -> Voice "A call comes in" webhook',
  'POST /twilio/status': 'Twilio call status callback (call ended)',
  'POST /twilio/transfer': 'TwiML that dials a person (transfer_to_human; no wiring)',
  'POST /twilio/whisper': 'what the person hears before a transfer (no wiring)',
  'POST /twilio/dial-result': 'how a dial to a person ended (no wiring)',
  'POST /twilio/voicemail': 'TwiML that takes a message (no wiring)',
  'POST /twilio/recording': 'a voicemail is ready: the business is told (no wiring)',
  'POST /vapi/tools': 'Vapi assistant Server URL for tool calls',
  'POST /vapi/events': 'Vapi server messages (status-update, end-of-call-report)',
  'POST /calendly/webhook': 'Calendly webhook subscription',
  'GET /health': 'liveness',
};

/** Settings a real phone call needs end to end (Calendly is optional: the sandbox stands in). */
const REAL_CALL_SETTINGS = [
  ENV.PUBLIC_BASE_URL,
  ENV.TWILIO_ACCOUNT_SID,
  ENV.TWILIO_AUTH_TOKEN,
  ENV.TWILIO_PHONE_NUMBER,
  ENV.VAPI_API_KEY,
  ENV.VAPI_ASSISTANT_ID,
  ENV.VAPI_PHONE_NUMBER_ID,
  ENV.VAPI_SERVER_SECRET,
] as const;

/** Secrets with a built-in local value: fine on loopback, public knowledge once a tunnel is open. */
const DEFAULTED_SECRETS = [
  ENV.VAPI_SERVER_SECRET,
  ENV.TWILIO_AUTH_TOKEN,
  ENV.CALENDLY_WEBHOOK_SIGNING_KEY,
] as const;

const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
const clock = (): string => new Date().toTimeString().slice(0, 8);

function isLocalUrl(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
  } catch {
    return false;
  }
}

/** Exits with the problems listed when a setting is malformed (the functions would fail on first use). */
function validate(settings: LocalSettings, fileLabel: string): void {
  try {
    parseConfig(settings.values, []);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`dev: invalid configuration (environment or ${fileLabel}):`);
    for (const problem of error.problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
}

function startupLines(input: {
  stack: LocalStack;
  data: DevDataDir;
  settings: LocalSettings;
  envFileLine: string;
  publicBaseUrl: string;
  logLevel: string;
}): string[] {
  const { stack, data, settings, publicBaseUrl } = input;
  const has = (name: string) => settings.values[name] !== undefined;
  const missing = (names: readonly string[]) => names.filter((name) => !has(name));
  const lines: string[] = [];

  lines.push('voice-booking dev server');
  lines.push(`  listening     ${stack.apiUrl} (loopback only)`);
  lines.push(
    `  public URL    ${publicBaseUrl}${has(ENV.PUBLIC_BASE_URL) ? ' (PUBLIC_BASE_URL)' : ' (default; set PUBLIC_BASE_URL to your tunnel URL)'}`,
  );
  lines.push(`  config        ${input.envFileLine}`);
  lines.push(
    `  logs          requests below; function logs at ${input.logLevel} and above (POWERTOOLS_LOG_LEVEL=INFO for more)`,
  );

  lines.push('', 'Routes (infra/routes.ts):');
  for (const route of ROUTES) {
    const key = `${route.method} ${route.path}`;
    const url = `${publicBaseUrl}${route.path}`;
    lines.push(
      `  ${route.method.padEnd(5)} ${url.padEnd(publicBaseUrl.length + 20)} ${ROUTE_PURPOSE[key] ?? route.function}`,
    );
  }

  lines.push('', 'Integrations:');
  if (stack.sandbox) {
    lines.push(
      `  Calendly      sandbox (local): seeded week in ${LOCAL_SANDBOX.timezone} at ${stack.sandbox.url}, kept in ${data.sandboxStateFile}; calendar: GET ${stack.sandbox.url}/__sandbox/state`,
    );
  } else {
    const eventType = has(ENV.CALENDLY_EVENT_TYPE_URI)
      ? 'CALENDLY_EVENT_TYPE_URI'
      : 'first active event type';
    lines.push(
      `  Calendly      REAL: ${stack.env[ENV.CALENDLY_API_BASE_URL] ?? 'https://api.calendly.com'} (CALENDLY_API_TOKEN; books ${eventType})`,
    );
  }
  const vapiMissing = missing([ENV.VAPI_API_KEY, ENV.VAPI_ASSISTANT_ID, ENV.VAPI_PHONE_NUMBER_ID]);
  const fallback = has(ENV.FALLBACK_PHONE_NUMBER)
    ? 'apology + dial FALLBACK_PHONE_NUMBER'
    : 'apology + voicemail';
  if (vapiMissing.length === 0) {
    lines.push('  Vapi          REAL: /twilio/voice hands each call to your assistant (VAPI_API_KEY, ...)');
  } else if (vapiMissing.length < 3) {
    lines.push(
      `  Vapi          incomplete (missing ${vapiMissing.join(', ')}): calls get our fallback TwiML (${fallback})`,
    );
  } else {
    lines.push(`  Vapi          not configured: /twilio/voice answers with our fallback TwiML (${fallback})`);
  }
  lines.push(
    `  Vapi auth     ${has(ENV.VAPI_SERVER_SECRET) ? 'your VAPI_SERVER_SECRET' : 'built-in local test secret'} (x-vapi-secret, Bearer or HMAC)`,
  );
  lines.push(
    stack.outbox
      ? `  SMS           local outbox at ${stack.outbox.url} (messages are printed here, nothing is sent)`
      : '  SMS           REAL: Twilio Messages API (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER)',
  );
  lines.push(
    `  Twilio auth   X-Twilio-Signature over PUBLIC_BASE_URL + path, with ${has(ENV.TWILIO_AUTH_TOKEN) ? 'your TWILIO_AUTH_TOKEN' : 'the built-in local test token'}`,
  );
  lines.push(
    `  DynamoDB      DynamoDB Local at ${stack.dynamoEndpoint}, on disk in ${data.dynamoDbPath} (table ${stack.tableName}; ${data.reused ? 'data of earlier runs kept' : 'empty'}; --fresh starts empty)`,
  );
  lines.push(
    `  Queue         in-process SQS queue -> booking worker; sweeper re-enqueues overdue bookings, retries voicemail alerts and refreshes the Calendly directory every ${SWEEP_INTERVAL_MS / 1000} s`,
  );

  const forCalls = missing(REAL_CALL_SETTINGS);
  const publicIsLocal = isLocalUrl(publicBaseUrl);
  if (publicIsLocal && !forCalls.includes(ENV.PUBLIC_BASE_URL)) forCalls.unshift(ENV.PUBLIC_BASE_URL);
  lines.push('');
  if (forCalls.length > 0) {
    lines.push(`Missing for real calls: ${forCalls.join(', ')}`);
    if (!has(ENV.CALENDLY_API_TOKEN))
      lines.push('  (CALENDLY_API_TOKEN is optional: without it bookings go to the sandbox)');
  } else {
    lines.push('Ready for real calls: every setting for Twilio and Vapi is present.');
  }

  const defaulted = DEFAULTED_SECRETS.filter((name) => !has(name));
  if (!publicIsLocal && defaulted.length > 0) {
    lines.push(
      '',
      `WARNING: ${defaulted.join(', ')} use built-in local values that are public in this repository.`,
      '  Behind a tunnel anyone can pass authentication with them: set your own before taking real traffic.',
    );
  }

  lines.push(
    '',
    'Expose it through a tunnel (the server only listens on 127.0.0.1), for example:',
    `  cloudflared tunnel --url http://${HOST}:${stack.api.port}     or     ngrok http ${stack.api.port}`,
    '  then set PUBLIC_BASE_URL=https://<tunnel-host> (environment or .env) and restart.',
    '  Twilio signs the exact URL it calls, so X-Twilio-Signature validates only when PUBLIC_BASE_URL is',
    `  that tunnel URL (now ${publicBaseUrl}). Point the Twilio number and the Vapi assistant at the URLs above.`,
    '',
    'No secret values are printed. Ctrl-C stops everything (twice forces it).',
    `Ready: ${stack.apiUrl}/health`,
  );
  return lines;
}

/** Last resort on a forced exit: DynamoDB Local is our child JVM and would outlive us. */
function killDynamoDbLocalChildren(): void {
  const found = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'DynamoDBLocal'], { encoding: 'utf8' });
  for (const pid of (found.stdout ?? '').split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function parseCommandLine(): { fresh: boolean; dataDir: string } {
  try {
    const { values } = parseArgs({
      options: { fresh: { type: 'boolean', default: false }, data: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    return { fresh: values.fresh ?? false, dataDir: values.data ?? DEV_DATA.dir };
  } catch (error) {
    console.error(`dev: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const commandLine = parseCommandLine();
  const envFile = readEnvFile(envFilePath());
  const settings = resolveLocalSettings(process.env, envFile);
  const fileLabel = envFile.found ? envFile.path : `${envFile.path} (not found)`;
  validate(settings, fileLabel);
  let data: DevDataDir;
  try {
    data = openDevDataDir(commandLine.dataDir, { fresh: commandLine.fresh });
  } catch (error) {
    console.error(`dev: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (data.stoppedStaleDynamo)
    print(`Stopped the DynamoDB Local a crashed dev server left running on ${data.path}.`);

  const port = Number(settings.values[ENV.PORT] ?? DEFAULT_PORT);
  const publicBaseUrl = (settings.values[ENV.PUBLIC_BASE_URL] ?? `http://localhost:${port}`).replace(
    /\/+$/,
    '',
  );
  const logLevel = settings.values.POWERTOOLS_LOG_LEVEL ?? DEFAULT_LOG_LEVEL;
  // APP_SECRET_ID would make every function fetch its secrets from AWS Secrets Manager.
  if (process.env[ENV.APP_SECRET_ID]) delete process.env[ENV.APP_SECRET_ID];

  const fromFile = Object.values(settings.sources).filter((source) => source === 'env-file').length;
  const fromEnvironment = Object.values(settings.sources).filter((source) => source === 'environment').length;
  const envFileLine = [
    envFile.found
      ? `${fromFile} setting(s) from ${envFile.path}`
      : `no ${envFile.path} (${ENV_FILE_VARIABLE} picks another file)`,
    `${fromEnvironment} from the environment`,
    settings.unknownInFile.length > 0
      ? `ignored unknown names in the file: ${settings.unknownInFile.join(', ')}`
      : '',
    settings.ignoredWiring.length > 0
      ? `ignored (set by the stack): ${settings.ignoredWiring.join(', ')}`
      : '',
  ]
    .filter(Boolean)
    .join('; ');

  // Loaded after the stack has set the functions' environment: their modules read it at import.
  let observability: typeof import('../../shared/observability.ts') | undefined;
  const maskEmails = (text: string) =>
    text.replace(/[^\s@]+@[^\s@]+\.[^\s@.]+/g, (email) => observability?.maskEmail(email) ?? '***');

  // Signals are handled from here on, so a Ctrl-C during startup still stops the JVM once it is up.
  let stopping = false;
  let firstSignalAt = 0;
  let sweeper: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let starting: Promise<LocalStack> | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // One Ctrl-C can arrive twice: the terminal signals the whole process group and npm / tsx relay it too.
      if (Date.now() - firstSignalAt < DUPLICATE_SIGNAL_MS) return;
      print(`${signal} again: forcing exit`);
      killDynamoDbLocalChildren();
      process.exit(1);
    }
    stopping = true;
    firstSignalAt = Date.now();
    print(`\n${signal}: stopping the API, queue, sandbox, outbox and DynamoDB Local...`);
    clearInterval(sweeper);
    void (async () => {
      try {
        const stack = await starting?.catch(() => undefined);
        await sweeping;
        await stack?.stop();
        data.release();
        print('Stopped.');
        process.exit(0);
      } catch (error) {
        console.error(`dev: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        killDynamoDbLocalChildren();
        process.exit(1);
      }
    })();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  print('Starting DynamoDB Local, the local queue and the API...');
  let stack: LocalStack;
  try {
    starting = startLocalStack({
      port,
      host: HOST,
      dynamoDbPath: data.dynamoDbPath,
      // One stable table, so the data on disk is found again.
      tableName: DEV_DATA.tableName,
      sandbox: { stateFile: data.sandboxStateFile },
      env: {
        POWERTOOLS_LOG_LEVEL: logLevel,
        POWERTOOLS_METRICS_DISABLED: 'true',
        ...settings.values,
        [ENV.PORT]: String(port),
        [ENV.PUBLIC_BASE_URL]: publicBaseUrl,
      },
      onRequest: (entry: LocalRequestEntry) => {
        const cause = entry.error ? `  ${entry.error}` : '';
        print(
          `[${clock()}] ${entry.method} ${entry.path} -> ${entry.status} (${Math.round(entry.ms)} ms)${cause}`,
        );
      },
      onQueueEvent: (event: LocalQueueEvent) => {
        if (event.type === 'deleted') print(`[${clock()}] worker: booking message processed`);
        if (event.type === 'failed')
          print(`[${clock()}] worker: delivery failed, will retry: ${event.reason ?? ''}`);
        if (event.type === 'dead-lettered') print(`[${clock()}] queue: booking message DEAD-LETTERED`);
      },
      onSms: (message: OutboxMessage) => {
        print(
          `[${clock()}] SMS to ${observability?.maskPhone(message.to) ?? '***'} (outbox): ${maskEmails(message.body)}`,
        );
      },
    });
    stack = await starting;
  } catch (error) {
    if (stopping) return;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`dev: could not start: ${message}`);
    if (/EADDRINUSE/.test(message)) console.error(`Port ${port} is in use: set PORT to another one.`);
    if (/java|DynamoDB Local/i.test(message)) console.error('DynamoDB Local needs Java 17 or newer on PATH.');
    process.exit(1);
  }
  if (stopping) return;
  data.recordDynamo({ pid: stack.dynamoPid, endpoint: stack.dynamoEndpoint });
  observability = await import('../../shared/observability.ts');
  const sweepDeps = await sweepDepsOf(stack);
  // The sweeper function's own composition, for the voicemail alerts it retries (built from the stack's env).
  const { bookingSweeperServices } = await import('../../shared/app/booking-sweeper.ts');
  const sweeperServices = await bookingSweeperServices();

  if (stopping) return;
  for (const line of startupLines({ stack, data, settings, envFileLine, publicBaseUrl, logLevel }))
    print(line);

  // The last run's queue died with it: everything still due goes back on this one.
  sweeping = resumeAfterRestart(sweepDeps, new Date())
    .then((result) => {
      if (result.requeued > 0) {
        print(`[${clock()}] resumed ${result.requeued} booking(s) the last run left unfinished`);
      }
    })
    .catch((error: unknown) =>
      print(`[${clock()}] resuming failed: ${error instanceof Error ? error.message : String(error)}`),
    )
    .finally(() => {
      sweeping = undefined;
    });

  sweeper = setInterval(() => {
    sweeping ??= sweepOverdue(sweepDeps, new Date())
      .then(async (result) => {
        if (result.requeued > 0) {
          print(
            `[${clock()}] sweeper: re-enqueued ${result.requeued} overdue booking(s), oldest ${result.oldestOverdueSeconds} s overdue`,
          );
        }
        // Like the sweeper function: an old directory snapshot is re-read from Calendly off the callers' path.
        await sweeperServices
          .refreshDirectory()
          .catch((error: unknown) =>
            print(
              `[${clock()}] sweeper: directory refresh failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
        const voicemails = await sweeperServices.retryVoicemailAlerts();
        if (voicemails.retried > 0) {
          print(
            `[${clock()}] sweeper: retried ${voicemails.retried} voicemail alert(s), ${voicemails.stillOwed} still failing`,
          );
        }
      })
      .catch((error: unknown) =>
        print(`[${clock()}] sweeper failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        sweeping = undefined;
      });
  }, SWEEP_INTERVAL_MS);
}

await main();
