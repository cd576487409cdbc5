import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { PROJECT_ROOT } from './project-root.js';
import { replaceOnce } from './source-cuts.js';

/*
 * What the SDK's shared code and Powertools carry into the function bundles that no function runs in Lambda, cut at load
 * (docs/lean-functions-8.md). Each cut names the one file it edits and fails the build if that file no longer holds
 * what it replaces, so an SDK upgrade that moves the code is a build error, not a silent no-op. Handlers run unbundled
 * (the local stack, the tests) keep the SDK as shipped.
 */

/** A file's source and the edits it needs: each `from` must occur exactly once. */
interface SourceCut {
  readonly file: RegExp;
  readonly why: string;
  readonly edits: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

/** What a left-out @slack/web-api helper does when called: throws, naming what was left out and where. */
const slackLeftOut = (what: string) => `(() => { throw new Error("left out: @slack/web-api's ${what} (irdr's function bundles post, update and look up users only, lib/lambda-bundle-trims.ts)"); })`;
const SLACK_CHAT_STREAM_LEFT_OUT = `{ ChatStreamer: class ChatStreamer { constructor() { ${slackLeftOut('chat streams')}(); } } }`;
const SLACK_FILE_UPLOAD_LEFT_OUT = `{ getAllFileUploadsToComplete: ${slackLeftOut('file uploads')}, getFileUploadJob: ${slackLeftOut('file uploads')}, getMultipleFileUploadJobs: ${slackLeftOut('file uploads')} }`;

export const SDK_SOURCE_CUTS: readonly SourceCut[] = [
  {
    // Event streams (~15 KB: codec, marshallers, CRC32): loaded only by operations with an event-stream member
    // (Lambda's InvokeWithResponseStream, S3's SelectObjectContent), which no function calls (tests/infra/function-bundle.test.ts).
    file: /[\\/]node_modules[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]protocols[\\/]HttpProtocol\.js$/,
    why: 'event streams',
    edits: [
      {
        from: 'await import("@smithy/core/event-streams")',
        to: 'await Promise.reject(new Error("event-stream operations are left out of the Lambda bundles (lib/lambda-bundle-trims.ts)"))',
      },
    ],
  },
  {
    // The same event streams' marshaller (~8.6 KB), which the Lambda and S3 clients (the two with event-stream
    // operations) build at construction: a stand-in that throws if an operation ever serializes or reads a stream.
    file: /[\\/]node_modules[\\/]@aws-sdk[\\/]client-(lambda|s3)[\\/]dist-es[\\/]runtimeConfig\.js$/,
    why: 'event-stream marshaller',
    edits: [
      {
        from: 'import { eventStreamSerdeProvider } from "@smithy/core/event-streams";',
        to: 'const eventStreamLeftOut = () => { throw new Error("event-stream operations are left out of the Lambda bundles (lib/lambda-bundle-trims.ts)"); };\nconst eventStreamSerdeProvider = () => ({ serialize: eventStreamLeftOut, deserialize: eventStreamLeftOut });',
      },
    ],
  },
  {
    // The pure-JavaScript SHA-256 (~3.4 KB) is the fallback for a Node without node:crypto's sha256, which Node 24 always has.
    file: /[\\/]node_modules[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]sha256[\\/]Sha256Node\.js$/,
    why: 'SHA-256 in JavaScript',
    edits: [
      { from: 'import { Sha256Js } from "./Sha256Js";', to: '' },
      { from: 'hasNativeCrypto ? buildNativeClass() : Sha256Js;', to: 'hasNativeCrypto ? buildNativeClass() : (() => { throw new Error("node:crypto has no sha256"); })();' },
    ],
  },
  {
    // @slack/web-api re-exports @slack/types (~4.9 KB: ~40 type-only CommonJS modules, two enums) that neither its code
    // nor ours reads at run time (tests/unit/lambda-bundle-trims.test.ts looks): the types stay for the compiler.
    file: /[\\/]node_modules[\\/]@slack[\\/]web-api[\\/]dist[\\/]methods\.js$/,
    why: '@slack/types re-export',
    edits: [{ from: '__exportStar(require("@slack/types"), exports);', to: '' }],
  },
  {
    // WebClient's file uploads (filesUploadV2) and streamed messages (chatStream), ~7.9 KB: irdr's functions post,
    // update and look up users only (chat.postMessage, chat.update, chat.postEphemeral, users.info); each throws if called.
    file: /[\\/]node_modules[\\/]@slack[\\/]web-api[\\/]dist[\\/]WebClient\.js$/,
    why: 'Slack file uploads and chat streams',
    edits: [
      { from: 'const chat_stream_1 = require("./chat-stream");', to: `const chat_stream_1 = ${SLACK_CHAT_STREAM_LEFT_OUT};` },
      { from: 'const file_upload_1 = require("./file-upload");', to: `const file_upload_1 = ${SLACK_FILE_UPLOAD_LEFT_OUT};` },
    ],
  },
  {
    file: /[\\/]node_modules[\\/]@slack[\\/]web-api[\\/]dist[\\/]index\.js$/,
    why: 'Slack chat streams',
    edits: [{ from: 'var chat_stream_1 = require("./chat-stream");', to: `var chat_stream_1 = ${SLACK_CHAT_STREAM_LEFT_OUT};` }],
  },
];

/** The file's source with the cut's edits applied, or an error naming the edit that no longer fits. */
export function cutSource(cut: SourceCut, source: string, file: string): string {
  return cut.edits.reduce((text, { from, to }) => replaceOnce(text, from, to, { file, why: cut.why, owner: 'lib/lambda-bundle-trims.ts' }), source);
}

/**
 * A package.json as its package's code reads it: an SDK client's (runtimeConfig's user agent reads `version`) and
 * @slack/web-api's (instrument.js's user agent reads `name` and `version`), ~2 KB each.
 */
export const SDK_CLIENT_PACKAGE = /[\\/]node_modules[\\/](@aws-sdk[\\/]client-[^\\/]+|@slack[\\/]web-api)[\\/]package\.json$/;
export function clientPackageInfo(source: string): string {
  const { name, version } = JSON.parse(source) as { name: string; version: string };
  return JSON.stringify({ name, version });
}

/** Modules the bundles take from our own files instead (relative to the project root), each saying why in its comment. */
export const STAND_INS: Readonly<Record<string, string>> = {
  // The SDK's endpoint cache's LRU (mnemonist's, ~7 KB with its helpers).
  'mnemonist/lru-cache': 'functions/aws/endpoint-lru-cache.ts',
  // Powertools idempotency's JMESPath (~20 KB) for our field-name key paths.
  '@aws-lambda-powertools/jmespath': 'functions/aws/field-jmespath/index.ts',
  '@aws-lambda-powertools/jmespath/functions': 'functions/aws/field-jmespath/functions.ts',
};

export const lambdaBundleTrimsPlugin: Plugin = {
  name: 'irdr-lambda-bundle-trims',
  setup(build) {
    build.onResolve({ filter: /^(mnemonist\/lru-cache|@aws-lambda-powertools\/jmespath(\/functions)?)$/ }, ({ path }) => ({ path: join(PROJECT_ROOT, STAND_INS[path]!) }));
    build.onLoad({ filter: SDK_CLIENT_PACKAGE }, async ({ path }) => ({ contents: clientPackageInfo(await readFile(path, 'utf8')), loader: 'json' }));
    for (const cut of SDK_SOURCE_CUTS) {
      build.onLoad({ filter: cut.file }, async ({ path }) => ({ contents: cutSource(cut, await readFile(path, 'utf8'), path), loader: 'js' }));
    }
  },
};
