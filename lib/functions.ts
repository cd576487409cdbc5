import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BundledValueName, FunctionName, FunctionSpec } from '../functions/registry.js';
import type { StateMachineBlueprint } from '../workflows/catalog.js';
import type { DrillPlan } from '../workflows/drill-plan-schema.js';
import { publishedRunbooks } from '../workflows/published-runbooks.js';
import { PROJECT_ROOT } from './project-root.js';

/**
 * esbuild receives each `define` as one command-line argument, and Linux caps one argument at 128 KiB:
 * past this, bundle the value some other way (e.g. an asset) rather than let synth fail obscurely.
 */
const MAX_BUNDLED_VALUE_BYTES = 100 * 1024;

/** Lets ESM bundles load the CommonJS dependencies that still call `require` for Node built-ins. */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** How esbuild bundles every function, less its `define`s (see bundledDefines); bench/bundle-size.ts builds with these too. */
export const FUNCTION_BUNDLING: Readonly<BundlingOptions> = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  // The SDK versions in package-lock.json are the ones the tests ran: ship them, tree-shaken,
  // rather than whatever version the Lambda runtime happens to carry.
  bundleAwsSDK: true,
};

/** Stack traces in the logs name source lines (the bundle ships its map); the bench loads bundles with it too. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

export interface IrdrFunctionsProps {
  /** The functions to create, one NodejsFunction each (in the app: functions/registry.ts). */
  readonly specs: readonly FunctionSpec[];
  /** POWERTOOLS_SERVICE_NAME of every function. */
  readonly serviceName: string;
  /** The value of each BundledValueName, inlined into the bundles of the functions that declare it. */
  readonly bundledValues: Readonly<Record<BundledValueName, string>>;
  /**
   * How long each function's logs are kept.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
}

/** One Lambda function per registry entry, each with its own role and log group and nothing granted yet. */
export class IrdrFunctions extends Construct {
  public readonly byName: ReadonlyMap<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: IrdrFunctionsProps) {
    super(scope, id);
    const byName = new Map<FunctionName, NodejsFunction>();
    for (const spec of props.specs) byName.set(spec.name as FunctionName, this.createFunction(spec, props));
    this.byName = byName;
  }

  /** The function a registry name stands for; an unknown name is a fault in the app, not a runtime case. */
  public get(name: FunctionName): NodejsFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`no function ${name} in this stack`);
    return fn;
  }

  private createFunction(spec: FunctionSpec, props: IrdrFunctionsProps): NodejsFunction {
    const scope = new Construct(this, spec.name);
    const logGroup = new LogGroup(scope, 'Logs', { retention: props.logRetention ?? RetentionDays.THREE_MONTHS });
    // Its own role, so it holds only its log group and what its registry entry declares
    // (the default role would attach the AWSLambdaBasicExecutionRole managed policy, logs:* on every group).
    const role = new Role(scope, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the irdr ${spec.name} function`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );

    return new NodejsFunction(scope, 'Function', {
      entry: join(PROJECT_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
      },
      bundling: { ...FUNCTION_BUNDLING, define: bundledDefines(spec, props.bundledValues) },
    });
  }
}

/** The value of each BundledValueName: the published runbooks and the drill plans, as JSON. */
export function bundledValuesOf(blueprints: readonly StateMachineBlueprint[], drillPlans: readonly DrillPlan[]): Record<BundledValueName, string> {
  return { RUNBOOK_DEFINITIONS: JSON.stringify(publishedRunbooks(blueprints)), DRILL_PLANS: JSON.stringify(drillPlans) };
}

/** esbuild `define`s that replace `process.env.<NAME>` with each bundled value the spec declares. */
export function bundledDefines(spec: FunctionSpec, values: Readonly<Record<BundledValueName, string>>): Record<string, string> {
  const defines: Record<string, string> = {};
  for (const name of spec.bundled ?? []) {
    const literal = JSON.stringify(values[name]);
    if (Buffer.byteLength(literal) > MAX_BUNDLED_VALUE_BYTES) {
      throw new Error(`${spec.name}: bundled value ${name} is ${Buffer.byteLength(literal)} bytes, over the ${MAX_BUNDLED_VALUE_BYTES} esbuild can take`);
    }
    defines[`process.env.${name}`] = literal;
  }
  return defines;
}

/** ARNs of the SES identities a sender address can be verified as: the address itself and its domain. */
export function sesSenderIdentityArns(scope: Construct, fromAddress: string): string[] {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);
  const stack = Stack.of(scope);
  return [fromAddress, domain].map((identity) =>
    stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
  );
}
