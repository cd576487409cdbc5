import { elementText, innerElements } from './xml.js';

/*
 * The IAM actions an S3 request needs, and on what, as the S3 API reference's "Permissions" sections state them (e.g.
 * HeadObject needs s3:GetObject, or s3:GetObjectVersion for a version; HeadBucket s3:ListBucket): what a recorder of a
 * handler's S3 calls holds to the policy CDK synthesizes. Unknown requests map to `unknown:` and never pass for granted.
 */

export interface S3Authorization {
  readonly action: string;
  /** `arn:aws:s3:::<bucket>`, `arn:aws:s3:::<bucket>/<key>`, or `*` (ListBuckets). */
  readonly resource: string;
}

const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;
const objectArn = (bucket: string, key: string): string => `arn:aws:s3:::${bucket}/${key}`;

/** Bucket subresources and the action each method needs (a DELETE of tags or of a public access block is a Put). */
const BUCKET_SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  versioning: { PUT: 's3:PutBucketVersioning', GET: 's3:GetBucketVersioning' },
  tagging: { PUT: 's3:PutBucketTagging', GET: 's3:GetBucketTagging', DELETE: 's3:PutBucketTagging' },
  publicAccessBlock: { PUT: 's3:PutBucketPublicAccessBlock', GET: 's3:GetBucketPublicAccessBlock', DELETE: 's3:PutBucketPublicAccessBlock' },
  'object-lock': { PUT: 's3:PutBucketObjectLockConfiguration', GET: 's3:GetBucketObjectLockConfiguration' },
  versions: { GET: 's3:ListBucketVersions' },
  location: { GET: 's3:GetBucketLocation' },
};

const unknown = (method: string, path: string): S3Authorization[] => [{ action: `unknown:S3 ${method} ${path}`, resource: '*' }];

/** What a request (method, path as sent with its query, headers) needs; DeleteObjects names its keys in the body. */
export function s3AuthorizationsOf(request: { readonly method: string; readonly path: string; readonly headers: Readonly<Record<string, string | undefined>>; readonly body?: string }): S3Authorization[] {
  const { method, path, headers } = request;
  const queryAt = path.indexOf('?');
  const resource = queryAt === -1 ? path : path.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : path.slice(queryAt + 1));
  const slash = resource.indexOf('/', 1);
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(slash === -1 ? resource.slice(1) : resource.slice(1, slash));
    key = slash === -1 ? '' : decodeURIComponent(resource.slice(slash + 1));
  } catch {
    return unknown(method, path);
  }
  if (bucket === '') return method === 'GET' ? [{ action: 's3:ListAllMyBuckets', resource: '*' }] : unknown(method, path);
  const versioned = query.has('versionId');
  if (key === '') {
    const subresource = Object.keys(BUCKET_SUBRESOURCES).find((name) => query.has(name));
    if (subresource) {
      const action = BUCKET_SUBRESOURCES[subresource]![method];
      return action ? [{ action, resource: bucketArn(bucket) }] : unknown(method, path);
    }
    if (method === 'POST' && query.has('delete')) {
      // Each key is authorized as its own DeleteObject (or DeleteObjectVersion, for a version).
      return innerElements(request.body ?? '', 'Object').map((object) => ({
        action: elementText(object, 'VersionId') === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion',
        resource: objectArn(bucket, elementText(object, 'Key') ?? ''),
      }));
    }
    if (method === 'GET' && query.get('list-type') === '2') return [{ action: 's3:ListBucket', resource: bucketArn(bucket) }];
    if (method === 'HEAD') return [{ action: 's3:ListBucket', resource: bucketArn(bucket) }];
    if (method === 'PUT') {
      const lock = (headers['x-amz-bucket-object-lock-enabled'] ?? '').toLowerCase() === 'true';
      return [
        { action: 's3:CreateBucket', resource: bucketArn(bucket) },
        ...(lock ? [{ action: 's3:PutBucketObjectLockConfiguration', resource: bucketArn(bucket) }, { action: 's3:PutBucketVersioning', resource: bucketArn(bucket) }] : []),
      ];
    }
    if (method === 'DELETE') return [{ action: 's3:DeleteBucket', resource: bucketArn(bucket) }];
    return unknown(method, path);
  }
  const object = objectArn(bucket, key);
  if (method === 'GET' && query.has('attributes')) {
    return versioned
      ? [{ action: 's3:GetObjectVersion', resource: object }, { action: 's3:GetObjectVersionAttributes', resource: object }]
      : [{ action: 's3:GetObject', resource: object }, { action: 's3:GetObjectAttributes', resource: object }];
  }
  if (method === 'GET' || method === 'HEAD') return [{ action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', resource: object }];
  if (method === 'PUT' && headers['x-amz-copy-source'] === undefined) {
    const retention = headers['x-amz-object-lock-mode'] !== undefined || headers['x-amz-object-lock-retain-until-date'] !== undefined;
    return [{ action: 's3:PutObject', resource: object }, ...(retention ? [{ action: 's3:PutObjectRetention', resource: object }] : [])];
  }
  if (method === 'DELETE') {
    const bypass = (headers['x-amz-bypass-governance-retention'] ?? '').toLowerCase() === 'true';
    return [{ action: versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: object }, ...(bypass ? [{ action: 's3:BypassGovernanceRetention', resource: object }] : [])];
  }
  return unknown(method, path);
}
