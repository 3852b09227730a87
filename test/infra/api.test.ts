import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../infra/routes.ts';
import { STAGES } from '../../infra/stages.ts';
import { functionEnvironment, functionId, logicalId, resources, type Synth, synthApp } from './synth.ts';

let synth: Synth;
let apiId: string;

beforeAll(() => {
  synth = synthApp();
  apiId = logicalId(synth, synth.stack.api.httpApi);
});

const refOf = (value: unknown): string | undefined => (value as { Ref?: string } | undefined)?.Ref;
const getAttOf = (value: unknown): string[] | undefined =>
  (value as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt'];

/** Logical ids a value points at through Ref or Fn::GetAtt. */
function references(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) references(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Ref' && typeof item === 'string') found.add(item);
      else if (key === 'Fn::GetAtt' && Array.isArray(item) && typeof item[0] === 'string') found.add(item[0]);
      else references(item, found);
    }
  }
  return found;
}

describe('BookingApi routes', () => {
  it('creates exactly the routes of the route table', () => {
    const keys = Object.values(resources(synth.template, 'AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties?.RouteKey,
    );
    expect(keys.sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('sends each route to the integration of the function the route table names', () => {
    const routes = resources(synth.template, 'AWS::ApiGatewayV2::Route');
    const integrations = resources(synth.template, 'AWS::ApiGatewayV2::Integration');
    for (const route of ROUTES) {
      const [, resource] =
        Object.entries(routes).find(([, candidate]) => candidate.Properties?.RouteKey === routeKey(route)) ??
        [];
      const target = resource?.Properties?.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const [prefix, integrationRef] = target['Fn::Join'][1];
      expect(prefix).toBe('integrations/');
      const integration = integrations[integrationRef.Ref];
      expect(getAttOf(integration?.Properties?.IntegrationUri), routeKey(route)).toEqual([
        functionId(synth, route.function),
        'Arn',
      ]);
    }
  });

  it('uses one proxy integration with payload format 2.0 per routed function', () => {
    const integrations = Object.values(resources(synth.template, 'AWS::ApiGatewayV2::Integration'));
    expect(integrations).toHaveLength(new Set(ROUTES.map((route) => route.function)).size);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('lets API Gateway invoke every routed function', () => {
    const permissions = Object.values(resources(synth.template, 'AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties?.Principal === 'apigateway.amazonaws.com',
    );
    const invoked = new Set(
      permissions.map((permission) => getAttOf(permission.Properties?.FunctionName)?.[0]),
    );
    for (const route of ROUTES) expect(invoked).toContain(functionId(synth, route.function));
  });
});

describe('BookingApi stage', () => {
  it('throttles the $default stage with the stage settings and writes access logs to a log group', () => {
    const [stage, ...others] = Object.values(resources(synth.template, 'AWS::ApiGatewayV2::Stage'));
    expect(others).toHaveLength(0);
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: STAGES.dev.apiThrottle.rateLimit,
        ThrottlingBurstLimit: STAGES.dev.apiThrottle.burstLimit,
      },
    });
    const logs = stage?.Properties?.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(getAttOf(logs.DestinationArn)?.[0]).toBe(logicalId(synth, synth.stack.api.accessLogs));
    expect(logs.Format).toContain('$context.routeKey');
    // Headers and bodies carry signatures, phone numbers and emails: never in access logs.
    expect(logs.Format).not.toMatch(/requestOverride|\$input|header/i);
  });
});

describe('PUBLIC_BASE_URL wiring', () => {
  it('gives twilio-voice the API endpoint as PUBLIC_BASE_URL', () => {
    expect(functionEnvironment(synth, 'twilio-voice').PUBLIC_BASE_URL).toEqual({
      'Fn::GetAtt': [apiId, 'ApiEndpoint'],
    });
  });

  it('creates no dependency cycle between the API and the functions', () => {
    const all = synth.template.toJSON().Resources as Record<string, Record<string, unknown>>;
    const edges = new Map(
      Object.entries(all).map(([id, resource]) => [
        id,
        [...references(resource.Properties), ...[resource.DependsOn ?? []].flat()].filter(
          (target): target is string => typeof target === 'string' && target in all,
        ),
      ]),
    );
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (id: string, trail: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(id)), id].join(' -> '));
        return;
      }
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) visit(next, [...trail, id]);
      state.set(id, 'done');
    };
    for (const id of edges.keys()) visit(id, []);
    expect(cycles).toEqual([]);
    // The API itself must not wait for any function, or PUBLIC_BASE_URL would close a loop.
    expect([...(edges.get(apiId) ?? [])]).toEqual([]);
  });
});

describe('BookingStack outputs', () => {
  it('outputs every webhook URL on the API endpoint', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const expected = {
      VoiceWebhookUrl: '/twilio/voice',
      StatusCallbackUrl: '/twilio/status',
      VapiToolsUrl: '/vapi/tools',
      VapiEventsUrl: '/vapi/events',
      CalendlyWebhookUrl: '/calendly/webhook',
      HealthUrl: '/health',
    };
    for (const [name, path] of Object.entries(expected)) {
      expect(outputs[name]?.Value, name).toEqual({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }, path]],
      });
    }
  });

  it('outputs the base URL and, when configured, the Twilio number provisioning wires', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.PublicBaseUrl?.Value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    const withNumber = synthApp({ context: { twilioPhoneNumber: '+14155550123' } });
    const numbered = withNumber.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(numbered.TwilioPhoneNumber?.Value).toBe('+14155550123');
  });

  it('outputs the secret name, table name and queue URL', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(refOf(outputs.TableName?.Value)).toBe(logicalId(synth, synth.stack.table.table));
    expect(refOf(outputs.QueueUrl?.Value)).toBe(logicalId(synth, synth.stack.bookingQueue.queue));
    expect(JSON.stringify(outputs.SecretName?.Value)).toContain(
      logicalId(synth, synth.stack.appSecret.secret),
    );
  });
});
