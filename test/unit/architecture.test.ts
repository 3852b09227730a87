/**
 * The dependency rules, enforced: which folder may import which. Every import of every source file is
 * read (static, dynamic, type-only and re-exports alike) and checked against the rules of its layer. A new
 * import that crosses a boundary fails here, with the file and the import named.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

interface Layer {
  /** Files of the layer: a path prefix, relative to the repository root. */
  files: string;
  /** Repository paths (prefixes) the layer may import. */
  mayImport: readonly string[];
  /** npm packages (or node: modules) the layer may import, as prefixes of the specifier. */
  packages: readonly string[];
}

const ZOD = 'shared/zod.ts';
const DOMAIN = 'shared/domain/';

/** Checked in order: a file belongs to the first layer whose prefix it starts with. */
const LAYERS: readonly Layer[] = [
  // Pure rules: no AWS, HTTP, vendor or adapter code; time and randomness come through ports or node.
  { files: DOMAIN, mayImport: [DOMAIN, ZOD], packages: ['node:crypto', '@date-fns/tz'] },
  // Words for people: what callers hear and read (times, emails, texts), over domain values; no I/O.
  { files: 'shared/speech/', mayImport: ['shared/speech/', DOMAIN], packages: [] },
  // Vendors and AWS behind the domain's ports; they know nothing of HTTP, functions or the composition.
  {
    files: 'shared/adapters/',
    mayImport: ['shared/adapters/', DOMAIN, ZOD],
    packages: ['@aws-sdk/', 'node:'],
  },
  // Pure verifiers of webhook signatures.
  {
    files: 'shared/webhooks/',
    mayImport: ['shared/webhooks/', ZOD],
    packages: ['node:crypto', 'twilio/lib/webhooks/'],
  },
  // The HTTP edge: the middy chain, its errors and responses.
  {
    files: 'shared/http/',
    mayImport: ['shared/http/', 'shared/webhooks/', DOMAIN, 'shared/observability.ts', ZOD],
    packages: ['@middy/', '@aws-lambda-powertools/logger', '@aws-lambda-powertools/metrics', 'aws-lambda'],
  },
  // The composition root: the one place that builds adapters.
  { files: 'shared/app/', mayImport: ['shared/'], packages: ['@aws-sdk/client-dynamodb'] },
  // Configuration, env names, observability, zod.
  {
    files: 'shared/',
    mayImport: [
      'shared/env.ts',
      'shared/zod.ts',
      'shared/domain/errors.ts',
      'shared/domain/phone.ts',
      'shared/domain/business-hours.ts',
      'shared/webhooks/',
    ],
    packages: ['@aws-lambda-powertools/', 'zod/'],
  },
  // Handlers: edge mappers over the composition root; no adapter, SDK or other function.
  {
    files: 'functions/',
    mayImport: ['shared/app/', DOMAIN, 'shared/speech/', 'shared/http/', 'shared/observability.ts', ZOD],
    packages: ['@middy/', '@aws-lambda-powertools/', 'aws-lambda', 'twilio/lib/twiml/'],
  },
  // The assistant as code (command line only): built from the tool catalog, never imported by a function.
  {
    files: 'assistant/',
    mayImport: [
      'assistant/',
      'functions/vapi-tools/tools/',
      'functions/vapi-tools/tool-answer.ts',
      'infra/routes.ts',
      'shared/env.ts',
      ZOD,
    ],
    packages: ['node:'],
  },
  // `npm run provision` (command line only): the vendors' APIs with fetch, AWS for the stack and its secret.
  {
    files: 'provision/',
    mayImport: [
      'provision/',
      'assistant/',
      'functions/vapi-tools/tools/',
      'infra/routes.ts',
      'infra/local/env-file.ts',
      'shared/env.ts',
    ],
    packages: ['node:', '@aws-sdk/client-cloudformation', '@aws-sdk/client-secrets-manager'],
  },
  // Operator commands (command line only): `npm run calls` reads the call log through the DynamoDB adapter,
  // from a deployed stack (found as provisioning finds it) or the local stack's data.
  {
    files: 'ops/',
    mayImport: [
      'ops/',
      DOMAIN,
      'shared/adapters/dynamodb/',
      'shared/observability.ts',
      'provision/target.ts',
      'provision/http.ts',
      'infra/local/defaults.ts',
      'infra/local/dev-data.ts',
      'infra/local/dynamodb-local.ts',
    ],
    packages: ['node:', '@aws-sdk/client-dynamodb'],
  },
  // The local stack runs the real handlers and may reach anything in the product.
  { files: 'infra/local/', mayImport: ['infra/', 'shared/', 'functions/'], packages: [''] },
  // The CDK app reads env names, the route table, the table schema and the auth-plan schema it validates.
  {
    files: 'infra/',
    mayImport: [
      'infra/',
      'shared/env.ts',
      'shared/adapters/dynamodb/table-schema.ts',
      'shared/webhooks/vapi-auth.ts',
      'shared/domain/business-hours.ts',
      ZOD,
    ],
    packages: [
      'aws-cdk-lib',
      'constructs',
      'cdk-nag',
      'esbuild',
      'libphonenumber-js',
      '@date-fns/tz',
      'node:',
    ],
  },
];

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter(
      (file) => /^(shared|functions|infra|assistant|provision|ops)\//.test(file) && !file.endsWith('.d.ts'),
    );
}

