import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RunbookCatalog } from '../functions/domain/incident.js';
import { functionArnPlaceholder, type FunctionName } from '../functions/registry.js';
import type { AslDefinition } from '../workflows/asl-fragments.js';
import { catalogEntryOf, type StateMachineBlueprint } from '../workflows/catalog.js';
import type { IrdrFunctions } from './functions.js';
import { acknowledgeNist, whyInlinePolicy } from './nag.js';

/** Every irdr state machine is named `<stack>-<logicalId>`: fixed names, and one prefix the ended-runs rule matches. */
export const stateMachineName = (stack: Stack, logicalId: string): string => `${stack.stackName}-${logicalId}`;

/** The ARN prefix every irdr state machine of the stack shares. */
export const stateMachineArnPrefix = (stack: Stack): string =>
  stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName(stack, ''), arnFormat: ArnFormat.COLON_RESOURCE_NAME });

/** What any blueprint (runbook or drill) carries that deploying it needs: the ASL and the placeholders it uses. */
export interface DeployableBlueprint {
  readonly logicalId: string;
  readonly definition: AslDefinition;
  /** The `${<Name>FunctionArn}` placeholders the definition uses; each is filled with its function's ARN. */
  readonly placeholders: readonly string[];
}

export interface BlueprintStateMachineProps {
  readonly blueprint: DeployableBlueprint;
  /** The functions whose `${<Name>FunctionArn}` placeholders the definition uses. */
  readonly functions: IrdrFunctions;
  /** Encrypts the execution log group (LogEncryptionKey). */
  readonly logEncryptionKey: IKey;
  /**
   * How long execution logs are kept.
   * @default RetentionDays.ONE_YEAR (execution history outlives Step Functions' own 90 days)
   */
  readonly logRetention?: RetentionDays;
  /**
   * A fixed name, so others can name this state machine's ARN without referencing it (see `arnByName`).
   * @default a name CloudFormation generates
   */
  readonly stateMachineName?: string;
}

/** The placeholder → function lookup, the inverse of functionArnPlaceholder, over the deployed functions. */
function functionForPlaceholder(functions: IrdrFunctions, placeholder: string): FunctionName {
  for (const name of functions.byName.keys()) if (functionArnPlaceholder(name) === placeholder) return name;
  throw new Error(`placeholder \${${placeholder}} names no function in functions/registry.ts`);
}

/**
 * One Standard state machine deploying a compiled blueprint byte for byte: CloudFormation fills its
 * `${Placeholders}` (DefinitionSubstitutions), as local/ does with local ARNs. It logs every event without
 * execution data, traces with X-Ray, and may invoke exactly the functions its definition names.
 */
export class BlueprintStateMachine extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly logGroup: LogGroup;
  /** The functions the definition invokes (what its role may invoke, and nothing else). */
  public readonly invokedFunctions: readonly FunctionName[];
  /**
   * The ARN built from the fixed name, with no reference to the resource: what a function the definition itself
   * (transitively) invokes must use, or CloudFormation would see a dependency cycle. Undefined without a fixed name.
   */
  public readonly arnByName?: string;

  constructor(scope: Construct, id: string, props: BlueprintStateMachineProps) {
    super(scope, id);
    const substitutions: Record<string, string> = {};
    const invoked = new Set<FunctionName>();
    for (const placeholder of props.blueprint.placeholders) {
      const name = functionForPlaceholder(props.functions, placeholder);
      substitutions[placeholder] = props.functions.get(name).functionArn;
      invoked.add(name);
    }

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_YEAR, encryptionKey: props.logEncryptionKey });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(props.blueprint.definition)),
      definitionSubstitutions: substitutions,
      // Every event, without inputs and outputs: incident and drill details belong in the encrypted table,
      // not copied into logs.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      ...(props.stateMachineName !== undefined && { stateMachineName: props.stateMachineName }),
    });
    if (props.stateMachineName !== undefined) {
      this.arnByName = Stack.of(this).formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: props.stateMachineName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    }
    // The ASL names each function by its unqualified ARN: grant exactly that, not `<arn>:*` as grantInvoke would.
    for (const name of invoked) {
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.functions.get(name).functionArn] }),
      );
    }
    acknowledgeServiceWildcards(this.stateMachine);
    acknowledgeNist(this.stateMachine.role, 'IAMNoInlinePolicy', whyInlinePolicy(`the ${props.blueprint.logicalId} state machine`));
    this.invokedFunctions = [...invoked];
  }
}

export interface RunbookStateMachinesProps {
  /** Every runbook state machine to deploy (in the app: workflows/catalog.ts). */
  readonly blueprints: readonly StateMachineBlueprint[];
  /** The functions whose `${<Name>FunctionArn}` placeholders the definitions use. */
  readonly functions: IrdrFunctions;
  /** Encrypts the execution log groups (LogEncryptionKey). */
  readonly logEncryptionKey: IKey;
  /**
   * How long execution logs are kept.
   * @default RetentionDays.ONE_YEAR (execution history outlives Step Functions' own 90 days)
   */
  readonly logRetention?: RetentionDays;
}

/** One BlueprintStateMachine per runbook, and the catalog the API starts them from. */
export class RunbookStateMachines extends Construct {
  /** By blueprint logicalId. */
  public readonly byLogicalId: ReadonlyMap<string, StateMachine>;
  /** The RUNBOOK_CATALOG the API reads to start a runbook (tokens inside: render with Stack.toJsonString). */
  public readonly catalog: RunbookCatalog;
  /** Each runbook's ARN built from its fixed name: what functions the runbooks invoke must grant on (no cycle). */
  public readonly arnsByName: readonly string[];

  constructor(scope: Construct, id: string, props: RunbookStateMachinesProps) {
    super(scope, id);
    const byLogicalId = new Map<string, StateMachine>();
    const catalog: RunbookCatalog = {};
    const arnsByName: string[] = [];

    for (const blueprint of props.blueprints) {
      const { stateMachine, arnByName } = new BlueprintStateMachine(this, blueprint.logicalId, {
        blueprint,
        functions: props.functions,
        logEncryptionKey: props.logEncryptionKey,
        logRetention: props.logRetention,
        // Named: the human-task functions a runbook invokes answer its task tokens, so they name its ARN without a reference.
        stateMachineName: stateMachineName(Stack.of(this), blueprint.logicalId),
      });
      byLogicalId.set(blueprint.logicalId, stateMachine);
      arnsByName.push(arnByName!);
      catalog[blueprint.runbookId] = catalogEntryOf(blueprint, stateMachine.stateMachineArn);
    }
    this.byLogicalId = byLogicalId;
    this.catalog = catalog;
    this.arnsByName = arnsByName;
  }
}

/** The two wildcards Step Functions itself requires of a state machine's role; nothing else is acknowledged. */
function acknowledgeServiceWildcards(stateMachine: StateMachine): void {
  Validations.of(stateMachine.role).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ' +
        'ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray ' +
        '(xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) support no resource-level ' +
        'permissions: AWS documents Resource "*" for both.',
    },
  );
}
