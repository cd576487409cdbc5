import { App, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { Validations } from 'aws-cdk-lib';
import { irdrConfig } from '../functions/config.js';
import { requireKnownHolidayJurisdictions } from '../functions/domain/business-days.js';
import type { IrdrConfig } from '../functions/domain/config-schema.js';
import { rolePrincipalsFromConfig } from '../functions/domain/roles.js';
import { functionRegistry } from '../functions/registry.js';
import { drillStateMachineBlueprint, evidenceExportStateMachineBlueprint, reviewReminderStateMachineBlueprint, stateMachineBlueprints } from '../workflows/catalog.js';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { IrdrStack } from './irdr-stack.js';

export const STACK_NAME = 'Irdr';

/**
 * The whole CDK app, with cdk-nag's AWS Solutions and NIST 800-53 rev 5 checks: bin/app.ts synthesizes it for the CLI,
 * tests synthesize the very same app in-process (`config` replaces config/irdr.config.json, for tests of other settings).
 */
export function createIrdrApp(props: AppProps & { config?: IrdrConfig } = {}): { app: App; stack: IrdrStack } {
  const { config = irdrConfig, ...appProps } = props;
  // The config schema checks a calendar's shape only (it is bundled into every function); that it exists, here.
  requireKnownHolidayJurisdictions(config.businessCalendars);
  // S3 server access logs delivered under a bucket policy (logging.s3.amazonaws.com, this bucket as source), not the legacy ACL.
  const app = new App({ ...appProps, context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true, ...appProps.context } });
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const stack = new IrdrStack(app, STACK_NAME, {
    description: 'irdr: incident response runbooks, restore drills and continuity evidence',
    // Unindented: CloudFormation's 1 MB counts the spaces too (indented, the template is ~840 KB; unrolled runbooks).
    suppressTemplateIndentation: true,
    env: account || region ? { account, region } : undefined,
    functionSpecs: functionRegistry,
    blueprints: stateMachineBlueprints(),
    drillBlueprint: drillStateMachineBlueprint(),
    reviewReminderBlueprint: reviewReminderStateMachineBlueprint(),
    evidenceExportBlueprint: evidenceExportStateMachineBlueprint(),
    drillPlans: loadDrillPlans(),
    mailFrom: config.mail.from,
    rolePrincipals: rolePrincipalsFromConfig(config),
    config,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  return { app, stack };
}
