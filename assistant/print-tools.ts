/** `npm run tools:print`: the Vapi function tools exactly as generated from the catalog (./tools.ts), for review. */
import { vapiFunctionTools } from './tools.ts';

console.log(JSON.stringify(vapiFunctionTools(), null, 2));
