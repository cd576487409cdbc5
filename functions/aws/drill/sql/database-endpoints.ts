import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SourceResource } from '../../../domain/drill/restore.js';
import { clusterOf, instanceOf } from '../restored-resources/rds.js';
import { reachFromDrillVpc } from './drill-vpc-reach.js';

/*
 * Where a database answers on the wire, and as whom: what the validator and the canary writer connect with, from the
 * drill VPC (a call with no route out says which endpoint is missing, rather than hanging).
 */

let secrets: SecretsManagerClient | undefined;

/** A secret's `{ username, password }` (the shape RDS-managed and rotation secrets hold). */
export async function credentialsOf(secretArn: string): Promise<{ username: string; password: string }> {
  secrets ??= new SecretsManagerClient({});
  const { SecretString } = await reachFromDrillVpc('secretsmanager', secrets.send(new GetSecretValueCommand({ SecretId: secretArn })));
  const parsed = JSON.parse(SecretString ?? '{}') as { username?: unknown; password?: unknown };
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') throw new Error(`secret ${secretArn} holds no username and password`);
  return { username: parsed.username, password: parsed.password };
}

/** An instance's endpoint, or a cluster's writer endpoint, as RDS describes it. */
export async function endpointOf(database: Pick<SourceResource, 'type' | 'name'>): Promise<{ host: string; port: number }> {
  if (database.type === 'Aurora') {
    const cluster = await reachFromDrillVpc('rds', clusterOf(database.name));
    if (!cluster?.Endpoint || cluster.Port === undefined) throw new Error(`cluster ${database.name} has no endpoint`);
    return { host: cluster.Endpoint, port: cluster.Port };
  }
  const instance = await reachFromDrillVpc('rds', instanceOf(database.name));
  if (!instance?.Endpoint?.Address || instance.Endpoint.Port === undefined) throw new Error(`instance ${database.name} has no endpoint`);
  return { host: instance.Endpoint.Address, port: instance.Endpoint.Port };
}

/** TLS, verified, to every RDS endpoint; only a loopback engine (the local RDS, which speaks no TLS) goes without. */
export const isLoopback = (host: string): boolean => host === '127.0.0.1' || host === 'localhost' || host === '::1';
