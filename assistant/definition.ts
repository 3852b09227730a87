/**
 * The Vapi assistant and its function tools as code: exactly the requests `npm run provision` sends (Vapi's
 * CreateAssistantDTO and CreateFunctionToolDTO), built from the user's small config (./config.ts), the
 * tool catalog (./tools.ts) and where the stack answers. `npm run assistant:print` prints them.
 */
import { TOOLS } from '../functions/vapi-tools/tools/catalog.ts';
import { routeUrl, VAPI_SERVER_TIMEOUT_SECONDS } from '../infra/routes.ts';
import type { AssistantConfig } from './config.ts';
import { systemPrompt } from './prompt.ts';
import { type VapiFunctionTool, vapiFunctionTool } from './tools.ts';

/** Marks what provisioning made, so a re-run finds it again (Vapi `metadata`, and names). */
export const MANAGED_BY = 'voice-booking-backend';

/**
 * The server messages the backend handles, and only those: each one sent is a paid Lambda invocation.
 * tool-calls runs the tools; status-update and end-of-call-report end the call's holds.
 */
export const SERVER_MESSAGES = ['tool-calls', 'status-update', 'end-of-call-report'] as const;

/** Where the stack answers Vapi, and the ids the definitions refer to. */
export interface Wiring {
  /** The stack's public base URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com */
  baseUrl: string;
  /** The Vapi credential that signs requests to our server. */
  credentialId: string;
  /** Saved tool ids, by tool name. */
  toolIds: Readonly<Record<string, string>>;
  /** The stage the assistant serves, kept in its metadata so provisioning finds it again. */
  stage?: string;
}

export type VapiToolRequest = VapiFunctionTool & {
  async: false;
  server: { url: string; timeoutSeconds: number; credentialId: string };
  messages?: Array<{ type: 'request-start'; content: string; blocking: false }>;
};

/** Every function tool, as Vapi's create-tool request carries it. */
export function toolRequests(wiring: Pick<Wiring, 'baseUrl' | 'credentialId'>): VapiToolRequest[] {
  return TOOLS.map((tool) => ({
    ...vapiFunctionTool(tool),
    async: false,
    server: {
      url: routeUrl(wiring.baseUrl, '/vapi/tools'),
      timeoutSeconds: VAPI_SERVER_TIMEOUT_SECONDS,
      credentialId: wiring.credentialId,
    },
    ...(tool.waitingSay
      ? { messages: [{ type: 'request-start', content: tool.waitingSay, blocking: false }] }
      : {}),
  }));
}

const fill = (text: string, config: AssistantConfig) =>
  text.replaceAll('{businessName}', config.businessName);

/** The assistant, as Vapi's create-assistant request carries it. */
export function assistantRequest(config: AssistantConfig, wiring: Wiring) {
  const toolIds = TOOLS.map((tool) => {
    const id = wiring.toolIds[tool.name];
    if (!id) throw new Error(`no saved tool id for ${tool.name}`);
    return id;
  });
  const english = config.language.startsWith('en');
  return {
    name: `${config.businessName} booking`.slice(0, 40),
    firstMessage: fill(config.greeting, config),
    firstMessageMode: 'assistant-speaks-first',
    model: {
      provider: config.model.provider,
      model: config.model.model,
      temperature: config.model.temperature,
      messages: [{ role: 'system', content: systemPrompt(config) }],
      toolIds,
      // Vapi's own hang-up tool, so a goodbye ends the call.
      tools: [{ type: 'endCall' }],
    },
    voice: { provider: config.voice.provider, voiceId: config.voice.voiceId },
    transcriber: {
      provider: 'deepgram',
      model: 'nova-3',
      language: english ? 'en' : config.language,
      // Phone audio: wait 300 ms of silence (Deepgram's default is 10) so one-word answers are not cut off.
      endpointing: 300,
    },
    startSpeakingPlan: {
      waitSeconds: 0.4,
      // Vapi recommends LiveKit's end-of-turn model for English; other languages keep the transcriber's.
      ...(english ? { smartEndpointingPlan: { provider: 'livekit' } } : {}),
    },
    // A cough or an "uh-huh" must not stop the assistant mid-sentence: two words do.
    stopSpeakingPlan: { numWords: 2 },
    backgroundSound: 'off',
    maxDurationSeconds: config.maxCallMinutes * 60,
    hooks: [
      {
        name: 'silence-prompt',
        on: 'customer.speech.timeout',
        options: {
          timeoutSeconds: config.silencePromptSeconds,
          triggerMaxCount: 2,
          triggerResetMode: 'onUserSpeech',
        },
        do: [{ type: 'say', exact: 'Are you still there?' }],
      },
      {
        name: 'silence-hangup',
        on: 'customer.speech.timeout',
        options: {
          timeoutSeconds: config.silenceHangupSeconds,
          triggerMaxCount: 1,
          triggerResetMode: 'onUserSpeech',
        },
        do: [
          {
            type: 'say',
            exact: fill(
              'I can not hear you, so I will hang up now. Please call {businessName} again.',
              config,
            ),
          },
          { type: 'tool', tool: { type: 'endCall' } },
        ],
      },
    ],
    endCallMessage: fill('Thanks for calling {businessName}. Goodbye!', config),
    serverMessages: [...SERVER_MESSAGES],
    server: {
      url: routeUrl(wiring.baseUrl, '/vapi/events'),
      timeoutSeconds: VAPI_SERVER_TIMEOUT_SECONDS,
      credentialId: wiring.credentialId,
    },
    metadata: { managedBy: MANAGED_BY, ...(wiring.stage ? { stage: wiring.stage } : {}) },
  };
}

export type VapiAssistantRequest = ReturnType<typeof assistantRequest>;
