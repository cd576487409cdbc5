import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../listen.js';
import { refuseForeignHosts } from '../loopback-host.js';
import { handleBucketRequest } from './bucket-routes.js';
import { LocalBuckets } from './buckets.js';
import { handleObjectRequest } from './object-routes.js';
import { verifyHeaderSignedRequest } from './header-signed-request.js';
import { isPresigned, verifyPresignedRequest, type SigningAuthority } from './presigned-request.js';
import { newRequestId, sendError, sendXml } from './responses.js';
import { s3Errors } from './s3-error.js';
import { folderStorage, memoryStorage } from './storage.js';
import type { XmlNode } from './xml.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../stack-config.js';

/*
 * S3 on this machine, at the wire (REST-XML, path-style `/<bucket>/<key>`), for what irdr's drills and evidence use:
 * buckets, objects, versions and delete markers, conditional writes, checksums, tags, Block Public Access and Object
 * Lock. The AWS SDK (an IP endpoint is addressed path-style) and the AWS CLI reach it through AWS_ENDPOINT_URL_S3;
 * every request's SigV4 signature (header or presigned) is checked as S3 checks it (docs/presigned-links-7.md).
 */

export interface LocalS3Options {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Where buckets and bodies persist; in memory when undefined. */
  readonly dataDir?: string;
  /** Who may sign requests (presigned or in the Authorization header). @default the local region and LOCAL_CREDENTIALS */
  readonly signing?: SigningAuthority;
}

export interface LocalS3 {
  readonly endpoint: string;
  /** Runs this S3's clock `ms` ahead of the machine's (0 puts it back): a presigned link's expiry, without waiting for it. */
  setClockAhead(ms: number): void;
  stop(): Promise<void>;
}

const LOCAL_SIGNING: SigningAuthority = {
  region: LOCAL_REGION,
  secretOf: (accessKeyId) => (accessKeyId === LOCAL_CREDENTIALS.accessKeyId ? LOCAL_CREDENTIALS.secretAccessKey : undefined),
};

interface S3Context {
  readonly buckets: LocalBuckets;
  readonly signing: SigningAuthority;
  now(): number;
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const buckets = new LocalBuckets(options.dataDir === undefined ? memoryStorage() : folderStorage(options.dataDir));
  let clockAheadMs = 0;
  const context: S3Context = { buckets, signing: options.signing ?? LOCAL_SIGNING, now: () => Date.now() + clockAheadMs };
  const server = createServer((request, response) => {
    void respond(request, response, context);
  });
  refuseForeignHosts(server, 'S3');
  const listening = await listen(server, options.host, options.port);
  return {
    endpoint: listening.endpoint,
    setClockAhead: (ms) => {
      clockAheadMs = ms;
    },
    stop: async () => {
      await listening.close();
      // Whatever a last request changed is on disk before the stack reports itself stopped.
      await buckets.save();
    },
  };
}

/**
 * Who is asking, as S3 decides it before anything else: a presigned request must hold to its parameters, window and
 * signature, a header-signed one (the SDK's, the CLI's) to its signature; a request with neither is anonymous, and
 * AccessDenied (no bucket here is public).
 */
async function authenticate(request: IncomingMessage, path: string, query: string, context: S3Context): Promise<void> {
  const { authorization } = request.headers;
  const received = { method: request.method ?? 'GET', path, query, headers: request.headers };
  if (isPresigned(query)) {
    if (authorization !== undefined) {
      throw s3Errors.invalidArgument('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', 'Authorization', authorization);
    }
    return verifyPresignedRequest(received, context.signing, context.now());
  }
  if (authorization === undefined) throw s3Errors.accessDenied();
  return verifyHeaderSignedRequest(received, authorization, context.signing);
}

async function respond(request: IncomingMessage, response: ServerResponse, context: S3Context): Promise<void> {
  const { buckets } = context;
  const requestId = newRequestId();
  // The path as sent: URL parsing would resolve `.` and `..` segments, and S3 keys such as `a/../b` are literal.
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  const resource = queryAt === -1 ? target : target.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const query = new URLSearchParams(rawQuery);
  try {
    await authenticate(request, resource, rawQuery, context);
    const slash = resource.indexOf('/', 1);
    const bucketName = decodeURIComponent(slash === -1 ? resource.slice(1) : resource.slice(1, slash));
    const key = slash === -1 ? '' : decodeURIComponent(resource.slice(slash + 1));
    if (bucketName === '') {
      if (request.method !== 'GET') throw s3Errors.methodNotAllowed(request.method ?? '', 'Service');
      const listed = buckets.list().map((bucket): XmlNode => ['Bucket', [['Name', bucket.name], ['CreationDate', new Date(bucket.createdAt).toISOString()], ['BucketRegion', 'us-east-1']]]);
      return sendXml(response, requestId, 'ListAllMyBucketsResult', [['Owner', [['ID', 'local'], ['DisplayName', 'local']]], ['Buckets', listed]]);
    }
    const call = { request, response, requestId, bucketName, query, buckets };
    if (key === '') await handleBucketRequest(call);
    else await handleObjectRequest({ ...call, key });
  } catch (error) {
    // What is left of a refused body is drained, so the client reads the error instead of a reset connection.
    request.resume();
    if (response.headersSent) response.destroy(error as Error);
    else sendError(response, requestId, error instanceof URIError ? s3Errors.invalidArgument('The path is not valid URL encoding') : error, resource, request.method === 'HEAD');
  }
}
