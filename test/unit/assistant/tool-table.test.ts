import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_BEGIN, TABLE_END, toolTables, withToolTables } from '../../../assistant/tool-table.ts';
import { TOOLS } from '../../../functions/vapi-tools/tools/catalog.ts';

const README = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

describe("the README's tool tables", () => {
  it('are the ones the catalog generates (run `npm run docs:tools` after changing a tool)', () => {
    expect(withToolTables(README)).toBe(README);
  });

  it('name every tool and every argument', () => {
    const tables = toolTables();
    for (const tool of TOOLS) {
      expect(tables).toContain(`| \`${tool.name}\` |`);
      for (const name of Object.keys(tool.parameters.shape)) expect(tables).toContain(`| \`${name}\``);
    }
    expect(tables).toContain('`morning`, `afternoon`, `evening`, `any`');
    expect(tables).toContain('`[sS]\\d{1,4}`');
  });

  it('refuses a README without its markers rather than append the tables somewhere', () => {
    expect(() => withToolTables(README.replace(TABLE_BEGIN, ''))).toThrow(/tools:begin/);
    expect(() => withToolTables(README.replace(TABLE_END, ''))).toThrow(/tools:begin/);
  });
});
