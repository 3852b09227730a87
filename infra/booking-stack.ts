/**
 * The one stack: composes the constructs, decides who may touch what, and outputs the URLs to paste into
 * Twilio, Vapi and Calendly. Environment-agnostic, so `cdk synth` needs no AWS account.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ENV } from '../shared/env.ts';
import { BookingAlarms } from './constructs/alarms.ts';
import { BookingApi } from './constructs/api.ts';
import { AppFunction } from './constructs/app-function.ts';
import { BookingQueue } from './constructs/booking-queue.ts';
import { AppSecret } from './constructs/secrets.ts';
import { SweeperSchedule } from './constructs/sweeper-schedule.ts';
import { BookingTable, type TableAccess } from './constructs/table.ts';
import { VoicemailTopic } from './constructs/voicemail-topic.ts';
import { FUNCTIONS, type FunctionName, ROUTES } from './routes.ts';
import type { AppSettings, StageConfig } from './stages.ts';

/** What one function may reach. Everything not listed is denied; health reaches nothing. */
export interface FunctionAccess {
  readonly table?: TableAccess;
  /** sqs:SendMessage on the booking queue (BOOKING_QUEUE_URL). */
  readonly sendBookings?: boolean;
  /** GetSecretValue on the app secret (APP_SECRET_ID). */
  readonly secret?: boolean;
  /** Context settings (time zone, phone numbers, Vapi ids, budgets) and PUBLIC_BASE_URL. */
  readonly settings?: boolean;
  /** sns:Publish on the voicemail topic (NOTIFY_TOPIC_ARN). */
  readonly notify?: boolean;
}

/**
 * Each function gets exactly the DynamoDB actions its code sends (checked per code path, and asserted in
 * test/infra/permissions.test.ts). Transaction items need the action of their kind: Put, Update,
 * ConditionCheck.
 */
export const FUNCTION_ACCESS: Readonly<Record<FunctionName, FunctionAccess>> = {
  health: {},
  'twilio-voice': {
    // Recording a call and ending it (Update), reading its holds (Get), releasing them (a transaction of
    // Updates).
    // Voicemails are Updates too (a conditional one creates each); a repeat is read back (Get).
    table: { items: ['GetItem', 'UpdateItem'] },
    secret: true,
    settings: true,
    notify: true,
  },
  'vapi-tools': {
    // Hold and confirm transactions Put the hold and booking items; offers, the slot lock and the cache
    // lease are Updates; a cache fill is a ConditionCheck on the day's invalidation plus a Put; a tool call's
    // replay record is a conditional Put, then an Update (a failed tool call's record is Deleted so a retry
    // can run). Query: occupied calendar cells and a day's cached availability.
    table: {
      items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
      query: ['table'],
    },
    sendBookings: true,
    secret: true,
    settings: true,
  },
  'calendly-webhook': {
    // Reading the booking (Get), canceling it with its slot, cells and phone mirror entry (a transaction of
    // Updates and a Delete), mirroring invitees under their phone numbers (Update, Delete) and invalidating
    // cached days (Update).
    table: { items: ['GetItem', 'UpdateItem', 'DeleteItem'] },
    secret: true,
    settings: true,
  },
  'booking-worker': {
    // Claiming re-checks the slot (ConditionCheck) while updating the booking; finishing (with the phone
    // mirror entry), the rate budget and the SMS claim are Updates; finishing a cancellation Deletes the
    // mirror entry.
    table: { items: ['GetItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'] },
    // Re-enqueues (with a delay) bookings over the Calendly budget instead of dropping them.
    sendBookings: true,
    secret: true,
    settings: true,
  },
  'booking-sweeper': {
    // Lists due bookings and voicemails from the pending index; sends booking ids to the queue, and
    // retries voicemail alerts (texting needs the Twilio credentials of the secret), marking each (Update).
    // Reads the Calendly directory snapshot (Get) and, when it is old, stores a fresh one (a conditional
    // Update) read from Calendly with the secret's CALENDLY_API_TOKEN.
    table: { items: ['GetItem', 'UpdateItem'], query: ['pendingIndex'] },
    sendBookings: true,
    secret: true,
    settings: true,
    notify: true,
  },
};

export interface BookingStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly settings: AppSettings;
}

