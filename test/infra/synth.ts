/**
 * Synthesizes the real app (infra/app.ts defineApp) for infra tests, offline. Bundling and cdk-nag are off
 * unless a test asks for them: bundling is the slow part, and only one file needs each.
 */
import { readFileSync } from 'node:fs';
import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { defineApp } from '../../infra/app.ts';
import type { BookingStack } from '../../infra/booking-stack.ts';
import type { FunctionName } from '../../infra/routes.ts';

/** The feature flags and defaults of cdk.json, so tests synthesize what `cdk synth` does. */
const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

export interface Synth {
  readonly app: App;
  readonly stack: BookingStack;
  readonly template: Template;
}

export interface SynthOptions {
  /** Extra CDK context, e.g. `{ stage: 'prod', businessTimezone: 'Europe/Berlin' }`. */
  readonly context?: Record<string, unknown>;
  /** Run esbuild for every function (default false: assets are left unbundled). */
  readonly bundle?: boolean;
  /** Register cdk-nag AwsSolutionsChecks as app.ts does (default false). */
  readonly nag?: boolean;
  /** Cloud assembly directory (default: a temporary one). */
  readonly outdir?: string;
}

export function synthApp(options: SynthOptions = {}): Synth {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    context: {
      ...CDK_JSON_CONTEXT,
      nag: options.nag ? 'true' : 'false',
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const stack = defineApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}

/** Logical id of the Lambda function resource of `name`. */
export function functionId({ stack }: Synth, name: FunctionName): string {
  return stack.getLogicalId(stack.functions[name].function.node.defaultChild as CfnResource);
}

/** Logical id of any L2 construct's CloudFormation resource. */
export function logicalId({ stack }: Synth, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** Function environment variables of `name` (values may be CloudFormation intrinsics). */
export function functionEnvironment(synth: Synth, name: FunctionName): Record<string, unknown> {
  const fn = synth.template.toJSON().Resources[functionId(synth, name)] as Resource;
  const environment = fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}