/** Every module specifier in `source`: `from '…'`, bare `import '…'` and `import('…')`, comments ignored. */
function specifiersIn(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const pattern =
    /\b(?:import|export)\b[^;'"`]*?\bfrom\s*'([^']+)'|\bimport\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;
  return [...code.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

function importsOf(file: string): string[] {
  return specifiersIn(readFileSync(join(ROOT, file), 'utf8'));
}

function violationsOf(file: string): string[] {
  const layer = LAYERS.find((candidate) => file.startsWith(candidate.files));
  if (!layer) return [];
  // A function's own folder (its schema, TwiML, tools) is part of it; another function's is not.
  const own = file.startsWith('functions/') ? `${dirname(file).split('/').slice(0, 2).join('/')}/` : null;
  return importsOf(file).flatMap((specifier) => {
    if (specifier.startsWith('.')) {
      const target = normalize(join(dirname(file), specifier));
      const allowed = [...layer.mayImport, ...(own ? [own] : [])];
      return allowed.some((prefix) => target.startsWith(prefix)) ? [] : [`${file} -> ${target}`];
    }
    return layer.packages.some((allowed) => specifier.startsWith(allowed)) ? [] : [`${file} -> ${specifier}`];
  });
}

describe('dependency rules', () => {
  const files = sourceFiles();

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(80);
    expect(files).toContain('shared/domain/ports.ts');
  });

  it('keeps every layer to the imports its rules allow', () => {
    expect(files.flatMap(violationsOf)).toEqual([]);
  });

  it('catches a domain module that imports an adapter or the AWS SDK', () => {
    const layer = LAYERS[0];
    const rule = (target: string) => layer?.mayImport.some((allowed) => target.startsWith(allowed));
    expect(rule('shared/adapters/dynamodb/store.ts')).toBe(false);
    expect(layer?.packages.some((allowed) => '@aws-sdk/client-dynamodb'.startsWith(allowed))).toBe(false);
  });

  it('sees static, type-only, dynamic and re-exported imports, and not those in comments', () => {
    const source = [
      "import type { A } from './a.ts';",
      "import './b.ts';",
      "const c = await import('./c.ts');",
      "export { d } from './d.ts';",
      "/** like `import x from './doc.ts'` */",
      "// import y from './comment.ts';",
      "const url = 'https://example.com'; // import z from './trailing.ts'",
      "const record = { from: from, to: 'x' };",
    ].join('\n');
    expect(specifiersIn(source)).toEqual(['./a.ts', './b.ts', './c.ts', './d.ts']);
  });
});
