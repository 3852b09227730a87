import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synth, synthApp } from './synth.ts';

let synth: Synth;

beforeAll(() => {
  // As app.ts runs it: the AwsSolutions pack registered on the app.
  synth = synthApp({ nag: true });
});

/** Every acknowledged rule in the app: construct path, rule id (namespace stripped), reason. */
function acknowledgements(): { path: string; id: string; reason: string }[] {
  return synth.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^[A-Za-z]+::/, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged violation in the stack', () => {
    const report = new AwsSolutionsChecks(synth.app).validateScope(synth.app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('lets the app synthesize with the pack registered (a violation would fail synthesis)', () => {
    expect(() => synth.app.synth({ force: true })).not.toThrow();
  });

  it('acknowledges only the three reviewed rules, each with a written reason', () => {
    const found = acknowledgements();
    expect([...new Set(found.map((entry) => entry.id))].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-SMG4',
    ]);
    for (const entry of found) expect(entry.reason.length, `${entry.path} ${entry.id}`).toBeGreaterThan(60);
  });

  it('acknowledges wildcard resources on function roles only (the X-Ray statement)', () => {
    const paths = acknowledgements()
      .filter((entry) => entry.id.startsWith('AwsSolutions-IAM5'))
      .map((entry) => entry.path);
    expect(paths).toHaveLength(6);
    for (const path of paths) expect(path).toMatch(/\/Role$/);
  });
});
