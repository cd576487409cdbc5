import { Duration, Stack, Tags } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BundledValueName, FunctionName, FunctionSpec } from '../functions/registry.js';
import type { StateMachineBlueprint } from '../workflows/catalog.js';
import type { DrillPlan } from '../functions/domain/drill-plan-schema.js';
import { drillBundleFlags } from '../functions/domain/drill/resource-types.js';
import { irdrConfig } from '../functions/config.js';
import { publishedRunbooks } from '../workflows/published-runbooks.js';
import type { DrillValidatorNetwork } from '../functions/domain/drill/rds-plan.js';
import { attachToDrillVpc } from './drill-validator-network.js';
import { holidayTableValueOf } from './holiday-table-value.js';
import { BUNDLE_CONTENTS_CONTEXT } from './bundle-contents.js';
import { FunctionBundles } from './function-code.js';
import { esbuildOptionsOf } from './function-esbuild.js';
import { acknowledgeNist, whyInlinePolicy } from './nag.js';

/**
 * esbuild receives each `define` as one command-line argument, and Linux caps one argument at 128 KiB:
 * past this, bundle the value some other way (e.g. an asset) rather than let synth fail obscurely.
 */
const MAX_BUNDLED_VALUE_BYTES = 100 * 1024;

/**
 * Lets ESM bundles load the CommonJS dependencies that still call `require` for Node built-ins. The import is aliased:
 * esbuild cannot see banner text, and a bundled ESM module importing `createRequire` itself (fflate does) would collide.
 */
const ESM_REQUIRE_BANNER = "import { createRequire as __irdrCreateRequire } from 'node:module'; const require = __irdrCreateRequire(import.meta.url);";

/** What the bundles import in place of the SDK's default credential chain (relative to the project root, where esbuild runs). */
export const LAMBDA_CREDENTIALS_ENTRY = 'functions/aws/lambda-credentials.ts';
/** What the bundles import in place of date-holidays, which they never construct: they read the holiday table IRDR_HOLIDAY_TABLE holds. */
export const BUNDLED_HOLIDAYS_ENTRY = 'functions/aws/bundled-holidays.ts';

/** What the bundles import as pdfkit and its subpaths: its browser build, fonts registered by the caller (relative to the project root). */
export const BUNDLED_PDFKIT_ENTRY = 'functions/aws/bundled-pdfkit';

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
  // Lambda gives credentials in the environment: the SDK's default chain shrinks to that link (functions/aws/lambda-credentials.ts).
  // No date-holidays (nor moment-timezone, astronomia): the configured jurisdictions' holidays as a table (IRDR_HOLIDAY_TABLE below).
  // pdfkit's browser build (functions/aws/bundled-pdfkit/): its Node build loads fonts through a createRequire esbuild cannot
  // follow; fontkit (embedded fonts, never drawn) left out.
  esbuildArgs: { '--alias': [`@aws-sdk/credential-provider-node=./${LAMBDA_CREDENTIALS_ENTRY}`, `date-holidays=./${BUNDLED_HOLIDAYS_ENTRY}`, `pdfkit=./${BUNDLED_PDFKIT_ENTRY}`, `fontkit=./${BUNDLED_PDFKIT_ENTRY}/fontkit.ts`] },
};

/** Stack traces in the logs name source lines (the bundle ships its map); the bench loads bundles with it too. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/**
 * What becomes of an asynchronous invocation (an EventBridge rule's or a Scheduler schedule's) that still fails after
 * Lambda's own two retries: kept in the function's dead-letter queue, or dropped for the reason given.
 */
export type AsyncInvocationFailure = 'dead-letter-queue' | { readonly dropBecause: string };

