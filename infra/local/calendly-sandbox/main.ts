/**
 * Runs the sandbox on its own: `tsx infra/local/calendly-sandbox/main.ts [port] [timezone]`.
 * Drive it through /__sandbox/... (see control.ts); stop it with Ctrl-C.
 */
import { startCalendlySandbox } from './server.ts';

const [portArgument, timezone] = process.argv.slice(2);
const port = portArgument === undefined ? 4010 : Number(portArgument);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`not a port: ${portArgument}`);
  process.exit(1);
}
const sandbox = await startCalendlySandbox({ port, ...(timezone ? { timezone } : {}) });
console.log(`Calendly sandbox on ${sandbox.url} (zone ${sandbox.user.timezone}, default sandbox token)`);
for (const eventType of sandbox.eventTypes.all) {
  console.log(
    `  ${eventType.active ? 'active  ' : 'inactive'} ${eventType.name.padEnd(14)} ${eventType.uri}`,
  );
}
const stop = (): void => {
  void sandbox.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
