/**
 * `npm run demo`: starts the whole product on this machine (no accounts), plays two callers racing for one
 * slot through the real routes, prints the timeline, stops everything and exits 0 - or 1 with the reason
 * when the scenario breaks or an invariant fails. The scenario itself is ./demo-script.ts.
 */
import { DemoError, runDemo } from './demo-script.ts';
import { shouldUseColor } from './timeline.ts';

/** Longest the demo may take before it gives up (it normally needs a few seconds). */
const DEMO_TIMEOUT_MS = 90_000;
/** After stopping, anything still holding the event loop open gets this long before a forced exit. */
const EXIT_GRACE_MS = 2_000;

function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

const watchdog = setTimeout(() => {
  console.error(`demo: gave up after ${DEMO_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, DEMO_TIMEOUT_MS);
watchdog.unref();

try {
  const { summary } = await runDemo({
    print: (line) => process.stdout.write(`${line}\n`),
    color: shouldUseColor(process.stdout),
  });
  if (!summary.ok) {
    const failed = summary.invariants.filter((invariant) => !invariant.ok);
    console.error(`\ndemo: ${failed.length} invariant(s) failed:`);
    for (const invariant of failed) console.error(`  - ${invariant.name}: ${invariant.detail}`);
    exitSoon(1);
  } else {
    exitSoon(0);
  }
} catch (error) {
  if (error instanceof DemoError) {
    console.error(`\ndemo failed: ${error.message}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\ndemo could not run: ${message}`);
    if (/java|DynamoDB Local/i.test(message)) console.error('DynamoDB Local needs Java 17 or newer on PATH.');
    if (error instanceof Error && error.stack) console.error(error.stack);
  }
  exitSoon(1);
} finally {
  clearTimeout(watchdog);
}
