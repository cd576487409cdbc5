import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DRILL_STATE_MACHINE_LOGICAL_ID } from '../workflows/compile-drill.js';
import { PROJECT_ROOT } from './project-root.js';

/** Facts of the local AWS, in one place: what `irdr local start` and `irdr local env` agree on. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_NAME_PREFIX = 'irdr-';
export const LOCAL_TABLE_NAME = 'irdr-local';
/** Idempotency records and finding claims, beside the evidence table (they expire or are not evidence). */
export const LOCAL_DEDUPLICATION_TABLE_NAME = 'irdr-local-deduplication';
/** The drill state machine's local name is the prefix and its logical id, as for every state machine. */
export const LOCAL_DRILL_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:${LOCAL_NAME_PREFIX}${DRILL_STATE_MACHINE_LOGICAL_ID}`;
/** Credentials the local services accept; never real ones, so nothing here can reach AWS. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'irdrlocal', secretAccessKey: 'irdrlocal' } as const;
export const LOCAL_HOST = '127.0.0.1';

export const DEFAULT_PORTS = { http: 3000, stepFunctions: 8083, dynamodb: 8000, ses: 8005 } as const;
/** The EventBridge PutEvents API of `irdr local start` (tests pick a free port). */
export const DEFAULT_EVENTBRIDGE_PORT = 8088;
/** Lambda's Invoke API of `irdr local start` (irdr evidence digest invokes the digest writer through it; tests pick a free port). */
export const DEFAULT_LAMBDA_PORT = 8089;
export type LocalPorts = { -readonly [K in keyof typeof DEFAULT_PORTS]: number };

export const DEFAULT_DATA_DIR = '.irdr';
/** A data dir as the local stack resolves it (relative to the project, like `npm start`). */
export const resolveDataDir = (dataDir: string = DEFAULT_DATA_DIR): string => resolve(PROJECT_ROOT, dataDir);
/** The local write-once digest store (EVIDENCE_DIGEST_STORE): a folder under the data dir, where S3 Object Lock would be. */
export const localDigestStoreUrl = (dataDir: string): string => pathToFileURL(join(dataDir, 'evidence-digests')).href;
/** The public key of the local digest-signing key (PEM), written at start beside the digests: what `irdr evidence verify` pins. */
export const localDigestPublicKeyPath = (dataDir: string): string => join(dataDir, 'evidence-digest-signing-key.pub.pem');
/** The digest writer's local function name (`irdr evidence digest` invokes it: only it may sign a digest). */
export const LOCAL_DIGEST_FUNCTION_NAME = `${LOCAL_NAME_PREFIX}WriteEvidenceDigest`;
/** The compliance push function's local name (`irdr evidence push-again` invokes it: only it reads the platforms' credentials). */
export const LOCAL_COMPLIANCE_PUSH_FUNCTION_NAME = `${LOCAL_NAME_PREFIX}PushComplianceEvidence`;

/** The Secrets Manager secret holding the task-link signing key (in AWS, CDK creates it and passes its ARN). */
export const LOCAL_TASK_LINK_SECRET_NAME = 'irdr/task-link-signing-key';
/** The Slack app's bot token and signing secret (JSON), shared by the handlers and the local Slack. */
export const LOCAL_SLACK_SECRET_NAME = 'irdr/slack-app';
/** Master credentials (JSON username/password) for local drill databases: the local RDS Data API checks a secretArn against them. */
export const LOCAL_DRILL_DATABASE_SECRET_NAME = 'irdr/drill-database-master';
/** The compliance platforms' credentials (JSON, functions/domain/compliance-platform/credentials.ts): random ones the local Vanta and Drata accept. */
export const LOCAL_COMPLIANCE_PLATFORMS_SECRET_NAME = 'irdr/compliance-platforms';
/** The SQL canary writer's secret: locally the same master credentials (the local Data API knows no other user). */
export const LOCAL_DRILL_CANARY_WRITER_SECRET_NAME = 'irdr/drill-canary-writer';
/** The local KMS key (ECC_NIST_EDWARDS25519) that signs evidence manifests served by GET /evidence. */
export const LOCAL_EVIDENCE_SIGNING_KEY_ALIAS = 'alias/irdr-evidence-signing';
/** The local S3 bucket of the asynchronous evidence exports (month parts and signed zips), as the stack's exports bucket in AWS. */
export const LOCAL_EVIDENCE_EXPORT_BUCKET = 'irdr-local-evidence-exports';
/** The local KMS key (ECC_NIST_EDWARDS25519) that signs the asynchronous exports' manifests. */
export const LOCAL_EVIDENCE_EXPORT_SIGNING_KEY_ALIAS = 'alias/irdr-evidence-export-signing';
/** The local KMS key (ECC_NIST_EDWARDS25519) that signs evidence digests. */
export const LOCAL_EVIDENCE_DIGEST_SIGNING_KEY_ALIAS = 'alias/irdr-evidence-digest-signing';

/** The AWS CLI and SDK settings that point at a running local stack. */
export function localEnvironment(endpoints: {
  /** The HTTP API, for `irdr incidents` (IRDR_API_URL). */
  api?: string;
  dynamodb: string;
  stepFunctions: string;
  ses: string;
  secretsManager?: string;
  kms?: string;
  lambda?: string;
  backup?: string;
  eventBridge?: string;
  s3?: string;
  /** The local RDS (Query protocol) and RDS Data API. */
  rds?: string;
  rdsData?: string;
  digestStore?: string;
  /** The digest-signing key's public half (a PEM file). */
  digestPublicKey?: string;
}): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    // The irdr CLI's defaults (e.g. `irdr evidence verify`, `irdr drills run`).
    IRDR_TABLE_NAME: LOCAL_TABLE_NAME,
    IRDR_DRILL_STATE_MACHINE_ARN: LOCAL_DRILL_STATE_MACHINE_ARN,
    IRDR_DIGEST_FUNCTION: LOCAL_DIGEST_FUNCTION_NAME,
    IRDR_COMPLIANCE_PUSH_FUNCTION: LOCAL_COMPLIANCE_PUSH_FUNCTION_NAME,
    ...(endpoints.api !== undefined && { IRDR_API_URL: endpoints.api }),
    ...(endpoints.secretsManager !== undefined && { AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager }),
    ...(endpoints.kms !== undefined && { AWS_ENDPOINT_URL_KMS: endpoints.kms }),
    ...(endpoints.lambda !== undefined && { AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda }),
    ...(endpoints.backup !== undefined && { AWS_ENDPOINT_URL_BACKUP: endpoints.backup }),
    ...(endpoints.eventBridge !== undefined && { AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBridge }),
    ...(endpoints.s3 !== undefined && { AWS_ENDPOINT_URL_S3: endpoints.s3 }),
    ...(endpoints.rds !== undefined && { AWS_ENDPOINT_URL_RDS: endpoints.rds }),
    ...(endpoints.rdsData !== undefined && { AWS_ENDPOINT_URL_RDS_DATA: endpoints.rdsData }),
    // `irdr evidence verify` holds the trail to these digests.
    ...(endpoints.digestStore !== undefined && { IRDR_EVIDENCE_DIGEST_STORE: endpoints.digestStore }),
    ...(endpoints.digestPublicKey !== undefined && { IRDR_EVIDENCE_DIGEST_PUBLIC_KEY: endpoints.digestPublicKey }),
  };
}
