/**
 * Bundle report (`npm run bundle:report`): builds every function with the same esbuild settings as the
 * deployed assets (infra/bundling.ts), writes bundles and metafiles, prints sizes against FUNCTIONS budgets
 * and the biggest inputs, and exits non-zero when a bundle is over budget or pulls in a forbidden package.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE_FILE, esbuildOptions, PROJECT_ROOT } from './bundling.ts';
import { FUNCTIONS, type FunctionName } from './routes.ts';

/** Where bundles and metafiles go unless told otherwise (gitignored; the init-time bench reads them too). */
export const DEFAULT_BUNDLE_DIR = path.join(PROJECT_ROOT, 'bench', 'out', 'bundles');

/**
 * Inputs that must never reach a bundle: the full Twilio client (we use only its webhook helpers or plain
 * fetch), the Vapi server SDK (we call two endpoints with fetch), axios (fetch is built in), and the
 * command-line side: the assistant definition and its tool schemas (assistant/), provisioning and the
 * CloudFormation client it reads stacks with, and the JSON Schema and property-testing libraries.
 */
export const FORBIDDEN_INPUTS: readonly { label: string; pattern: RegExp }[] = [
  { label: 'twilio REST client', pattern: /(^|\/)node_modules\/twilio\/lib\/(rest\/|index\.js$)/ },
  { label: '@vapi-ai/server-sdk', pattern: /(^|\/)node_modules\/@vapi-ai\/server-sdk\// },
  { label: 'axios', pattern: /(^|\/)node_modules\/axios\// },
  { label: 'assistant definition (command line only)', pattern: /(^|\/)assistant\// },
  { label: 'provisioning (command line only)', pattern: /(^|\/)provision\// },
  {
    label: '@aws-sdk/client-cloudformation',
    pattern: /(^|\/)node_modules\/@aws-sdk\/client-cloudformation\//,
  },
  { label: 'ajv', pattern: /(^|\/)node_modules\/ajv\// },
  { label: 'fast-check', pattern: /(^|\/)node_modules\/fast-check\// },
];

export interface BundleInput {
  readonly path: string;
  readonly bytes: number;
}

export interface BundleResult {
  readonly name: FunctionName;
  /** The built ESM bundle. */
  readonly file: string;
  readonly metafile: string;
  /** Size of the minified bundle: what the budget is checked against. */
  readonly bytes: number;
  /** Gzipped size, for reference (roughly what the deployment zip costs). */
  readonly gzipBytes: number;
  readonly budgetBytes: number;
  /** Largest input files in the bundle (bytes after minification), biggest first. */
  readonly topInputs: readonly BundleInput[];
  /** Inputs summed per package (or per source folder): where the size really comes from. */
  readonly topPackages: readonly BundleInput[];
  /** One entry per FORBIDDEN_INPUTS rule the bundle breaks: label, how many inputs, an example path. */
  readonly forbidden: readonly string[];
}

export interface BundleReport {
  readonly results: readonly BundleResult[];
  /** Every budget or forbidden-package violation; empty when the report passes. */
  readonly problems: readonly string[];
}

/**
 * Builds one function into `<outDir>/<name>/` and measures it. `source` replaces the handler's code (same
 * settings, resolved from the repository root); tests use it to prove the forbidden-package check bites.
 */
export async function buildBundle(
  name: FunctionName,
  outDir: string,
  options: { source?: string } = {},
): Promise<BundleResult> {
  const dir = path.join(outDir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { entryPoints, ...settings } = esbuildOptions(name, dir);
  const { metafile } = await build(
    options.source === undefined
      ? { entryPoints, ...settings }
      : {
          ...settings,
          stdin: {
            contents: options.source,
            resolveDir: PROJECT_ROOT,
            sourcefile: 'source.ts',
            loader: 'ts',
          },
        },
  );
  const metafilePath = path.join(dir, 'meta.json');
  await writeFile(metafilePath, JSON.stringify(metafile));

  const file = path.join(dir, BUNDLE_FILE);
  const code = await readFile(file);
  const outputKey = path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
  const output = metafile.outputs[outputKey];
  if (!output) throw new Error(`esbuild metafile has no output ${outputKey}`);
  const inputs = Object.entries(output.inputs).map(([input, { bytesInOutput }]) => ({
    path: input,
    bytes: bytesInOutput,
  }));
  const forbidden = FORBIDDEN_INPUTS.flatMap(({ label, pattern }) => {
    const hits = Object.keys(metafile.inputs).filter((input) => pattern.test(input));
    return hits.length > 0 ? [`${label} (${hits.length} inputs, e.g. ${hits[0]})`] : [];
  });
  return {
    name,
    file,
    metafile: metafilePath,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    budgetBytes: FUNCTIONS[name].budgetKb * 1024,
    topInputs: biggest(inputs),
    topPackages: biggest(
      [...Map.groupBy(inputs, (input) => packageOf(input.path))].map(([name, group]) => ({
        path: name,
        bytes: group.reduce((sum, input) => sum + input.bytes, 0),
      })),
    ),
    forbidden,
  };
}

/** Lists budget overruns and forbidden inputs. */
export function bundleProblems(results: readonly BundleResult[]): string[] {
  return results.flatMap((result) => [
    ...(result.bytes > result.budgetBytes
      ? [`${result.name}: ${kb(result.bytes)} KB is over its ${kb(result.budgetBytes)} KB budget`]
      : []),
    ...result.forbidden.map((hit) => `${result.name}: forbidden input ${hit}`),
  ]);
}

/** Builds every function (or the given ones) and checks budgets and forbidden packages. */
export async function bundleReport(
  options: { outDir?: string; functions?: readonly FunctionName[] } = {},
): Promise<BundleReport> {
  const outDir = options.outDir ?? DEFAULT_BUNDLE_DIR;
  const names = options.functions ?? (Object.keys(FUNCTIONS) as FunctionName[]);
  const results = await Promise.all(names.map((name) => buildBundle(name, outDir)));
  const report = { results, problems: bundleProblems(results) };
  await writeFile(path.join(outDir, 'report.json'), JSON.stringify(report, null, 2));
  return report;
}

/** Markdown table of a report, with the problems (if any) below it. */
export function formatBundleReport(report: BundleReport): string {
  const rows = report.results.map((result) => {
    const status = result.bytes > result.budgetBytes || result.forbidden.length > 0 ? 'FAIL' : 'ok';
    const top = result.topPackages.map((input) => `${input.path} ${kb(input.bytes)}`).join(', ');
    return `| ${result.name} | ${kb(result.bytes)} | ${kb(result.gzipBytes)} | ${kb(result.budgetBytes)} | ${status} | ${top} |`;
  });
  const lines = [
    '| function | bundle KB | gzip KB | budget KB | status | top 5 inputs by package (KB in bundle) |',
    '|---|---:|---:|---:|---|---|',
    ...rows,
  ];
  if (report.problems.length > 0) lines.push('', 'Problems:', ...report.problems.map((p) => `- ${p}`));
  return lines.join('\n');
}

/** "node_modules/@aws-sdk/core/dist-es/x.js" -> "@aws-sdk/core"; "shared/http/a.ts" -> "shared/http". */
function packageOf(input: string): string {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? input.split('/').slice(0, 2).join('/');
}

function biggest(inputs: readonly BundleInput[]): BundleInput[] {
  return [...inputs].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

async function main(): Promise<void> {
  const outFlag = process.argv.indexOf('--out');
  const outDir =
    outFlag > 0 ? path.resolve(process.argv[outFlag + 1] ?? DEFAULT_BUNDLE_DIR) : DEFAULT_BUNDLE_DIR;
  const report = await bundleReport({ outDir });
  console.log(formatBundleReport(report));
  console.log(`\nbundles and metafiles: ${path.relative(process.cwd(), outDir) || '.'}`);
  if (report.problems.length > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
