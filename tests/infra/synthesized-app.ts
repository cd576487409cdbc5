import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
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
  readonly resources: Record<string, TemplateResource>;
  readonly validationReport: ValidationReport;
  /** The template's logical id of a construct's CloudFormation resource. */
  logicalIdOf(construct: IConstruct): string;
}

/**
 * Synthesizes the app bin/app.ts deploys (cdk-nag included, real esbuild bundling) into a temporary
 * cloud assembly. An unacknowledged cdk-nag error makes this throw, with the report in the message.
 */
export function synthesizeIrdr(): SynthesizedIrdr {
  const outdir = mkdtempSync(join(tmpdir(), 'irdr-infra-'));
  const { app, stack } = createIrdrApp({ outdir });
  const assembly = app.synth();
  const json = assembly.getStackByName(STACK_NAME).template as { Resources: Record<string, TemplateResource> };
  return {
    outdir,
    stack,
    template: Template.fromJSON(json),
    resources: json.Resources,
    validationReport: JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport,
    logicalIdOf: (construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement),
  };
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
