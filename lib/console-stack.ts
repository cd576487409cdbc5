import { CfnOutput, type CfnElement, DockerImage, Duration, Names, NestedStack, RemovalPolicy, SecretValue, Stack, Token, Validations, type NestedStackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AllowedMethods, CachePolicy, Distribution, Function as CloudFrontFunction, FunctionCode, FunctionEventType, FunctionRuntime, HeadersFrameOption, HeadersReferrerPolicy, OriginProtocolPolicy, OriginRequestPolicy, PriceClass, ResponseHeadersPolicy, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AccountRecovery, CfnIdentityPool, CfnIdentityPoolRoleAttachment, CfnUserPoolGroup, FeaturePlan, Mfa, OAuthScope, ProviderAttribute, StandardThreatProtectionMode, UserPool, UserPoolClientIdentityProvider, UserPoolIdentityProviderOidc, UserPoolIdentityProviderSaml, UserPoolIdentityProviderSamlMetadata, type UserPoolClient, type IUserPoolIdentityProvider } from 'aws-cdk-lib/aws-cognito';
import { Effect, FederatedPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { writeConsoleFilesSync } from '../console/build.js';
import { CONSOLE_SECURITY_HEADERS, consoleContentSecurityPolicy } from '../console/security-headers.js';
import type { RoleName } from '../functions/domain/config-schema.js';
import type { ConsoleFederation } from '../functions/domain/console-federation.js';
import type { RolePrincipals } from '../functions/domain/roles.js';
import { CONSOLE_API_PREFIX, STRIP_API_PREFIX_FUNCTION_CODE } from './console-api-route.js';
import { acknowledgeNist } from './nag.js';
import { PROJECT_ROOT } from './project-root.js';

export interface ConsoleStackProps extends NestedStackProps {
  /** The irdr HTTP API the console calls (SigV4, as every IAM caller), on the console's origin under /api. */
  readonly api: HttpApi;
  /**
   * The config's principals per irdr role: each role's `assumed-role/<Name>/*` pattern names the IAM role its Cognito
   * group maps to, so the API sees an assumed-role ARN the config already matches. A role with no such pattern gets no group.
   */
  readonly rolePrincipals: RolePrincipals;
  /** Sign-in through the company's IdP (SAML or OIDC) beside the pool's own users. @default none: the pool's users only */
  readonly federation?: ConsoleFederation;
  /** Whether to bundle and upload the app (false in tests that read the template only). @default true */
  readonly uploadApp?: boolean;
}

/** `assumed-role/SecurityResponder/*` in a principal pattern: the IAM role name a console group maps to. */
const ASSUMED_ROLE_PATTERN = /^arn:aws:sts::(?:\d{12}|\*):assumed-role\/([\w+=,.@-]{1,64})\/\*$/;

/** The IAM role name each irdr role's console users assume: the first assumed-role pattern of that role in the config. */
export function consoleRoleNames(rolePrincipals: RolePrincipals): Partial<Record<RoleName, string>> {
  const names: Partial<Record<RoleName, string>> = {};
  for (const [role, principals] of Object.entries(rolePrincipals) as Array<[RoleName, readonly string[] | undefined]>) {
    const name = principals?.map((principal) => ASSUMED_ROLE_PATTERN.exec(principal)?.[1]).find((found) => found !== undefined);
    if (name) names[role] = name;
  }
  return names;
}

/**
 * The console in AWS, in a stack of its own (the main stack stays clear of CloudFormation's 500-resource limit): the
 * static app in a private S3 bucket behind CloudFront (origin access control, HTTPS only, the CSP and security headers
 * of console/security-headers.ts); sign-in with a Cognito user pool whose groups (one per irdr role) map, through an
 * identity pool, to IAM roles that may invoke the API and nothing else. The API's own role checks decide the rest.
 */
export class ConsoleStack extends NestedStack {
  public readonly bucket: Bucket;
  public readonly distribution: Distribution;
  public readonly userPool: UserPool;
  public readonly userPoolClient: UserPoolClient;
  public readonly identityPool: CfnIdentityPool;
  /** The IAM role each irdr role's console users assume. */
  public readonly groupRoles: ReadonlyMap<RoleName, Role>;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { region } = Stack.of(this);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      // CloudFront standard logs are written with the bucket ACL (awslogsdelivery): the one bucket that keeps ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const whyLogsUnlogged = "The console's access-log bucket: logging it into itself would log its own log writes without end.";
    Validations.of(accessLogs).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason: whyLogsUnlogged });
    acknowledgeNist(accessLogs, 'S3BucketLoggingEnabled', whyLogsUnlogged);

    this.bucket = new Bucket(this, 'App', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'app-bucket/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    const whyNotReplicatedOrKms =
      'The console bucket holds the built app (public code, no data): it is rebuilt and uploaded by every cdk deploy, so neither replication nor a customer key protects anything.';
    for (const bucket of [this.bucket, accessLogs]) {
      acknowledgeNist(bucket, 'S3BucketReplicationEnabled', whyNotReplicatedOrKms);
      acknowledgeNist(bucket, 'S3DefaultEncryptionKMS', whyNotReplicatedOrKms);
    }

    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const signIn = this.userPool.addDomain('SignIn', { cognitoDomain: { domainPrefix: `irdr-console-${Stack.of(this).account}` } });
    // What the browser calls: its own origin (the app, and the API under /api), the sign-in domain's token endpoint
    // (the code and refresh exchanges) and the identity pool (GetId, GetCredentialsForIdentity). Nothing else.
    const csp = consoleContentSecurityPolicy(["'self'", signIn.baseUrl(), `https://cognito-identity.${region}.amazonaws.com`]);
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'irdr console: CSP, HSTS and the headers of console/security-headers.ts',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      },
    });
    // The one definition says nosniff, DENY and no-referrer: the policy above must say the same.
    if (CONSOLE_SECURITY_HEADERS['x-frame-options'] !== 'DENY' || CONSOLE_SECURITY_HEADERS['referrer-policy'] !== 'no-referrer') {
      throw new Error('console/security-headers.ts and the CloudFront response headers policy disagree');
    }

    // The API on the console's own origin: no CORS to open, connect-src stays 'self'. API Gateway gets its own Host
    // (the one the browser signed for), every method, every header but Host (Authorization, X-Amz-*), nothing cached.
    const apiHost = `${props.api.apiId}.execute-api.${region}.${Stack.of(this).urlSuffix}`;
    const stripApiPrefix = new CloudFrontFunction(this, 'ApiPath', {
      comment: 'irdr console: /api/<route> to the API as /<route>',
      code: FunctionCode.fromInline(STRIP_API_PREFIX_FUNCTION_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'irdr console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: {
        [`${CONSOLE_API_PREFIX}/*`]: {
          origin: new HttpOrigin(apiHost, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          functionAssociations: [{ eventType: FunctionEventType.VIEWER_REQUEST, function: stripApiPrefix }],
        },
      },
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR1',
      reason: 'The console serves static code only; who may sign in is Cognito\'s to decide, not the country a request comes from.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR2',
      reason: 'No data behind this distribution: the app is public code; the data is behind the API (IAM-authorized) and Cognito (threat protection on). A WAF web ACL can be attached by the operator.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR4',
      reason: 'Without a custom domain, CloudFront serves its own *.cloudfront.net certificate, whose viewer policy it fixes itself (TLSv1); give the distribution a domain and ACM certificate to set TLSv1.2_2021.',
    });

    const consoleUrl = `https://${this.distribution.distributionDomainName}/`;
    const federated = props.federation ? federatedProvider(this, this.userPool, props.federation) : undefined;
    this.userPoolClient = this.userPool.addClient('Console', {
      generateSecret: false,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO, ...(federated ? [UserPoolClientIdentityProvider.custom(federated.providerName)] : [])],
      preventUserExistenceErrors: true,
      authFlows: { userSrp: true },
      oAuth: { flows: { authorizationCodeGrant: true }, scopes: [OAuthScope.OPENID, OAuthScope.EMAIL], callbackUrls: [consoleUrl], logoutUrls: [consoleUrl] },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    if (federated) this.userPoolClient.node.addDependency(federated);

    this.identityPool = new CfnIdentityPool(this, 'Identities', {
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [{ clientId: this.userPoolClient.userPoolClientId, providerName: this.userPool.userPoolProviderName, serverSideTokenCheck: true }],
    });

    const groupRoles = new Map<RoleName, Role>();
    for (const [role, roleName] of Object.entries(consoleRoleNames(props.rolePrincipals)) as Array<[RoleName, string]>) {
      const iamRole = new Role(this, `${role}Role`, {
        roleName,
        description: `irdr console users in the ${role} group: invoke the irdr API (whose role checks decide what they may do)`,
        maxSessionDuration: Duration.hours(1),
        assumedBy: new FederatedPrincipal(
          'cognito-identity.amazonaws.com',
          {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.ref },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
          'sts:AssumeRoleWithWebIdentity',
        ),
      });
      iamRole.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['execute-api:Invoke'], resources: [props.api.arnForExecuteApi()] }));
      Validations.of(iamRole).acknowledge({
        // cdk-nag names the API id by the nested stack's parameter for it: reference-to-<the API's unique id>.Ref.
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:${nagText(region, 'AWS::Region')}:${nagText(Stack.of(this).account, 'AWS::AccountId')}:<referenceto${Names.uniqueId(props.api.node.defaultChild!)}Ref>/*/*/*]`,
        reason: "Every route of the one API: which of them this role's users may call is decided by the API's own role checks (config roles), the one authorization path.",
      });
      acknowledgeNist(iamRole, 'IAMNoInlinePolicy', 'The role is for this group alone and deleted with it; IAM recommends inline policies for a strict one-to-one relationship.');
      new CfnUserPoolGroup(this, `${role}Group`, { userPoolId: this.userPool.userPoolId, groupName: role, roleArn: iamRole.roleArn, description: `irdr ${role}s` });
      groupRoles.set(role, iamRole);
    }
    this.groupRoles = groupRoles;

    new CfnIdentityPoolRoleAttachment(this, 'GroupRoles', {
      identityPoolId: this.identityPool.ref,
      // The group's role from the ID token (cognito:preferred_role); a user in no group, or in two, gets no credentials.
      roleMappings: { userPool: { type: 'Token', ambiguousRoleResolution: 'Deny', identityProvider: `${this.userPool.userPoolProviderName}:${this.userPoolClient.userPoolClientId}` } },
    });

    if (props.uploadApp !== false) {
      const app = Source.asset(join(PROJECT_ROOT, 'console'), {
        exclude: ['dist'],
        bundling: {
          image: DockerImage.fromRegistry('irdr-bundles-locally'),
          local: {
            tryBundle(outputDir) {
              // esbuild in this process, as the function bundles are (lib/function-code.ts): no Docker.
              writeConsoleFilesSync(outputDir);
              return true;
            },
          },
        },
      });
      const config = Source.jsonData('config.json', {
        apiUrl: CONSOLE_API_PREFIX,
        auth: {
          kind: 'cognito',
          region,
          userPoolId: this.userPool.userPoolId,
          userPoolClientId: this.userPoolClient.userPoolClientId,
          identityPoolId: this.identityPool.ref,
          signInDomain: signIn.baseUrl(),
          redirectUri: consoleUrl,
          apiHost,
          ...(props.federation && { identityProvider: props.federation.name }),
        },
      });
      new BucketDeployment(this, 'Upload', { sources: [app, config], destinationBucket: this.bucket, distribution: this.distribution, distributionPaths: ['/*'], prune: true });
      acknowledgeUploadFunction(this, this.bucket);
    }

    new CfnOutput(this, 'ConsoleUrl', { description: 'The irdr console', value: consoleUrl });
  }
}

/** The company's IdP in the user pool: its users sign in there (its MFA), and need a group here like any user. */
function federatedProvider(scope: Construct, userPool: UserPool, federation: ConsoleFederation): IUserPoolIdentityProvider {
  if (federation.kind === 'saml') {
    return new UserPoolIdentityProviderSaml(scope, 'Federation', {
      userPool,
      name: federation.name,
      metadata: UserPoolIdentityProviderSamlMetadata.url(federation.metadataUrl),
      attributeMapping: { email: ProviderAttribute.other(federation.emailAttribute ?? 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress') },
    });
  }
  return new UserPoolIdentityProviderOidc(scope, 'Federation', {
    userPool,
    name: federation.name,
    issuerUrl: federation.issuerUrl,
    clientId: federation.clientId,
    // A dynamic reference ({{resolve:secretsmanager:…}}): CloudFormation reads it at deploy time, the template never holds it.
    clientSecret: SecretValue.secretsManager(federation.clientSecretName).unsafeUnwrap(),
    scopes: ['openid', 'email'],
    attributeMapping: { email: ProviderAttribute.other('email') },
  });
}

/** CDK's own upload function (the singleton BucketDeployment adds to this stack): runs at deploy time only, with CDK's grants. */
function acknowledgeUploadFunction(stack: Stack, bucket: Bucket): void {
  const upload = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!upload) throw new Error('BucketDeployment added no upload function to the console stack');
  const why = 'CDK\'s BucketDeployment handler: it runs only during cdk deploy, copying the console build from the CDK assets bucket into the console bucket; its runtime, role and grants are CDK\'s.';
  const bucketArn = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as CfnElement)) as string;
  for (const id of [
    'AwsSolutions::AwsSolutions-L1',
    'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:DeleteObject*]',
    'AwsSolutions::AwsSolutions-IAM5[Action::s3:Abort*]',
    `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${nagText(stack.account, 'AWS::AccountId')}-${nagText(stack.region, 'AWS::Region')}/*]`,
    `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketArn}.Arn>/*]`,
    'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
  ]) {
    Validations.of(upload).acknowledge({ id, reason: why });
  }
  for (const rule of ['IAMNoInlinePolicy', 'LambdaDLQ', 'LambdaInsideVPC', 'LambdaConcurrency']) acknowledgeNist(upload, rule, why);
}

/** How cdk-nag writes an account or region in a finding: the value when the stack has one (cdk deploy's env), else the pseudo parameter. */
const nagText = (value: string, pseudo: string): string => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