export interface IrdrFunctionsProps {
  /** The functions to create, one Lambda function each (in the app: functions/registry.ts). */
  readonly specs: readonly FunctionSpec[];
  /** POWERTOOLS_SERVICE_NAME of every function. */
  readonly serviceName: string;
  /** The value of each BundledValueName, inlined into the bundles of the functions that declare it. */
  readonly bundledValues: Readonly<Record<BundledValueName, string>>;
  /** Encrypts every function's log group (LogEncryptionKey). */
  readonly logEncryptionKey: IKey;
  /** Reserved concurrency of each function that serves HTTP API routes (config `api.reservedConcurrencyPerFunction`; `none`: not any). */
  readonly apiReservedConcurrency: number | 'none';
  /**
   * The functions something invokes asynchronously (EventBridge rules, Scheduler), and what becomes of a failed event.
   * Every other function is invoked synchronously only (API Gateway, Step Functions), where failures return to the caller.
   */
  readonly asyncInvocations: ReadonlyMap<FunctionName, AsyncInvocationFailure>;
  /** Where functions with `network: drill-vpc` run (config drills.database.validator); without it they run outside any VPC. */
  readonly drillValidatorNetwork?: DrillValidatorNetwork;
  /**
   * How long each function's logs are kept.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
}

/** Why no irdr function runs in a VPC (NIST.800.53.R5-LambdaInsideVPC). */
const WHY_NO_VPC =
  'irdr functions call only AWS service APIs (DynamoDB, Step Functions, S3, SES, KMS, Secrets Manager, Lambda, AWS Backup) over ' +
  'TLS, each call SigV4-signed and scoped by the function\'s own role; none reaches a resource on a private network. A VPC ' +
  'would add no control IAM does not already give, and would need NAT gateways or six interface endpoints in each AZ ' +
  '(about USD 65-90 a month for two AZs) for a stack whose own running cost is cents a month.';
/** Why the validator runs outside a VPC when config names no drill subnets (NIST.800.53.R5-LambdaInsideVPC). */
const WHY_NO_VALIDATOR_NETWORK =
  'Config has no drills.database.validator: no drill plan may check a database over the wire (plan validation refuses ' +
  'one), so this validator is granted no database and no secret and reaches no private network; set the drill subnets ' +
  'and security group in config to attach it to the drill VPC.';
/** Why only the API functions reserve concurrency (NIST.800.53.R5-LambdaConcurrency). */
const WHY_NO_RESERVED_CONCURRENCY =
  'Invoked only by irdr itself (its state machines, its findings rule, its schedules), never by an API caller: its ' +
  'concurrency follows the number of running incidents and drills. Reserving some for each of these functions would take ' +
  'it from the account\'s pool (a deploy fails below 100 unreserved) to cap load that is already bounded; a throttle is ' +
  'alarmed (Function-<name>-Throttles) and retried (Step Functions retries Lambda.TooManyRequestsException, async invokes retry).';
/** Why an API function reserves no concurrency when config says `none` (NIST.800.53.R5-LambdaConcurrency). */
const WHY_NO_RESERVED_CONCURRENCY_BY_CONFIG =
  'Config api.reservedConcurrencyPerFunction is "none": the account\'s Lambda concurrency quota leaves no room to reserve ' +
  '(a deploy fails below 100 unreserved; new accounts can start at 10). The HTTP API stage throttle (api.throttle) still ' +
  'bounds how many requests reach the function at once, and Throttles is alarmed. Raise the quota and set a number to reserve.';
/** Why a synchronously invoked function has no dead-letter queue (NIST.800.53.R5-LambdaDLQ). */
const WHY_NO_DLQ_WHEN_SYNCHRONOUS =
  'Invoked synchronously only (the API Gateway integration, or Step Functions lambda:invoke, which waits for the result): ' +
  'Lambda sends only failed asynchronous invocations to a dead-letter queue, so this one would never receive a message. ' +
  'A failure returns to the caller: the state machine retries and catches it, the API caller gets a 5xx and may retry.';

/**
 * One Lambda function per registry entry, each with its own role and log group and nothing granted yet; an
 * asynchronously invoked function also gets a dead-letter queue.
 */
export class IrdrFunctions extends Construct {
  public readonly byName: ReadonlyMap<FunctionName, LambdaFunction>;
  /** Events of asynchronous invocations Lambda gave up on, kept 14 days: one queue per function `asyncInvocations` keeps them for. */
  public readonly deadLetterQueues: ReadonlyMap<FunctionName, Queue>;
  /** The reserved concurrency of each function that has one (the API functions). */
  public readonly reservedConcurrency: ReadonlyMap<FunctionName, number>;

