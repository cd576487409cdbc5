import { Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';

import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ApiConfig } from '../functions/domain/config-schema.js';
import type { FunctionName, FunctionSpec, HttpRoute } from '../functions/registry.js';
import type { IrdrFunctions } from './functions.js';

/**
 * One JSON line per request: who called (the IAM principal's ARN), which route, the outcome and timing. No request
 * body and no query string (a signed link's signature travels there): `$context.path` is the path alone.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  caller: '$context.identity.userArn',
  // A console user's role session is the group's, the same for all of them: the person is the user pool sub in the
  // provider ("...:CognitoSignIn:<sub>"), from the pool named (docs/console-callers-6.md).
  cognitoIdentityPoolId: '$context.identity.cognitoIdentityPoolId',
  cognitoAuthenticationProvider: '$context.identity.cognitoAuthenticationProvider',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
} as const;

export interface IrdrHttpApiProps {
  /** Registry entries; each `routes` entry becomes one route to that function. */
  readonly specs: readonly FunctionSpec[];
  readonly functions: IrdrFunctions;
  /** Every route's steady-state and burst request limits on the stage (config `api.throttle`). */
  readonly throttle: ApiConfig['throttle'];
  /** Encrypts the access log group (LogEncryptionKey). */
  readonly logEncryptionKey: IKey;
  /**
   * How long access logs are kept.
   * @default RetentionDays.ONE_YEAR (who called the API is audit evidence too)
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The HTTP API: every route signed with SigV4 (IAM authorization), so a caller is an IAM principal
 * whose ARN the handlers record as the actor, and access is decided by `execute-api:Invoke` policies.
 * The one exception is a registry route marked `auth: 'signed-link'` (emailed task links, see its reason below).
 */
/** Why a route has no IAM authorizer, by its kind of signature (cdk-nag's APIG4 acknowledgement). */
const WHY_NO_IAM: Readonly<Record<NonNullable<HttpRoute['auth']>, string>> = {
  iam: 'never used: IAM routes have the authorizer',
  'signed-link':
    'Signed-link route: opened from an email in a browser, which cannot sign with SigV4. The handler accepts only ' +
    'an HMAC-SHA256-signed, expiring, single-use link (key in Secrets Manager); GET has no side effect.',
  'slack-signature':
    "Slack's interactivity route: Slack cannot sign with SigV4. The handler accepts only requests carrying Slack's " +
    'v0 HMAC-SHA256 signature over the timestamp and body (signing secret in Secrets Manager), at most 5 minutes old.',
};

export class IrdrHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: IrdrHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: Stack.of(this).stackName,
      description: 'irdr: incident response runbooks',
      defaultAuthorizer: new HttpIamAuthorizer(),
      // Created below, so that it logs every request.
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      encryptionKey: props.logEncryptionKey,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    for (const spec of props.specs) {
      if (!spec.routes?.length) continue;
      const integration = new HttpLambdaIntegration(`${spec.name}Integration`, props.functions.get(spec.name as FunctionName), {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      });
      for (const route of spec.routes) {
        if ((route.auth ?? 'iam') === 'iam') {
          this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
          continue;
        }
        // An emailed link opened in a browser, or Slack calling, cannot SigV4-sign: the handler verifies its HMAC signature instead.
        for (const signedRoute of this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration, authorizer: new HttpNoneAuthorizer() })) {
          Validations.of(signedRoute).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG4', reason: WHY_NO_IAM[route.auth ?? 'iam'] });
        }
      }
    }
  }

  /** The invoke URL of the `$default` stage. */
  public get url(): string {
    return this.stage.url;
  }
}
