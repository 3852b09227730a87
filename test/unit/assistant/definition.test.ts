/**
 * The assistant as code: the config's defaults and errors, the flow and every error code in the prompt,
 * and the requests provisioning sends checked against the shapes of Vapi's OpenAPI spec, key by key.
 */
import { describe, expect, it } from 'vitest';
import { parseAssistantConfig, readAssistantConfig } from '../../../assistant/config.ts';
import { assistantRequest, SERVER_MESSAGES, toolRequests } from '../../../assistant/definition.ts';
import { systemPrompt } from '../../../assistant/prompt.ts';
import { TOOL_ERROR_CODES } from '../../../functions/vapi-tools/tool-answer.ts';
import { TOOLS } from '../../../functions/vapi-tools/tools/catalog.ts';
import { FUNCTIONS, ROUTES } from '../../../infra/routes.ts';
import {
  ASSISTANT_NESTING,
  conformanceProblems,
  TOOL_NESTING,
} from '../../fixtures/vapi-spec/conformance.ts';

const CONFIG = parseAssistantConfig({ businessName: 'Riverside Dental', timezone: 'America/New_York' });
const WIRING = {
  baseUrl: 'https://api.example.com/prod/',
  credentialId: 'cred-1',
  toolIds: Object.fromEntries(TOOLS.map((tool) => [tool.name, `tool-${tool.name}`])),
};

describe('the assistant config', () => {
  it('needs only the business name; everything else has a default', () => {
    expect(parseAssistantConfig({ businessName: 'Acme' })).toMatchObject({
      language: 'en-US',
      voice: { provider: 'vapi', voiceId: 'Clara' },
      model: { provider: 'openai', model: 'gpt-4.1', temperature: 0.2 },
      maxCallMinutes: 10,
    });
  });

  it('names each bad field in one sentence', () => {
    expect(() => parseAssistantConfig({})).toThrow(/businessName/);
    expect(() => parseAssistantConfig({ businessName: 'Acme', language: 'English' })).toThrow(/language/);
    expect(() => parseAssistantConfig({ businessName: 'Acme', maxCallMinutes: 0 })).toThrow(/maxCallMinutes/);
    expect(() =>
      parseAssistantConfig({ businessName: 'Acme', silencePromptSeconds: 30, silenceHangupSeconds: 20 }),
    ).toThrow(/silenceHangupSeconds must be longer/);
  });

  it('reads the versioned assistant.config.json of the repository', () => {
    expect(readAssistantConfig().businessName.length).toBeGreaterThan(0);
    expect(() => readAssistantConfig('no-such-file.json')).toThrow(/cannot read no-such-file.json/);
  });
});

describe('the system prompt', () => {
  const prompt = systemPrompt(CONFIG);

  it('says what to do for every error code a tool can answer with', () => {
    for (const code of TOOL_ERROR_CODES) expect(prompt).toContain(`- ${code}: `);
  });

  it('walks the flow the server enforces, naming every tool', () => {
    for (const tool of TOOLS) expect(prompt).toContain(tool.name);
    expect(prompt).toMatch(/Only after a clear yes, call confirm_booking/);
    expect(prompt).toMatch(/Never state a day or time that no tool returned/);
    expect(prompt).toMatch(/spell the email/);
    expect(prompt).toMatch(/none of the offered times work/);
    expect(prompt).toMatch(/goes quiet/);
  });

  it("uses the variables /twilio/voice passes, and today's date in the business zone", () => {
    expect(prompt).toContain('{{callerKnown}}');
    expect(prompt).toContain('{{callerLast4}}');
    expect(prompt).toContain('"America/New_York"');
  });
});

describe('the requests provisioning sends', () => {
  const assistant = assistantRequest(CONFIG, WIRING);
  const tools = toolRequests(WIRING);

  it("follow Vapi's CreateAssistantDTO, key by key", () => {
    expect(conformanceProblems(assistant, 'CreateAssistantDTO', ASSISTANT_NESTING)).toEqual([]);
  });

  it("follow Vapi's CreateFunctionToolDTO, key by key", () => {
    for (const tool of tools)
      expect(conformanceProblems(tool, 'CreateFunctionToolDTO', TOOL_NESTING)).toEqual([]);
  });

  it('catch a key Vapi does not have (the check can fail)', () => {
    expect(
      conformanceProblems(
        { ...assistant, silenceTimeoutSeconds: 30 },
        'CreateAssistantDTO',
        ASSISTANT_NESTING,
      ),
    ).toEqual(['silenceTimeoutSeconds: not a property of CreateAssistantDTO']);
    expect(
      conformanceProblems(
        { ...assistant, serverMessages: ['tool-calls', 'transcripts'] },
        'CreateAssistantDTO',
        ASSISTANT_NESTING,
      ),
    ).toEqual(['serverMessages: "transcripts" is not one of CreateAssistantDTO.serverMessages\'s values']);
    const model = { ...assistant.model, bogus: 1 };
    expect(conformanceProblems({ ...assistant, model }, 'CreateAssistantDTO', ASSISTANT_NESTING)).toEqual([
      'model.bogus: not a property of OpenAIModel',
    ]);
    const [first] = tools;
    if (!first) throw new Error('no tools');
    const withLength = structuredClone(first) as unknown as {
      function: { parameters: { properties: Record<string, object> } };
    };
    withLength.function.parameters.properties.date = { type: 'string', maxLength: 10 };
    expect(conformanceProblems(withLength, 'CreateFunctionToolDTO', TOOL_NESTING)).toEqual([
      'function.parameters.properties.date.maxLength: not a property of JsonSchema',
    ]);
  });

  it('ask only for the server messages the backend handles', () => {
    expect(assistant.serverMessages).toEqual(['tool-calls', 'status-update', 'end-of-call-report']);
    expect(SERVER_MESSAGES).not.toContain('transcript');
  });

  it("point at the stack's routes, keeping a base path, with one credential and a timeout longer than the function's", () => {
    const paths = ROUTES.map((route) => route.path);
    expect(assistant.server.url).toBe('https://api.example.com/prod/vapi/events');
    expect(paths).toContain('/vapi/events');
    for (const tool of tools) {
      expect(tool.server.url).toBe('https://api.example.com/prod/vapi/tools');
      expect(tool.server.credentialId).toBe('cred-1');
      expect(tool.server.timeoutSeconds).toBeGreaterThan(FUNCTIONS['vapi-tools'].timeoutSeconds);
    }
    expect(assistant.server.credentialId).toBe('cred-1');
    expect(assistant.model.toolIds).toEqual(TOOLS.map((tool) => `tool-${tool.name}`));
  });

  it('end a silent call and a long one', () => {
    expect(assistant.maxDurationSeconds).toBe(600);
    expect(assistant.hooks.map((hook) => hook.options.timeoutSeconds)).toEqual([10, 40]);
    expect(assistant.hooks[1]?.do.at(-1)).toEqual({ type: 'tool', tool: { type: 'endCall' } });
  });

  it('refuse to build an assistant without the saved id of every tool', () => {
    expect(() => assistantRequest(CONFIG, { ...WIRING, toolIds: {} })).toThrow(
      /no saved tool id for check_availability/,
    );
  });
});
