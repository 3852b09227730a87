import path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { type IGrantable, type IPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type EnvName, SECRET_NAMES } from '../../shared/env.ts';
import { lambdaBundling, PROJECT_ROOT } from '../bundling.ts';
import { FUNCTIONS, type FunctionName, functionEntry } from '../routes.ts';
import type { StageConfig } from '../stages.ts';

/** Powertools service name of every function: the `service` dimension of every business metric. */
export const SERVICE_NAME = 'voice-booking';

export interface AppFunctionProps {
  readonly name: FunctionName;
  readonly stage: StageConfig;
  /** Plain, non-secret environment; undefined values are left out rather than set to ''. */
  readonly environment?: Readonly<Partial<Record<EnvName, string | undefined>>>;
}

/** One product function with the house defaults: Node 24 on arm64, ESM bundle, own role and log group. */
export class AppFunction extends Construct implements IGrantable {
  readonly name: FunctionName;
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly grantPrincipal: IPrincipal;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { name, stage } = props;
    const spec = FUNCTIONS[name];
    this.name = name;
    // Plain environment is readable by anyone with lambda:GetFunctionConfiguration; secrets go via APP_SECRET_ID.
    const leaked = Object.keys(props.environment ?? {}).filter((key) =>
      (SECRET_NAMES as readonly string[]).includes(key),
    );
    if (leaked.length > 0)
      throw new Error(`${name}: secret ${leaked.join(', ')} must not be in the environment`);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });

    // Own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to any log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `voice-booking ${name} (${stage.name})`,
    });
    this.grantPrincipal = this.role;
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      description: `voice-booking ${name} (${stage.name})`,
      entry: path.join(PROJECT_ROOT, functionEntry(name)),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      bundling: lambdaBundling(),
      environment: definedOnly({
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: stage.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: stage.metricsNamespace,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      }),
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level scoping.',
    });
  }
}

function definedOnly(environment: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
