/**
 * `npm run proof -- --rounds N --seed S [--max-callers M]`: a long fault campaign (./campaign.ts) that writes
 * proof/REPORT.md with what it did, what it injected and what it found. Exits 1 on any violation.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { installTimeWarp } from './time-warp.ts';

// Before anything that captures Date is imported.
installTimeWarp();
const { runCampaign } = await import('./campaign.ts');
const { renderReport } = await import('./report.ts');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    'max-callers': { type: 'string', default: '40' },
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), 'REPORT.md') },
  },
  strict: true,
});
const rounds = Number(values.rounds);
const seed = Number(values.seed);
const maxCallers = Number(values['max-callers']);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(seed) || !(maxCallers >= 2)) {
  console.error('usage: npm run proof -- --rounds N --seed S [--max-callers M (>= 2)] [--out FILE]');
  process.exit(2);
}

// Ctrl-C ends the campaign after the round being played and still writes the report (of fewer rounds).
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(`${signal}: finishing the round being played, then writing the report\n`);
    stop.abort();
  });
}
const report = await runCampaign({
  seed,
  rounds,
  maxCallers,
  signal: stop.signal,
  onRound: (round, totals, violations) => {
    if (round % 10 === 0 || violations.length > 0 || round === rounds) {
      const faults = Object.values(totals.faults).reduce((sum, count) => sum + count, 0);
      process.stdout.write(
        `round ${round}/${rounds}: ${totals.callers} callers, ${totals.bookingAttempts} booking attempts, ${faults} faults, ${violations.length} new violation(s)\n`,
      );
    }
  },
});
const command = `npm run proof -- --rounds ${rounds} --seed ${seed}${maxCallers === 40 ? '' : ` --max-callers ${maxCallers}`}`;
if (report.totals.rounds < rounds)
  process.stdout.write(`stopped early: ${report.totals.rounds} of ${rounds} rounds\n`);
const markdown = renderReport(report, {
  command,
  // The wall clock's date (Date itself runs ahead in the campaign).
  date: new Date(performance.timeOrigin + performance.now()).toISOString().slice(0, 10),
  machine: `${availableParallelism()} cores, Node ${process.versions.node}`,
});
writeFileSync(values.out, markdown);
process.stdout.write(`\n${markdown}\nwritten to ${values.out}\n`);
process.exit(report.violations.length === 0 ? 0 : 1);
