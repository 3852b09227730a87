/**
 * `npm run provision`: wires Vapi, Twilio and Calendly to a stack, idempotently. Everything is read and
 * checked first (credentials, the Calendly user and event types, what exists at each vendor); only then is
 * anything written, one resource at a time, in an order where a failure leaves each resource as it was
 * before its own step and a re-run finishes the rest:
 *
 *   generated secrets -> Vapi credential -> function tools -> assistant -> Vapi phone number -> ids into the
 *   store -> Calendly webhook subscription -> the Twilio number's webhooks (last: importing the number into
 *   Vapi re-points them at Vapi).
 *
 * Resources are found again by name (tools), by metadata (assistant), by number (phone number), by URL or the
 * recorded URI (webhook) and by a name carrying the secret's fingerprint (credential, whose secret Vapi never
 * shows again). Nothing is ever duplicated; two candidates for one resource stop the run.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AssistantConfig } from '../assistant/config.ts';
import { assistantRequest, MANAGED_BY, toolRequests } from '../assistant/definition.ts';
import { TOOLS } from '../functions/vapi-tools/tools/catalog.ts';
import { calendlyApi, type WebhookSubscription } from './calendly.ts';
import { holds } from './compare.ts';
import { ProvisionError } from './http.ts';
import type { Settings, Target } from './target.ts';
import { type NumberWebhooks, twilioNumbers } from './twilio.ts';
import { type VapiResource, vapiApi } from './vapi.ts';

export type Action = 'create' | 'update' | 'recreate' | 'unchanged' | 'generate';

export interface Row {
  resource: string;
  name: string;
  action: Action;
  note?: string;
}

export interface ProvisionResult {
  rows: Row[];
  /** What the operator does next. */
  checklist: string[];
  dryRun: boolean;
}

export interface ProvisionOptions {
  target: Target;
  config: AssistantConfig;
  dryRun: boolean;
}

/** The Calendly events the webhook handler reads. */
export const WEBHOOK_EVENTS = ['invitee.created', 'invitee.canceled'] as const;

const REQUIRED = [
  'VAPI_API_KEY',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_PHONE_NUMBER',
  'CALENDLY_API_TOKEN',
];

const newSecret = () => randomBytes(32).toString('base64url');
// Vapi caps credential names at 40 characters: "voice-booking-backend local 1a2b3c4d" is 36.
const fingerprint = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 8);

interface Given {
  VAPI_API_KEY: string;
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_PHONE_NUMBER: string;
  CALENDLY_API_TOKEN: string;
}

function required(settings: Settings, from: string): Given {
  const missing = REQUIRED.filter((name) => !settings[name]);
  if (missing.length > 0) throw new ProvisionError(`Give ${missing.join(', ')} in ${from} and run again.`);
  const value = (name: keyof Given) => settings[name] ?? '';
  return {
    VAPI_API_KEY: value('VAPI_API_KEY'),
    TWILIO_ACCOUNT_SID: value('TWILIO_ACCOUNT_SID'),
    TWILIO_AUTH_TOKEN: value('TWILIO_AUTH_TOKEN'),
    TWILIO_PHONE_NUMBER: value('TWILIO_PHONE_NUMBER'),
    CALENDLY_API_TOKEN: value('CALENDLY_API_TOKEN'),
  };
}

/** The one resource of `candidates` that is ours; more than one stops the run before anything is written. */
function onlyOne(candidates: VapiResource[], what: string): VapiResource | undefined {
  if (candidates.length > 1) {
    throw new ProvisionError(
      `Vapi has ${candidates.length} ${what}; delete all but one (ids ${candidates.map((item) => item.id).join(', ')}) and run again.`,
    );
  }
  return candidates[0];
}

/** A URL as it may be printed: Twilio webhook URLs can carry credentials (https://user:pass@host). */
function withoutUserinfo(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url ? '(not a URL)' : '';
  }
}

const sameEvents = (subscription: WebhookSubscription) =>
  [...subscription.events].sort().join() === [...WEBHOOK_EVENTS].sort().join();