  constructor(scope: Construct, id: string, props: IrdrFunctionsProps) {
    super(scope, id);
    const byName = new Map<FunctionName, LambdaFunction>();
    const deadLetterQueues = new Map<FunctionName, Queue>();
    const reservedConcurrency = new Map<FunctionName, number>();
    // `cdk synth -c irdr:bundle-contents=DIR` writes what each function's bundle holds (tests/infra/cli-synth.test.ts reads it).
    const contentsDir = this.node.tryGetContext(BUNDLE_CONTENTS_CONTEXT) as string | undefined;
    const bundles = new FunctionBundles(
      props.specs.map((spec) => ({ name: spec.name, entry: spec.entry, options: functionBuildOptions(spec, props.bundledValues) })),
      contentsDir,
    );
    for (const spec of props.specs) {
      const name = spec.name as FunctionName;
      const { fn, deadLetterQueue } = this.createFunction(spec, props, bundles);
      byName.set(name, fn);
      if (deadLetterQueue) deadLetterQueues.set(name, deadLetterQueue);
      if (servesApi(spec) && props.apiReservedConcurrency !== 'none') reservedConcurrency.set(name, props.apiReservedConcurrency);
    }
    for (const name of props.asyncInvocations.keys()) if (!byName.has(name)) throw new Error(`asyncInvocations names ${name}, which is not in the registry`);
    this.byName = byName;
    this.deadLetterQueues = deadLetterQueues;
    this.reservedConcurrency = reservedConcurrency;
  }

