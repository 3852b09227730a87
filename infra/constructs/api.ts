import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName, Route } from '../routes.ts';
import type { StageConfig } from '../stages.ts';

export interface BookingApiProps {
  readonly stage: StageConfig;
}

/**
 * Access log line: who called which route, status and latencies. No headers, query strings or bodies, so no
 * signatures, phone numbers or tokens reach the logs.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

const WEBHOOK_AUTH_REASON =
  'Webhook callers (Twilio, Vapi, Calendly) cannot present IAM or JWT credentials; the function authenticates every request by its vendor signature or shared secret (X-Twilio-Signature, x-vapi-secret/HMAC, Calendly-Webhook-Signature) before changing anything (README, "Tools the assistant sees").';
const PUBLIC_HEALTH_REASON =
  'GET /health is a public liveness probe by contract: it reads no configuration and returns no data beyond "ok".';

/**
 * The HTTP API. Created before the functions so they can be given its URL (PUBLIC_BASE_URL): the URL
 * depends on the API resource only, while routes and integrations depend on the functions, so no cycle.
 */
export class BookingApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: BookingApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `voice-booking-${props.stage.name}`,
      description: `voice-booking ${props.stage.name} webhooks (Twilio, Vapi, Calendly)`,
      // Explicit $default stage below: HttpApi's own default stage takes neither throttling nor access logs.
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: props.stage.apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
  }

  /** Base URL callers use, without a trailing slash (the $default stage has no path prefix). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** Adds every route of the table, one integration per function shared by all its routes. */
  addRoutes(routes: readonly Route[], functions: Readonly<Record<FunctionName, IFunction>>): void {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.function}-integration`, functions[route.function], {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(route.function, integration);
      }
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
      });
      if (created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: route.function === 'health' ? PUBLIC_HEALTH_REASON : WEBHOOK_AUTH_REASON,
        });
      }
    }
  }
}
