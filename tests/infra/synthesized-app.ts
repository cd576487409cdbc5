import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestedStack, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { IrdrConfig } from '../../functions/domain/config-schema.js';
import { createIrdrApp, STACK_NAME } from '../../lib/irdr-app.js';
import type { IrdrStack } from '../../lib/irdr-stack.js';

/** A CloudFormation resource as it appears in the synthesized template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface ValidationViolation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
  readonly acknowledgedId?: string;
  readonly reason?: string;
}

export interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly ValidationViolation[];
    readonly suppressedViolations?: readonly ValidationViolation[];
  }>;
}

export interface SynthesizedIrdr {
  /** The temporary cloud assembly directory; remove it when done. */
  readonly outdir: string;
  readonly stack: IrdrStack;
  readonly template: Template;
  /** The main stack's resources (what counts against its 500). */
  readonly resources: Record<string, TemplateResource>;
  /**
   * The main stack's and every nested stack's resources, the nested ones with their parameters replaced by what the
   * main stack passes (so a nested alarm's dimension reads `{ Ref: <function> }` as if it were in the main template).
   */
  readonly allResources: Record<string, TemplateResource>;
  /** A nested stack's own template resources, as synthesized (its parameters unresolved); read at synth, as the outdir may go. */
  nestedResourcesOf(nestedStack: NestedStack): Record<string, TemplateResource>;
  readonly validationReport: ValidationReport;
  /** The logical id of a construct's CloudFormation resource in its own (main or nested) stack's template. */
  logicalIdOf(construct: IConstruct): string;
}

/** The default synth, made once per worker: the infra files share one worker without isolation (vitest.config.ts). */
let defaultSynth: SynthesizedIrdr | undefined;

/**
 * Synthesizes the app bin/app.ts deploys (cdk-nag included, real esbuild bundling) into a temporary
 * cloud assembly. An unacknowledged cdk-nag error makes this throw, with the report in the message.
 * `bundle: false` skips esbuild (CDK's bundling-stacks context), for tests that read the template, not the bundles;
 * `config` synthesizes with other settings than config/irdr.config.json. The plain `{ bundle: false }` synth, the slow
 * part of every infra file, is made once per worker and shared: no test changes it.
 */
export function synthesizeIrdr(options: { bundle?: boolean; config?: IrdrConfig } = {}): SynthesizedIrdr {
  const shareable = options.bundle === false && options.config === undefined;
  if (shareable && defaultSynth) return defaultSynth;
  const synthesized = synthesizeOnce(options);
  if (shareable) defaultSynth = synthesized;
  return synthesized;
}

function synthesizeOnce(options: { bundle?: boolean; config?: IrdrConfig }): SynthesizedIrdr {
  const outdir = mkdtempSync(join(tmpdir(), 'irdr-infra-'));
  const { app, stack } = createIrdrApp({
    outdir,
    ...(options.bundle === false && { context: { 'aws:cdk:bundling-stacks': [] } }),
    ...(options.config !== undefined && { config: options.config }),
  });
  const assembly = app.synth();
  const json = assembly.getStackByName(STACK_NAME).template as { Resources: Record<string, TemplateResource> };
  const nested = stack.node.findAll().filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct));
  const nestedTemplates = new Map(
    nested.map((nestedStack) => [nestedStack, (JSON.parse(readFileSync(join(assembly.directory, nestedStack.templateFile), 'utf8')) as { Resources: Record<string, TemplateResource> }).Resources]),
  );
  const nestedResources = nested.map((nestedStack) => {
    const parameters = (json.Resources[stack.getLogicalId(nestedStack.nestedStackResource as CfnElement)]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    return resolveParameters(nestedTemplates.get(nestedStack)!, parameters);
  });
  return {
    outdir,
    stack,
    template: Template.fromJSON(json),
    resources: json.Resources,
    allResources: Object.assign({}, json.Resources, ...nestedResources) as Record<string, TemplateResource>,
    nestedResourcesOf: (nestedStack) => {
      const resources = nestedTemplates.get(nestedStack);
      if (!resources) throw new Error(`${nestedStack.node.path} is not a nested stack of this synth`);
      return resources;
    },
    validationReport: JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport,
    logicalIdOf: (construct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement),
  };
}

/** A nested template's resources with each `{ Ref: <parameter> }` replaced by the value the parent passes. */
function resolveParameters(resources: Record<string, TemplateResource>, parameters: Record<string, unknown>): Record<string, TemplateResource> {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length === 1 && typeof record.Ref === 'string' && record.Ref in parameters) return parameters[record.Ref];
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve(resources) as Record<string, TemplateResource>;
}

/** One statement of an IAM policy document, as synthesized. */
export interface SynthesizedPolicyStatement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of every IAM policy attached to a role: AWS::IAM::Policy resources naming it, and the role's own Policies. */
export function statementsOfRole(resources: Record<string, TemplateResource>, roleLogicalId: string): SynthesizedPolicyStatement[] {
  const roleRef = JSON.stringify({ Ref: roleLogicalId });
  const attached = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => ((policy.Properties?.Roles ?? []) as unknown[]).some((role) => JSON.stringify(role) === roleRef))
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: SynthesizedPolicyStatement[] }).Statement);
  const inline = ((resources[roleLogicalId]?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: SynthesizedPolicyStatement[] } }[])
    .flatMap((policy) => policy.PolicyDocument.Statement);
  return [...attached, ...inline];
}

/**
 * A CloudFormation value as readable text: `Fn::Join` joined, `{ Ref: X }` as `${X}`, `Fn::GetAtt [X, Y]` as `${X.Y}`
 * (what an ARN built with Stack.formatArn or a resource attribute looks like before deployment).
 */
export function renderCfn(value: unknown): string {
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  if ('Ref' in record) return `\${${String(record.Ref)}}`;
  if ('Fn::GetAtt' in record) return `\${${(record['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in record) {
    const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map(renderCfn).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** The resource part of a DynamoDB ARN (`table/<name>...`), whatever account, region and partition it names; else undefined. */
export function dynamodbResourceOf(arn: string): string | undefined {
  // Each ARN field is literal text or a rendered token such as `${AWS::Region}` (which holds colons itself).
  const field = String.raw`(?:\$\{[^}]*\}|[^:$]*)`;
  return new RegExp(String.raw`^arn:${field}:dynamodb:${field}:${field}:(table\/[^:]+)$`).exec(arn)?.[1];
}
