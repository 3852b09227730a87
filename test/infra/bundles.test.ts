import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleReport, buildBundle, bundleProblems, bundleReport } from '../../infra/bundle-report.ts';
import { FUNCTIONS, type FunctionName } from '../../infra/routes.ts';
import { functionId, type Synth, synthApp } from './synth.ts';

const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

let workDir: string;
let synth: Synth;
let report: BundleReport;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'voice-booking-bundles-'));
  // The one synth in the suite that really runs esbuild, as `cdk synth` does.
  synth = synthApp({ bundle: true, outdir: path.join(workDir, 'cdk.out') });
  report = await bundleReport({ outDir: path.join(workDir, 'report') });
}, 120_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** The staged asset directory of a function's code in the cloud assembly. */
function assetDir(name: FunctionName): string {
  const fn = synth.template.toJSON().Resources[functionId(synth, name)] as {
    Properties: { Code: { S3Key: string } };
  };
  return path.join(workDir, 'cdk.out', `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
}

describe('function assets', () => {
  it.each(NAMES)('bundles %s into an ESM index.mjs with its source map', (name) => {
    expect(existsSync(path.join(assetDir(name), 'index.mjs'))).toBe(true);
    expect(existsSync(path.join(assetDir(name), 'index.mjs.map'))).toBe(true);
  });

  it.each(NAMES)('keeps the deployed %s bundle within its budget', (name) => {
    expect(statSync(path.join(assetDir(name), 'index.mjs')).size).toBeLessThanOrEqual(
      FUNCTIONS[name].budgetKb * 1024,
    );
  });
});

describe('bundle report', () => {
  it('passes: every function within budget and free of forbidden packages', () => {
    expect(report.results.map((result) => result.name).sort()).toEqual([...NAMES].sort());
    expect(report.problems).toEqual([]);
  });

  it.each(NAMES)('builds %s byte for byte like the deployed asset (shared esbuild settings)', (name) => {
    const result = report.results.find((candidate) => candidate.name === name);
    expect(result).toBeDefined();
    expect(readFileSync(result?.file ?? '', 'utf8')).toBe(
      readFileSync(path.join(assetDir(name), 'index.mjs'), 'utf8'),
    );
  });

  it('flags a bundle that pulls in axios or the full Twilio client', async () => {
    const outDir = path.join(workDir, 'forbidden');
    const axios = await buildBundle('health', outDir, {
      source: "import axios from 'axios'; export const handler = () => axios.get('https://example.com');",
    });
    const twilio = await buildBundle('twilio-voice', outDir, {
      source: "import twilio from 'twilio'; export const handler = () => twilio('AC0', 'token');",
    });
    expect(bundleProblems([axios])).toEqual([expect.stringMatching(/^health: forbidden input axios/)]);
    expect(bundleProblems([twilio])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/over its 500\.0 KB budget/),
        expect.stringMatching(/forbidden input twilio REST client/),
      ]),
    );
  });
});
