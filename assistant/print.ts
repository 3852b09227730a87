/**
 * `npm run assistant:print [-- --config FILE] [--base-url URL]`: the exact function tools and assistant
 * that provisioning would send, for review. Ids Vapi has not given yet are shown as placeholders.
 */
import { parseArgs } from 'node:util';
import { TOOLS } from '../functions/vapi-tools/tools/catalog.ts';
import { DEFAULT_CONFIG_PATH, readAssistantConfig } from './config.ts';
import { assistantRequest, toolRequests } from './definition.ts';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: DEFAULT_CONFIG_PATH },
    'base-url': { type: 'string', default: 'https://YOUR-STACK.execute-api.REGION.amazonaws.com' },
  },
});
try {
  const config = readAssistantConfig(values.config);
  const wiring = {
    baseUrl: values['base-url'],
    credentialId: '<credential id>',
    toolIds: Object.fromEntries(TOOLS.map((tool) => [tool.name, `<${tool.name} tool id>`])),
  };
  console.log(
    JSON.stringify({ tools: toolRequests(wiring), assistant: assistantRequest(config, wiring) }, null, 2),
  );
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
