/** The provisioning report: one row per resource with what was (or would be) done, then what to do next. */
import type { ProvisionResult } from './provision.ts';

export function report(result: ProvisionResult): string {
  const header = ['resource', 'name', result.dryRun ? 'plan' : 'done', 'why'];
  const rows = result.rows.map((row) => [row.resource, row.name, row.action, row.note ?? '']);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    ...result.checklist.map((item) => `- ${item}`),
  ].join('\n');
}
