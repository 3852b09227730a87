/**
 * The one set of esbuild settings for function bundles. AppFunction (through NodejsFunction) and the bundle
 * report / init-time bench (through the esbuild API) both derive from BUNDLE, so what we measure is what ships.
 */
import path from 'node:path';
import { type BundlingOptions, LogLevel, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { type FunctionName, functionEntry } from './routes.ts';

/** Repository root: NodejsFunction's projectRoot and esbuild's working directory. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** File name of the bundle inside a function's asset (ESM, so Lambda loads it as a module). */
export const BUNDLE_FILE = 'index.mjs';

/**
 * Bundled CJS dependencies call `require`, which does not exist in an ES module; this gives them one.
 * Aliased names so it cannot clash with anything the bundle declares.
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);";

/** The settings as plain data. */
export const BUNDLE = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // Prefer ESM builds of dependencies: they tree-shake, CJS builds do not.
  mainFields: ['module', 'main'],
  minify: true,
  // Error classes spell out their names (shared/domain/errors.ts), so minified names cost nothing in logs;
  // keeping every name would add about 50 KB per bundle.
  keepNames: false,
  sourcemap: true,
  // Stack traces need the mappings only; the sources would double the asset for nothing.
  sourcesContent: false,
  banner: CREATE_REQUIRE_BANNER,
  // Nothing external: the AWS SDK versions pinned in package-lock.json ship, not the runtime's copy.
  external: [] as string[],
  // Lambda supplies credentials in environment variables; the SDK's full default chain cannot be used there.
  alias: {
    '@aws-sdk/credential-provider-node': path.join(PROJECT_ROOT, 'shared/adapters/lambda-credentials.ts'),
  },
  tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
} as const;

/** NodejsFunction bundling options: local esbuild only (no Docker), same settings as BUNDLE. */
export function lambdaBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: BUNDLE.target,
    mainFields: [...BUNDLE.mainFields],
    minify: BUNDLE.minify,
    keepNames: BUNDLE.keepNames,
    sourceMap: BUNDLE.sourcemap,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: BUNDLE.sourcesContent,
    banner: BUNDLE.banner,
    externalModules: BUNDLE.external,
    esbuildArgs: { '--alias': Object.entries(BUNDLE.alias).map(([name, target]) => `${name}=${target}`) },
    tsconfig: BUNDLE.tsconfig,
    logLevel: LogLevel.WARNING,
    forceDockerBundling: false,
  };
}

/** esbuild API options building one function into `outdir`, with a metafile for size analysis. */
export function esbuildOptions(name: FunctionName, outdir: string): BuildOptions & { metafile: true } {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [path.join(PROJECT_ROOT, functionEntry(name))],
    outfile: path.join(outdir, BUNDLE_FILE),
    bundle: true,
    format: BUNDLE.format,
    platform: BUNDLE.platform,
    target: BUNDLE.target,
    mainFields: [...BUNDLE.mainFields],
    minify: BUNDLE.minify,
    keepNames: BUNDLE.keepNames,
    sourcemap: BUNDLE.sourcemap,
    sourcesContent: BUNDLE.sourcesContent,
    banner: { js: BUNDLE.banner },
    external: BUNDLE.external,
    alias: BUNDLE.alias,
    tsconfig: BUNDLE.tsconfig,
    logLevel: 'warning',
    metafile: true,
  };
}
