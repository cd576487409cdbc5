import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction, esbuildOptionsOf } from '../../bench/function-bundle.js';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import { functionSpec } from '../../functions/registry.js';
import { bundledDefines, bundledValuesOf, FUNCTION_BUNDLING } from '../../lib/functions.js';
import { stateMachineBlueprints } from '../../workflows/catalog.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';

/*
 * The drill functions carry the per-type restore code (and its SDK) only for the types the stack's plans restore:
 * built as `cdk synth` builds them (bench/function-bundle.ts), with the repository's table plans, then with an EC2
 * plan selected by tags added.
 */

const workdir = mkdtempSync(join(tmpdir(), 'irdr-drill-bundle-types-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

const ec2ByTags = DrillPlan.parse({
  id: 'servers',
  title: 'Servers',
  owner: 'owner@example.com',
  schedule: { expression: 'rate(7 days)' },
  source: { type: 'aws-backup-resource', resourceType: 'EC2', selection: { tags: { backup: 'daily' } } },
  driver: { type: 'aws-backup', restoreRoleArn: 'arn:aws:iam::123456789012:role/irdr-restore' },
  targets: { rtoMinutes: 60, rpoMinutes: 1440 },
  checks: [{ type: 'custom', functionName: 'check-server' }],
  recipients: { addresses: ['owner@example.com'] },
  controls: ['SOC2 A1.3'],
});

/** The example plans that restore tables (orders-archive-s3 drills a bucket). */
const tablePlans = (): DrillPlan[] => loadDrillPlans().filter((plan) => plan.source.type === 'dynamodb-table');

async function clientsOf(plans: readonly DrillPlan[], outdir: string): Promise<readonly string[]> {
  const spec = functionSpec('CleanUpDrill');
  const define = bundledDefines(spec, bundledValuesOf(stateMachineBlueprints(), plans));
  return (await bundleFunction(spec.entry, esbuildOptionsOf({ ...FUNCTION_BUNDLING, define }), join(workdir, outdir))).sdkClients;
}

describe('drill function bundles by the plans\' resource types', () => {
  it('table plans only: no EC2, EFS, S3 or tagging SDK', async () => {
    const clients = await clientsOf(tablePlans(), 'tables');
    expect(clients).toContain('client-dynamodb');
    for (const absent of ['client-ec2', 'client-efs', 'client-s3', 'client-resource-groups-tagging-api']) expect(clients).not.toContain(absent);
  });

  it('an EC2 plan selected by tags: the EC2 and tagging SDKs, still not EFS or S3', async () => {
    const clients = await clientsOf([...tablePlans(), ec2ByTags], 'ec2');
    expect(clients).toEqual(expect.arrayContaining(['client-ec2', 'client-resource-groups-tagging-api']));
    for (const absent of ['client-efs', 'client-s3']) expect(clients).not.toContain(absent);
  });
});