export async function provision(options: ProvisionOptions): Promise<ProvisionResult> {
  const { target, config, dryRun } = options;
  const settings = target.settings;
  const given = required(settings, target.settingsFrom);
  const vapi = vapiApi(settings.VAPI_API_BASE_URL ?? 'https://api.vapi.ai', given.VAPI_API_KEY);
  const twilio = twilioNumbers(
    settings.TWILIO_API_BASE_URL ?? 'https://api.twilio.com',
    given.TWILIO_ACCOUNT_SID,
    given.TWILIO_AUTH_TOKEN,
  );
  const calendly = calendlyApi(
    settings.CALENDLY_API_BASE_URL ?? 'https://api.calendly.com',
    given.CALENDLY_API_TOKEN,
  );
  const rows: Row[] = [];
  const checklist: string[] = [];
  const prefix = `${MANAGED_BY} ${target.stage}`;

  // 1. Read and check everything before changing anything.
  const user = await calendly.me();
  const eventTypes = (await calendly.eventTypes(user.uri)).filter((type) => type.active);
  if (eventTypes.length === 0) {
    throw new ProvisionError(
      `Calendly user ${user.name} has no active event type; create the appointment type in Calendly first.`,
    );
  }
  const chosen = settings.CALENDLY_EVENT_TYPE_URI;
  if (chosen && !eventTypes.some((type) => type.uri === chosen)) {
    throw new ProvisionError(
      `CALENDLY_EVENT_TYPE_URI is not an active event type of ${user.name}; use one of: ${eventTypes.map((type) => `${type.name} (${type.uri})`).join(', ')}.`,
    );
  }
  if (!chosen && eventTypes.length > 1) {
    checklist.push(
      `Callers can book any of ${eventTypes.length} event types by name; without one named, "${eventTypes[0]?.name}" is booked. To choose the default, deploy with -c calendlyEventTypeUri= one of: ${eventTypes.map((type) => `${type.name} ${type.uri}`).join('; ')}.`,
    );
  }
  const subscriptions = await calendly.subscriptions(user);
  const [credentials, tools, assistants, numbers] = await Promise.all([
    vapi.list('credential'),
    vapi.list('tool'),
    vapi.list('assistant'),
    vapi.list('phone-number'),
  ]);
  const twilioNumber = await twilio.find(given.TWILIO_PHONE_NUMBER);

  const ourCredentials = credentials.filter((item) => String(item.name ?? '').startsWith(`${prefix} `));
  const credential = onlyOne(ourCredentials, `credentials named "${prefix} …"`);
  const assistant = onlyOne(
    assistants.filter((item) => {
      const metadata = (item.metadata ?? {}) as Record<string, unknown>;
      return metadata.managedBy === MANAGED_BY && metadata.stage === target.stage;
    }),
    `assistants made by ${MANAGED_BY} for ${target.stage}`,
  );
  // A stage's tools are its assistant's, or (before it has one) the ones on its URL: never another
  // stage's tools of the same name, which serve another assistant.
  const assistantToolIds = new Set((assistant?.model as { toolIds?: string[] } | undefined)?.toolIds ?? []);
  const toolMatches = new Map(
    TOOLS.map((tool) => {
      const named = tools.filter(
        (item) =>
          item.type === 'function' && (item.function as { name?: string } | undefined)?.name === tool.name,
      );
      const attached = named.filter((item) => assistantToolIds.has(item.id));
      const onOurUrl = named.filter(
        (item) => (item.server as { url?: string } | undefined)?.url === target.endpoints.tools,
      );
      return [
        tool.name,
        onlyOne(
          attached.length > 0 ? attached : onOurUrl,
          `function tools named ${tool.name} for ${target.stage}`,
        ),
      ];
    }),
  );
  const phoneNumber = onlyOne(
    numbers.filter((item) => item.provider === 'twilio' && item.number === given.TWILIO_PHONE_NUMBER),
    `phone numbers for ${given.TWILIO_PHONE_NUMBER}`,
  );

  // 2. Write, step by step.
  const generated: Settings = {};
  if (!settings.VAPI_SERVER_SECRET) generated.VAPI_SERVER_SECRET = newSecret();
  const serverSecret = settings.VAPI_SERVER_SECRET ?? generated.VAPI_SERVER_SECRET ?? '';
  // The signing key is generated with the subscription that uses it and stored in the same write (step 7),
  // so no run can leave a key in the secret that Calendly does not sign with.
  const names = Object.keys(generated);
  const stored = Object.keys(target.toStore);
  const notes = [
    ...(stored.length > 0 ? [`stores ${stored.join(', ')}`] : []),
    ...(names.length > 0 ? [`generates ${names.join(', ')}`] : []),
  ];
  rows.push({
    resource: 'secrets',
    name: target.store.label,
    action: names.length > 0 ? 'generate' : stored.length > 0 ? 'update' : 'unchanged',
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  });
  if (!dryRun && notes.length > 0) await target.store.save({ ...target.toStore, ...generated });

  // The credential Vapi signs our server's requests with: HMAC-SHA256 of "{timestamp}.{body}", the default
  // the functions verify without a VAPI_AUTH_PLAN.
  const credentialName = `${prefix} ${fingerprint(serverSecret)}`;
  const credentialBody = {
    name: credentialName,
    authenticationPlan: { type: 'hmac', secretKey: serverSecret, algorithm: 'sha256' },
  };
  let credentialId = credential?.id ?? '(new credential)';
  if (credential && credential.name === credentialName) {
    rows.push({ resource: 'Vapi credential', name: credentialName, action: 'unchanged' });
  } else if (credential) {
    rows.push({
      resource: 'Vapi credential',
      name: credentialName,
      action: 'update',
      note: 'the server secret changed',
    });
    if (!dryRun) await vapi.update('credential', credential.id, credentialBody);
  } else {
    rows.push({ resource: 'Vapi credential', name: credentialName, action: 'create' });
    if (!dryRun)
      credentialId = (await vapi.create('credential', { provider: 'custom-credential', ...credentialBody }))
        .id;
  }

  const toolIds: Record<string, string> = {};
  for (const desired of toolRequests({ baseUrl: target.baseUrl, credentialId })) {
    const name = desired.function.name;
    const existing = toolMatches.get(name);
    toolIds[name] = existing?.id ?? `(new ${name})`;
    if (existing && holds(existing, desired)) {
      rows.push({ resource: 'Vapi tool', name, action: 'unchanged' });
    } else if (existing) {
      rows.push({ resource: 'Vapi tool', name, action: 'update' });
      if (!dryRun) await vapi.update('tool', existing.id, desired);
    } else {
      rows.push({ resource: 'Vapi tool', name, action: 'create' });
      if (!dryRun) toolIds[name] = (await vapi.create('tool', desired)).id;
    }
  }

  const desiredAssistant = assistantRequest(config, {
    baseUrl: target.baseUrl,
    credentialId,
    toolIds,
    stage: target.stage,
  });
  let assistantId = assistant?.id ?? '(new assistant)';
  if (assistant && holds(assistant, desiredAssistant)) {
    rows.push({ resource: 'Vapi assistant', name: desiredAssistant.name, action: 'unchanged' });
  } else if (assistant) {
    rows.push({ resource: 'Vapi assistant', name: desiredAssistant.name, action: 'update' });
    if (!dryRun) await vapi.update('assistant', assistant.id, desiredAssistant);
  } else {
    rows.push({ resource: 'Vapi assistant', name: desiredAssistant.name, action: 'create' });
    if (!dryRun) assistantId = (await vapi.create('assistant', desiredAssistant)).id;
  }

  // Bypass mode: the number stays ours at Twilio, so Vapi gets no assistant on it and no SMS.
  const numberFields = { name: prefix, smsEnabled: false };
  // Vapi never shows the Twilio token again: a token given anew is sent again.
  const newToken = target.toStore.TWILIO_AUTH_TOKEN;
  let phoneNumberId = phoneNumber?.id ?? '(new phone number)';
  let numberWritten = false;
  if (phoneNumber && holds(phoneNumber, numberFields) && !newToken) {
    rows.push({ resource: 'Vapi phone number', name: given.TWILIO_PHONE_NUMBER, action: 'unchanged' });
  } else if (phoneNumber) {
    rows.push({
      resource: 'Vapi phone number',
      name: given.TWILIO_PHONE_NUMBER,
      action: 'update',
      ...(newToken ? { note: 'the Twilio auth token changed' } : {}),
    });
    if (!dryRun) {
      await vapi.update('phone-number', phoneNumber.id, {
        ...numberFields,
        ...(newToken ? { twilioAuthToken: newToken } : {}),
      });
      numberWritten = true;
    }
  } else {
    rows.push({
      resource: 'Vapi phone number',
      name: given.TWILIO_PHONE_NUMBER,
      action: 'create',
      note: 'imports the Twilio number',
    });
    if (!dryRun) {
      phoneNumberId = (
        await vapi.create('phone-number', {
          provider: 'twilio',
          number: given.TWILIO_PHONE_NUMBER,
          twilioAccountSid: given.TWILIO_ACCOUNT_SID,
          twilioAuthToken: given.TWILIO_AUTH_TOKEN,
          ...numberFields,
        })
      ).id;
      numberWritten = true;
    }
  }

  const ids: Settings = { VAPI_ASSISTANT_ID: assistantId, VAPI_PHONE_NUMBER_ID: phoneNumberId };
  const idsChanged = Object.entries(ids).filter(([name, value]) => settings[name] !== value);
  rows.push({
    resource: 'ids for the functions',
    name: target.store.label,
    action: idsChanged.length > 0 ? 'update' : 'unchanged',
    ...(idsChanged.length > 0 ? { note: idsChanged.map(([name]) => name).join(', ') } : {}),
  });
  if (!dryRun && idsChanged.length > 0) await target.store.save(ids);

  // The subscription's record: its URI, and the fingerprint of the key it signs with (Calendly never
  // shows a signing key again), as `<uri>#key=<fingerprint>`.
  const url = target.endpoints.calendly;
  const [recordedUri, recordedKey] = (settings.CALENDLY_WEBHOOK_SUBSCRIPTION_URI ?? '').split('#key=');
  const signingKey = settings.CALENDLY_WEBHOOK_SIGNING_KEY ?? newSecret();
  const keyGenerated = !settings.CALENDLY_WEBHOOK_SIGNING_KEY;
  const existing =
    subscriptions.find((subscription) => subscription.callback_url === url) ??
    subscriptions.find((subscription) => subscription.uri === recordedUri);
  const why = !existing
    ? null
    : existing.callback_url !== url
      ? 'its URL changed'
      : !sameEvents(existing)
        ? 'its events changed'
        : existing.state !== 'active'
          ? `it is ${existing.state}`
          : keyGenerated
            ? 'a new signing key'
            : existing.uri !== recordedUri || recordedKey !== fingerprint(signingKey)
              ? 'its signing key is not the one in the secret'
              : null;
  if (existing && why === null) {
    rows.push({ resource: 'Calendly webhook', name: url, action: 'unchanged' });
  } else {
    rows.push({
      resource: 'Calendly webhook',
      name: url,
      action: existing ? 'recreate' : 'create',
      ...(why ? { note: why } : keyGenerated ? { note: 'with a new signing key' } : {}),
    });
    if (!dryRun) {
      if (existing) await calendly.unsubscribe(existing.uri);
      const created = await calendly.subscribe(user, url, WEBHOOK_EVENTS, signingKey);
      await target.store.save({
        ...(keyGenerated ? { CALENDLY_WEBHOOK_SIGNING_KEY: signingKey } : {}),
        CALENDLY_WEBHOOK_SUBSCRIPTION_URI: `${created.uri}#key=${fingerprint(signingKey)}`,
      });
      if (keyGenerated) names.push('CALENDLY_WEBHOOK_SIGNING_KEY');
    }
  }

  // Last: Vapi's import of the number may just have pointed its webhooks at Vapi.
  const desiredWebhooks: NumberWebhooks = {
    VoiceUrl: target.endpoints.voice,
    VoiceMethod: 'POST',
    StatusCallback: target.endpoints.status,
    StatusCallbackMethod: 'POST',
  };
  const current = numberWritten ? await twilio.find(given.TWILIO_PHONE_NUMBER) : twilioNumber;
  const importing = dryRun && !phoneNumber;
  if (!importing && holds(current, desiredWebhooks)) {
    rows.push({ resource: 'Twilio number webhooks', name: given.TWILIO_PHONE_NUMBER, action: 'unchanged' });
  } else {
    rows.push({
      resource: 'Twilio number webhooks',
      name: given.TWILIO_PHONE_NUMBER,
      action: 'update',
      note: importing
        ? "Vapi's import re-points them"
        : `voice URL was ${withoutUserinfo(current.VoiceUrl) || 'unset'}`,
    });
    if (!dryRun) await twilio.update(current.sid, desiredWebhooks);
  }

  const waitForIds = !dryRun && idsChanged.length > 0 && target.stage !== 'local';
  checklist.unshift(
    dryRun
      ? 'Dry run: nothing was changed. Run without --dry-run to apply this plan.'
      : `Call ${given.TWILIO_PHONE_NUMBER} ${waitForIds ? 'in 5 minutes (once the functions have read the new ids)' : 'now'}: the assistant answers and books into ${user.name}'s Calendly.`,
  );
  const changed = [...stored, ...names, ...idsChanged.map(([name]) => name)];
  if (!dryRun && changed.length > 0) {
    checklist.push(
      target.stage === 'local'
        ? `Restart npm run dev: ${target.store.label} now holds ${changed.join(', ')}.`
        : `The functions read ${changed.join(', ')} from the secret within 5 minutes; no deploy needed.`,
    );
  }
  checklist.push(
    'US numbers send SMS only after Twilio A2P 10DLC registration; until then confirmations go by email.',
  );
  return { rows, checklist, dryRun };
}
