/**
 * What provisioning wires the vendors to, and where it keeps what it generates: a deployed stack (its
 * CloudFormation outputs and its Secrets Manager secret), or any base URL such as `npm run dev` behind a
 * tunnel (settings from the environment and `.env`, which then also receives what provisioning makes).
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { envFilePath, readEnvFile, resolveLocalSettings } from '../infra/local/env-file.ts';
import { routeUrl } from '../infra/routes.ts';
import { ProvisionError } from './http.ts';

/** Where each vendor must send its requests. */
export interface Endpoints {
  voice: string;
  status: string;
  tools: string;
  events: string;
  calendly: string;
}

/** Settings by name (shared/env.ts); secrets among them: never print values. */
export type Settings = Record<string, string | undefined>;

export interface Target {
  /** What the report calls it: "stack VoiceBooking-prod" or the base URL. */
  label: string;
  /** Names Vapi and Calendly resources (one set per stage). */
  stage: string;
  baseUrl: string;
  endpoints: Endpoints;
  settings: Settings;
  /** Where generated secrets and the ids the functions need are kept. */
  store: { label: string; save(changes: Settings): Promise<void> };
  /** Credentials given in the environment that the store does not hold yet (or holds otherwise). */
  toStore: Settings;
  /** Where an operator gives a missing setting, for the message that asks for it. */
  settingsFrom: string;
}

export function endpointsUnder(baseUrl: string): Endpoints {
  return {
    voice: routeUrl(baseUrl, '/twilio/voice'),
    status: routeUrl(baseUrl, '/twilio/status'),
    tools: routeUrl(baseUrl, '/vapi/tools'),
    events: routeUrl(baseUrl, '/vapi/events'),
    calendly: routeUrl(baseUrl, '/calendly/webhook'),
  };
}

/** Settings that may come from the operator's environment in either mode: where the vendors are. */
const FROM_ENVIRONMENT = ['VAPI_API_BASE_URL', 'TWILIO_API_BASE_URL', 'CALENDLY_API_BASE_URL'] as const;

/** Vendor credentials an operator may pass in the environment; provisioning keeps them in the stack's secret. */
const CREDENTIALS = [
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'VAPI_API_KEY',
  'CALENDLY_API_TOKEN',
] as const;

function awsProblem(error: unknown, what: string): ProvisionError {
  const name = (error as Error).name;
  if (name === 'CredentialsProviderError') {
    return new ProvisionError(
      `No AWS credentials were found to read ${what}; configure them (aws configure, or AWS_PROFILE) and run again.`,
    );
  }
  return new ProvisionError(`Could not read ${what}: ${(error as Error).message}`);
}

/** A deployed stack's CloudFormation outputs by key; one sentence when there is no such stack. */
export async function stackOutputs(stage: string): Promise<Record<string, string>> {
  const stackName = `VoiceBooking-${stage}`;
  const cloudFormation = new CloudFormationClient({});
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
    );
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      throw new ProvisionError(
        `There is no stack ${stackName} in this account and region: deploy it first (npx cdk deploy -c stage=${stage}).`,
      );
    }
    throw awsProblem(error, `stack ${stackName}`);
  } finally {
    cloudFormation.destroy();
  }
}

export async function stackTarget(stage: string, environment: Settings = process.env): Promise<Target> {
  const stackName = `VoiceBooking-${stage}`;
  const secrets = new SecretsManagerClient({});
  const outputs = await stackOutputs(stage);
  const secretId = outputs.SecretName;
  const baseUrl = outputs.PublicBaseUrl;
  if (!secretId || !baseUrl) {
    throw new ProvisionError(
      `Stack ${stackName} has no SecretName or PublicBaseUrl output: deploy this version of it first.`,
    );
  }
  const readSecret = async (): Promise<Settings> => {
    try {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
      const parsed = JSON.parse(SecretString ?? '{}') as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(parsed).map(([name, value]) => [name, value === null ? undefined : String(value)]),
      );
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new ProvisionError(
          `Secret ${secretId} is not a JSON object; put a JSON object into it and run again.`,
        );
      throw awsProblem(error, `secret ${secretId}`);
    }
  };
  const secret = await readSecret();
  const given = Object.fromEntries(
    CREDENTIALS.flatMap((name) => (environment[name] ? [[name, environment[name]]] : [])),
  );
  const toStore = Object.fromEntries(Object.entries(given).filter(([name, value]) => secret[name] !== value));
  return {
    label: `stack ${stackName}`,
    stage,
    baseUrl,
    endpoints: endpointsUnder(baseUrl),
    settings: {
      ...Object.fromEntries(FROM_ENVIRONMENT.map((name) => [name, environment[name]])),
      TWILIO_PHONE_NUMBER: outputs.TwilioPhoneNumber ?? environment.TWILIO_PHONE_NUMBER,
      CALENDLY_EVENT_TYPE_URI: outputs.CalendlyEventTypeUri,
      ...secret,
      ...given,
    },
    toStore,
    settingsFrom: `the environment (provisioning keeps them in secret ${secretId})`,
    store: {
      label: `secret ${secretId}`,
      async save(changes) {
        // Read again just before writing: keep whatever an operator changed meanwhile.
        const current = await readSecret();
        await secrets.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            SecretString: JSON.stringify({ ...current, ...changes }),
          }),
        );
      },
    },
  };
}

/** `name=value` lines of `changes` set in a dotenv text: existing lines replaced in place, new ones appended. */
export function withEnvLines(text: string, changes: Settings): string {
  let lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const line = `${name}=${value}`;
    const index = lines.findIndex((existing) => existing.startsWith(`${name}=`));
    if (index >= 0) lines[index] = line;
    else lines = [...lines, line];
  }
  return `${lines.join('\n')}\n`;
}

export function baseUrlTarget(baseUrl: string, environment: Settings = process.env): Target {
  if (!/^https?:\/\//.test(baseUrl))
    throw new ProvisionError(`--base-url must be an http(s) URL, got ${baseUrl}.`);
  const file = envFilePath(environment);
  const settings = resolveLocalSettings(environment, readEnvFile(file)).values;
  return {
    label: baseUrl,
    stage: 'local',
    baseUrl,
    endpoints: endpointsUnder(baseUrl),
    settings,
    toStore: {},
    settingsFrom: `the environment or ${file}`,
    store: {
      label: file,
      async save(changes) {
        let text = '';
        try {
          text = readFileSync(file, 'utf8');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
        writeFileSync(file, withEnvLines(text, changes), { mode: 0o600 });
        // It now holds secrets: owner-only, also when the file existed before.
        chmodSync(file, 0o600);
      },
    },
  };
}
