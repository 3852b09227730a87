/** `npm run docs:tools`: rewrites the README's tool tables from the catalog (./tool-table.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withToolTables } from './tool-table.ts';

const readmePath = join(import.meta.dirname, '..', 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withToolTables(before);
writeFileSync(readmePath, after);
console.log(after === before ? 'README tool tables already current' : 'README tool tables rewritten');
