/** An S3 error as AWS answers it: its code, HTTP status and message (plus the fields S3 adds, e.g. BucketName, Key). */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly fields: Readonly<Record<string, string>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The errors with AWS's codes, statuses and messages (S3 API reference, "Error responses"). */
export const s3Errors = {
  noSuchBucket: (bucket: string) => new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket }),
  noSuchKey: (key: string, headers: Record<string, string> = {}) => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }, headers),
  noSuchVersion: (key: string, versionId: string) => new S3Error('NoSuchVersion', 404, 'The specified version does not exist.', { Key: key, VersionId: versionId }),
  bucketNotEmpty: (bucket: string) => new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.', { BucketName: bucket }),
  invalidBucketName: (bucket: string) => new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: bucket }),
  preconditionFailed: (condition: string) => new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: condition }),
  badDigest: (what: string) => new S3Error('BadDigest', 400, `The ${what} you specified did not match the calculated checksum.`),
  invalidRequest: (message: string) => new S3Error('InvalidRequest', 400, message),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new S3Error('InvalidArgument', 400, message, { ...(name !== undefined && { ArgumentName: name }), ...(value !== undefined && { ArgumentValue: value }) }),
  malformedXml: () => new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema'),
  invalidTag: (message: string) => new S3Error('InvalidTag', 400, message),
  // The authentication errors of a signed (SigV4) request, as S3 words them.
  requestExpired: (expires: string, expiredAt: string, serverTime: string) =>
    new S3Error('AccessDenied', 403, 'Request has expired', { 'X-Amz-Expires': expires, Expires: expiredAt, ServerTime: serverTime }),
  requestNotYetValid: (requestTime: string, serverTime: string) => new S3Error('AccessDenied', 403, 'Request is not yet valid', { 'X-Amz-Date': requestTime, ServerTime: serverTime }),
  accessDenied: (message = 'Access Denied') => new S3Error('AccessDenied', 403, message),
  authorizationQueryParameters: (message: string, fields: Record<string, string> = {}) => new S3Error('AuthorizationQueryParametersError', 400, message, fields),
  authorizationHeaderMalformed: (message: string, fields: Record<string, string> = {}) => new S3Error('AuthorizationHeaderMalformed', 400, message, fields),
  invalidAccessKeyId: (accessKeyId: string) => new S3Error('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: accessKeyId }),
  signatureDoesNotMatch: (fields: Record<string, string>) =>
    new S3Error('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', fields),
  objectLocked: () => new S3Error('AccessDenied', 403, 'Access Denied because object protected by object lock.'),
  methodNotAllowed: (method: string, resource: string, headers: Record<string, string> = {}) =>
    new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { Method: method, ResourceType: resource }, headers),
  invalidBucketState: (message: string) => new S3Error('InvalidBucketState', 409, message),
  notImplemented: (what: string) => new S3Error('NotImplemented', 501, `The local S3 does not implement ${what}`),
  noSuchTagSet: () => new S3Error('NoSuchTagSet', 404, 'The TagSet does not exist'),
  noSuchPublicAccessBlock: () => new S3Error('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found'),
  noObjectLockConfiguration: () => new S3Error('ObjectLockConfigurationNotFoundError', 404, 'Object Lock configuration does not exist for this bucket'),
  invalidRange: () => new S3Error('InvalidRange', 416, 'The requested range is not satisfiable'),
} as const;