  /** The function a registry name stands for; an unknown name is a fault in the app, not a runtime case. */
  public get(name: FunctionName): LambdaFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`no function ${name} in this stack`);
    return fn;
  }

  private createFunction(spec: FunctionSpec, props: IrdrFunctionsProps, bundles: FunctionBundles): { fn: LambdaFunction; deadLetterQueue?: Queue } {
    const scope = new Construct(this, spec.name);
    const asyncFailure = props.asyncInvocations.get(spec.name as FunctionName);
    const deadLetterQueue = asyncFailure === 'dead-letter-queue' ? functionDeadLetterQueue(scope) : undefined;
    const logGroup = new LogGroup(scope, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      encryptionKey: props.logEncryptionKey,
    });
    // Its own role, so it holds only its log group and what its registry entry declares
    // (the default role would attach the AWSLambdaBasicExecutionRole managed policy, logs:* on every group).
    const role = new Role(scope, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the irdr ${spec.name} function`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    acknowledgeNist(role, 'IAMNoInlinePolicy', whyInlinePolicy(`the irdr ${spec.name} function`));

    const fn = new LambdaFunction(scope, 'Function', {
      // Bundled in this process with FUNCTION_BUNDLING's esbuild options (lib/function-code.ts), as NodejsFunction would through npx.
      code: bundles.code(spec.name),
      handler: 'index.handler',
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      // API functions answer whoever holds execute-api:Invoke (or a link): capped, and guaranteed their share.
      reservedConcurrentExecutions: servesApi(spec) && props.apiReservedConcurrency !== 'none' ? props.apiReservedConcurrency : undefined,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
      },
      deadLetterQueue,
    });
    if (spec.network === 'drill-vpc' && props.drillValidatorNetwork) attachToDrillVpc(fn, role, props.drillValidatorNetwork);
    else acknowledgeNist(fn, 'LambdaInsideVPC', spec.network === 'drill-vpc' ? WHY_NO_VALIDATOR_NETWORK : WHY_NO_VPC);
    // What an SCP or permission boundary keys on to deny invoking API functions other than through API Gateway.
    if (servesApi(spec)) Tags.of(fn).add(API_FUNCTION_TAG.key, API_FUNCTION_TAG.value);
    if (!servesApi(spec)) acknowledgeNist(fn, 'LambdaConcurrency', WHY_NO_RESERVED_CONCURRENCY);
    else if (props.apiReservedConcurrency === 'none') acknowledgeNist(fn, 'LambdaConcurrency', WHY_NO_RESERVED_CONCURRENCY_BY_CONFIG);
    if (asyncFailure === undefined) acknowledgeNist(fn, 'LambdaDLQ', WHY_NO_DLQ_WHEN_SYNCHRONOUS);
    else if (asyncFailure !== 'dead-letter-queue') acknowledgeNist(fn, 'LambdaDLQ', asyncFailure.dropBecause);
    return { fn, deadLetterQueue };
  }
}

/** Encrypted, TLS-only, 14 days: what Lambda sends there is the original event, for someone to look at and replay. */
function functionDeadLetterQueue(scope: Construct): Queue {
  return new Queue(scope, 'DeadLetterQueue', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
}

/**
 * The tag every API function carries (and no other function): the handler trusts the caller identity in its event, so
 * only API Gateway may invoke it; docs/caller-trust.md's SCP and permission boundary deny direct invocation by this tag.
 */
export const API_FUNCTION_TAG = { key: 'irdr:invoked-by', value: 'apigateway' } as const;

/** Whether a registry entry serves HTTP API routes. */
export const servesApi = (spec: FunctionSpec): boolean => (spec.routes?.length ?? 0) > 0;

/** The value of each BundledValueName: the published runbooks and the drill plans, as JSON. */
export function bundledValuesOf(blueprints: readonly StateMachineBlueprint[], drillPlans: readonly DrillPlan[]): Record<BundledValueName, string> {
  return { RUNBOOK_DEFINITIONS: JSON.stringify(publishedRunbooks(blueprints)), DRILL_PLANS: JSON.stringify(drillPlans) };
}

/** The config as functions/config.ts parsed it, as JSON text: the same value parsed again (tests/unit/lambda-bundle-trims.test.ts). */
export function bundledConfigText(): string {
  const text = JSON.stringify(irdrConfig);
  if (Buffer.byteLength(text) > MAX_BUNDLED_VALUE_BYTES) throw new Error(`the parsed config is ${Buffer.byteLength(text)} bytes, over the ${MAX_BUNDLED_VALUE_BYTES} esbuild can take`);
  return text;
}

/** The esbuild options a function is bundled with: FUNCTION_BUNDLING's, and its bundled values. */
function functionBuildOptions(spec: FunctionSpec, values: Readonly<Record<BundledValueName, string>>): ReturnType<typeof esbuildOptionsOf> {
  return esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: bundledDefines(spec, values) });
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
  // The bundled plans are loadDrillPlans' output (validated, defaults filled): functions/aws/drill/plans.ts need not parse them again.
  // A bare identifier, as the config's below: what skips the parse can come from the build only, never from the environment.
  if (spec.bundled?.includes('DRILL_PLANS')) defines.IRDR_DRILL_PLANS_VALIDATED_AT_SYNTH = 'true';
  // The config as parsed here (validated, defaults filled): functions/config.ts takes it as it is, without its schemas.
  defines.IRDR_BUNDLED_CONFIG = JSON.stringify(bundledConfigText());
  // Read only by the functions that count business days; esbuild leaves it out of every other bundle.
  const holidayTable = JSON.stringify(holidayTableValueOf(irdrConfig.businessCalendars));
  if (Buffer.byteLength(holidayTable) > MAX_BUNDLED_VALUE_BYTES) throw new Error(`${spec.name}: the holiday table of the configured calendars is ${Buffer.byteLength(holidayTable)} bytes, over the ${MAX_BUNDLED_VALUE_BYTES} esbuild can take`);
  defines['process.env.IRDR_HOLIDAY_TABLE'] = holidayTable;
  // The plans' resource types decide which per-type drill code (and SDKs) the bundle carries.
  if (spec.bundled?.includes('DRILL_PLANS') || spec.drillFlags) Object.assign(defines, drillBundleFlags((JSON.parse(values.DRILL_PLANS) as DrillPlan[]).map((plan) => plan.source)));
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