/** Lambdas behind one HTTP API, the slot-lock table, the booking queue and worker, the secret, alarms. */
export class BookingStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, AppFunction>>;
  readonly api: BookingApi;
  readonly table: BookingTable;
  readonly bookingQueue: BookingQueue;
  readonly appSecret: AppSecret;
  readonly voicemails: VoicemailTopic;
  readonly alarms: BookingAlarms;

  constructor(scope: Construct, id: string, props: BookingStackProps) {
    super(scope, id, props);
    const { stage, settings } = props;

    this.table = new BookingTable(this, 'Table', { stage });
    this.appSecret = new AppSecret(this, 'AppSecret', { stage });
    this.bookingQueue = new BookingQueue(this, 'Bookings', {
      stage,
      consumerTimeout: Duration.seconds(FUNCTIONS['booking-worker'].timeoutSeconds),
    });
    this.api = new BookingApi(this, 'Api', { stage });
    this.voicemails = new VoicemailTopic(this, 'Voicemails', { stage, notifyEmail: settings.notifyEmail });

    const functions = {} as Record<FunctionName, AppFunction>;
    const lambdas = {} as Record<FunctionName, IFunction>;
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const access = FUNCTION_ACCESS[name];
      const fn = new AppFunction(this, pascalCase(name), {
        name,
        stage,
        environment: {
          ...(access.settings ? settings.environment : {}),
          // The API URL is an attribute of the API resource alone, so functions referencing it form no cycle.
          [ENV.PUBLIC_BASE_URL]: access.settings ? this.api.url : undefined,
          [ENV.TABLE_NAME]: access.table ? this.table.table.tableName : undefined,
          [ENV.BOOKING_QUEUE_URL]: access.sendBookings ? this.bookingQueue.queue.queueUrl : undefined,
          [ENV.NOTIFY_TOPIC_ARN]: access.notify ? this.voicemails.topic.topicArn : undefined,
          // The secret's ARN, never a value: functions fetch the JSON at cold start (shared/config.ts).
          [ENV.APP_SECRET_ID]: access.secret ? this.appSecret.secret.secretArn : undefined,
        },
      });
      if (access.table) this.table.grant(fn, access.table);
      if (access.sendBookings) this.bookingQueue.grantSend(fn);
      if (access.notify) this.voicemails.topic.grantPublish(fn.function);
      if (access.secret) this.appSecret.grantRead(fn);
      functions[name] = fn;
      lambdas[name] = fn.function;
    }
    this.functions = functions;

    this.bookingQueue.attachWorker(functions['booking-worker'].function);
    new SweeperSchedule(this, 'SweeperSchedule', { sweeper: functions['booking-sweeper'].function });

    this.api.addRoutes(ROUTES, lambdas);

    this.alarms = new BookingAlarms(this, 'Alarms', {
      stage,
      api: this.api.httpApi,
      queue: this.bookingQueue.queue,
      deadLetterQueue: this.bookingQueue.deadLetterQueue,
      functions: lambdas,
      alarmEmail: settings.alarmEmail,
    });

    const routeUrl = (path: (typeof ROUTES)[number]['path']) => `${this.api.url}${path}`;
    const outputs: Record<string, { value: string; description: string }> = {
      PublicBaseUrl: { value: this.api.url, description: 'PUBLIC_BASE_URL: base of every webhook URL' },
      VoiceWebhookUrl: {
        value: routeUrl('/twilio/voice'),
        description: 'Twilio number > Voice > "A call comes in" webhook (HTTP POST)',
      },
      StatusCallbackUrl: {
        value: routeUrl('/twilio/status'),
        description: 'Twilio number > Voice > call status changes (HTTP POST)',
      },
      VapiToolsUrl: { value: routeUrl('/vapi/tools'), description: 'Vapi tools server URL' },
      VapiEventsUrl: { value: routeUrl('/vapi/events'), description: 'Vapi assistant server URL' },
      CalendlyWebhookUrl: {
        value: routeUrl('/calendly/webhook'),
        description: 'Calendly webhook subscription URL',
      },
      HealthUrl: { value: routeUrl('/health'), description: 'GET: liveness' },
      SecretName: {
        value: this.appSecret.secret.secretName,
        description:
          'Fill with: aws secretsmanager put-secret-value --secret-id <this> --secret-string file://secret.json',
      },
      TableName: {
        value: this.table.table.tableName,
        description: 'DynamoDB table (slot lock, calls, bookings)',
      },
      QueueUrl: { value: this.bookingQueue.queue.queueUrl, description: 'Booking queue the worker drains' },
      DeadLetterQueueUrl: {
        value: this.bookingQueue.deadLetterQueue.queueUrl,
        description: 'Booking requests that failed 5 times (alarmed)',
      },
      AlarmTopicArn: { value: this.alarms.topic.topicArn, description: 'SNS topic every alarm notifies' },
      VoicemailTopicArn: {
        value: this.voicemails.topic.topicArn,
        description: 'SNS topic told of every new voicemail (subscribe email or anything SNS delivers to)',
      },
    };
    const twilioNumber = settings.environment[ENV.TWILIO_PHONE_NUMBER];
    if (twilioNumber) {
      outputs.TwilioPhoneNumber = { value: twilioNumber, description: 'The number npm run provision wires' };
    }
    const eventType = settings.environment[ENV.CALENDLY_EVENT_TYPE_URI];
    if (eventType) {
      outputs.CalendlyEventTypeUri = { value: eventType, description: 'The event type booked by default' };
    }
    for (const [id, output] of Object.entries(outputs)) new CfnOutput(this, id, output);
  }
}

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase());
}
