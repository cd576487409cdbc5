import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import EndpointLruCache from '../../functions/aws/endpoint-lru-cache.js';
import { search as fieldSearch } from '../../functions/aws/field-jmespath/index.js';
import { clientPackageInfo, cutSource, lambdaBundleTrimsPlugin, SDK_SOURCE_CUTS, STAND_INS } from '../../lib/lambda-bundle-trims.js';
import { pureSchemasPlugin, pureZodCalls } from '../../lib/pure-schemas.js';
import { PROJECT_ROOT } from '../../local/project-root.js';
import { DrillPlan } from '../../functions/domain/drill-plan-schema.js';
import * as z from '../../functions/domain/zod.js';
import { bundledConfigText, bundledDefines, bundledValuesOf } from '../../lib/functions.js';
import { irdrConfig, loadConfig } from '../../functions/config.js';
import { functionSpec } from '../../functions/registry.js';
import { loadDrillPlans } from '../../workflows/load-drill-plans.js';

const requireFromRoot = createRequire(join(PROJECT_ROOT, 'package.json'));
const sourceFiles = (folder: string): string[] =>
  readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts')).map((name) => join(PROJECT_ROOT, folder, name));


/** What a bundle prints (console.log) when run as a module of its own. */
async function printed(code: string): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    await import(`data:text/javascript,${encodeURIComponent(code)}`);
  } finally {
    console.log = log;
  }
  return lines;
}
describe('the stand-ins the Lambda bundles take (lib/lambda-bundle-trims.ts)', () => {
  it("EndpointLruCache answers as mnemonist's LRUCache does, through a long run of mixed calls at capacity", async () => {
    const { default: LRUCache } = (await import(pathToFileURL(requireFromRoot.resolve('mnemonist/lru-cache')).href)) as { default: new (capacity: number) => EndpointLruCache<string, number> };
    const ours = new EndpointLruCache<string, number>(3);
    const theirs = new LRUCache(3);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const answers: Array<[unknown, unknown]> = [];
    for (let step = 0; step < 2000; step += 1) {
      const key = `endpoint-${next() % 6}`;
      const call = next() % 5;
      if (call === 0) (ours.set(key, step), theirs.set(key, step));
      else if (call === 1) answers.push([ours.get(key), theirs.get(key)]);
      else if (call === 2) answers.push([ours.peek(key), theirs.peek(key)]);
      else if (call === 3) answers.push([ours.has(key), theirs.has(key)]);
      else if (step % 97 === 0) (ours.clear(), theirs.clear());
      answers.push([ours.size, theirs.size]);
    }
    expect(answers.filter(([a, b]) => a !== b)).toEqual([]);
    expect(answers.filter(([a]) => typeof a === 'number' && a > 10).length).toBeGreaterThan(100);
  });

  it('field-jmespath finds what Powertools JMESPath finds for field paths, on the shapes a caller can send', async () => {
    const jmespath = join(PROJECT_ROOT, 'node_modules/@aws-lambda-powertools/idempotency/node_modules/@aws-lambda-powertools/jmespath/lib/esm/index.js');
    const { search } = (await import(pathToFileURL(jmespath).href)) as { search: (expression: string, data: unknown) => unknown };
    const payloads: unknown[] = [
      { idempotencyKey: 'k-1', request: { runbookId: 'r', severity: 'SEV1' } },
      { idempotencyKey: '', request: null },
      { idempotencyKey: 0, request: [1, 2] },
      { idempotencyKey: false },
      { idempotencyKey: null, request: { a: { b: 'deep' } } },
      { request: 'string' },
      {},
      [],
      [{ idempotencyKey: 'in-an-array' }],
      'idempotencyKey',
      42,
      null,
      JSON.parse('{"__proto__": {"idempotencyKey": "polluted"}, "constructor": 1}'),
      { toString: 'x', hasOwnProperty: 'y', request: { valueOf: 3 } },
    ];
    // Expressions named like Object.prototype's members are left out: Powertools' parser caches parses in a plain object
    // and throws on them ('constructor' finds Object); ours are field names of our own (functions/aws/idempotency.ts).
    for (const expression of ['idempotencyKey', 'request', 'request.a.b', 'request.runbookId', 'request.a']) {
      for (const payload of payloads) expect(fieldSearch(expression, payload), `${expression} of ${JSON.stringify(payload)}`).toEqual(search(expression, payload));
    }
  });

  it('field-jmespath refuses any expression beyond a field path rather than misread it', () => {
    for (const expression of ['request[0]', 'powertools_json(body).id', 'a || b', '"quoted"', 'a.*', '', ' a', 'a.', '@']) {
      expect(() => fieldSearch(expression, { a: 1 }), expression).toThrow(/field paths only/);
    }
  });

  it('stands in only for modules the bundles resolve, each our own file', async () => {
    for (const [module, file] of Object.entries(STAND_INS)) {
      const importer = module === 'mnemonist/lru-cache' ? '@aws-sdk/endpoint-cache' : '@aws-lambda-powertools/idempotency';
      // The import resolves where its importer sits (the SDK's or Powertools' own node_modules): the stand-in replaces a real module.
      const resolved = await build({ stdin: { contents: `import * as m from '${module}'; console.log(m);`, resolveDir: dirname(requireFromRoot.resolve(importer)) }, bundle: true, write: false, platform: 'node', format: 'esm', metafile: true, logLevel: 'silent' });
      expect(Object.keys(resolved.metafile.inputs).some((input) => input.includes('node_modules')), module).toBe(true);
      expect(readFileSync(join(PROJECT_ROOT, file), 'utf8')).toMatch(/Lambda bundles/);
    }
  });
});

describe('the SDK cuts (lib/lambda-bundle-trims.ts)', () => {
  const sdkFile = (cut: (typeof SDK_SOURCE_CUTS)[number]) => {
    const files = [join(PROJECT_ROOT, 'node_modules/@smithy/core/dist-es/submodules/protocols/HttpProtocol.js'), join(PROJECT_ROOT, 'node_modules/@smithy/core/dist-es/submodules/checksum/sha256/Sha256Node.js'), ...['methods.js', 'WebClient.js', 'index.js'].map((file) => join(PROJECT_ROOT, 'node_modules/@slack/web-api/dist', file)), ...['lambda', 's3'].map((client) => join(PROJECT_ROOT, `node_modules/@aws-sdk/client-${client}/dist-es/runtimeConfig.js`))];
    return files.filter((file) => cut.file.test(file));
  };

  it('fit the installed SDK: each edit finds its text once, and what it cuts is gone', () => {
    for (const cut of SDK_SOURCE_CUTS) {
      expect(sdkFile(cut).length, cut.why).toBeGreaterThan(0);
      for (const file of sdkFile(cut)) {
        const edited = cutSource(cut, readFileSync(file, 'utf8'), file);
        for (const { from } of cut.edits) expect(edited).not.toContain(from);
      }
    }
  });

  it('fail the build, naming the file, where an SDK upgrade moved the code they edit (never a silent no-op)', () => {
    const cut = SDK_SOURCE_CUTS[0]!;
    expect(() => cutSource(cut, 'export class HttpProtocol {}', 'HttpProtocol.js')).toThrow(/HttpProtocol\.js no longer has .* once \(found it 0 times\) for the event streams cut of lib\/lambda-bundle-trims\.ts/);
    const twice = `${cut.edits[0]!.from}; ${cut.edits[0]!.from}`;
    expect(() => cutSource(cut, twice, 'HttpProtocol.js')).toThrow(/found it 2 times/);
  });

  // The @slack/types cut holds only while nothing reads its run-time values (EntityType, CustomFieldType) through web-api.
  it("leave out @slack/types' run-time values, which neither @slack/web-api's code nor ours reads", () => {
    const values = Object.keys(requireFromRoot('@slack/types') as object);
    expect(values.length).toBeGreaterThan(0);
    const webApi = readdirSync(join(PROJECT_ROOT, 'node_modules/@slack/web-api/dist'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js')).map((name) => join(PROJECT_ROOT, 'node_modules/@slack/web-api/dist', name));
    const readers = [...webApi, ...sourceFiles('functions'), ...sourceFiles('workflows')].filter((file) => values.some((value) => new RegExp(`\\b${value}\\b`).test(readFileSync(file, 'utf8'))));
    expect(readers).toEqual([]);
    expect(webApi.filter((file) => readFileSync(file, 'utf8').includes("require(\"@slack/types\")")).map((file) => file.replace(/^.*\/dist\//, ''))).toEqual(['methods.js']);
  });

  it('bundle @slack/web-api without @slack/types, file uploads or chat streams, post as before, and refuse these by name if called', async () => {
    // Slack's Web API as a local server: chat.postMessage answers as Slack documents it.
    const posted: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        posted.push(`${request.url} ${request.headers.authorization} ${new URLSearchParams(body).get('text')}`);
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ ok: true, channel: 'C0123ABCD', ts: '1503435956.000247', message: { text: 'SEV1 opened', type: 'message' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const entry = [
      "import { WebClient } from '@slack/web-api';",
      `const client = new WebClient('xoxb-1', { slackApiUrl: 'http://127.0.0.1:${port}/api/' });`,
      "console.log((await client.chat.postMessage({ channel: 'C0123ABCD', text: 'SEV1 opened' })).ts);",
      'console.log(typeof WebClient, typeof client.chat.postMessage, typeof client.chat.update, typeof client.chat.postEphemeral, typeof client.users.info);',
      "await client.filesUploadV2({ channel_id: 'C1', content: 'x', filename: 'a.txt' }).catch((error) => console.log(error.message));",
      "try { client.chatStream({ channel: 'C1', thread_ts: '1.2' }); } catch (error) { console.log(error.message); }",
    ].join('\n');
    const banner = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(join(PROJECT_ROOT, 'package.json'))});`;
    const result = await build({ stdin: { contents: entry, resolveDir: PROJECT_ROOT, loader: 'js' }, bundle: true, format: 'esm', platform: 'node', write: false, minify: true, metafile: true, absWorkingDir: PROJECT_ROOT, plugins: [lambdaBundleTrimsPlugin], logLevel: 'error', banner: { js: banner } });
    const leftOut = Object.entries(result.metafile.outputs).flatMap(([, output]) => Object.entries(output.inputs)).filter(([input, { bytesInOutput }]) => /@slack\/types\/|web-api\/dist\/(file-upload|chat-stream)\.js/.test(input) && bytesInOutput > 0);
    expect(leftOut.map(([input]) => input)).toEqual([]);
    const lines: string[] = [];
    const log = console.log;
    console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
    try {
      await import(`data:text/javascript,${encodeURIComponent(result.outputFiles[0]!.text)}`);
    } finally {
      console.log = log;
      server.close();
    }
    expect(posted).toEqual(['/api/chat.postMessage Bearer xoxb-1 SEV1 opened']);
    expect(lines).toEqual([
      '1503435956.000247',
      'function function function function function',
      "left out: @slack/web-api's file uploads (irdr's function bundles post, update and look up users only, lib/lambda-bundle-trims.ts)",
      "left out: @slack/web-api's chat streams (irdr's function bundles post, update and look up users only, lib/lambda-bundle-trims.ts)",
    ]);
  });

  it('build the Lambda and S3 clients without the event-stream marshaller, which throws if a stream is ever sent or read', async () => {
    const entry = [
      "import { LambdaClient } from '@aws-sdk/client-lambda';",
      "import { S3Client } from '@aws-sdk/client-s3';",
      "for (const client of [new LambdaClient({ region: 'us-east-1' }), new S3Client({ region: 'us-east-1' })]) {",
      '  try { client.config.eventStreamMarshaller.serialize({}, () => undefined); } catch (error) { console.log(error.message); }',
      '}',
    ].join('\n');
    const banner = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(join(PROJECT_ROOT, 'package.json'))});`;
    const result = await build({ stdin: { contents: entry, resolveDir: PROJECT_ROOT, loader: 'js' }, bundle: true, format: 'esm', platform: 'node', mainFields: ['module', 'main'], write: false, minify: true, metafile: true, absWorkingDir: PROJECT_ROOT, plugins: [lambdaBundleTrimsPlugin], logLevel: 'error', banner: { js: banner } });
    const codec = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs)).filter(([input, { bytesInOutput }]) => /event-streams\/(eventstream-codec|eventstream-serde)\//.test(input) && bytesInOutput > 0);
    expect(codec.map(([input]) => input.replace(/^.*event-streams\//, ''))).toEqual([]);
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      await import(`data:text/javascript,${encodeURIComponent(result.outputFiles[0]!.text)}`);
    } finally {
      console.log = log;
    }
    expect(lines).toEqual(Array(2).fill('event-stream operations are left out of the Lambda bundles (lib/lambda-bundle-trims.ts)'));
  });

  it("keep of a client's package.json the name and the version its user agent reads", () => {
    const file = join(PROJECT_ROOT, 'node_modules/@aws-sdk/client-dynamodb/package.json');
    const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
    expect(JSON.parse(clientPackageInfo(readFileSync(file, 'utf8')))).toEqual({ name, version });
    const readers = readdirSync(join(PROJECT_ROOT, 'node_modules/@aws-sdk'))
      .filter((client) => client.startsWith('client-'))
      .flatMap((client) => [...readFileSync(join(PROJECT_ROOT, 'node_modules/@aws-sdk', client, 'dist-es/runtimeConfig.js'), 'utf8').matchAll(/packageInfo\.(\w+)/g)].map((match) => match[1]));
    expect(readers.length).toBeGreaterThan(5);
    expect(new Set(readers)).toEqual(new Set(['version']));
  });

  it("keep of @slack/web-api's package.json the name and version its user agent reads, and in a bundle the agent is the same", async () => {
    const file = join(PROJECT_ROOT, 'node_modules/@slack/web-api/package.json');
    const { name, version, description } = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; description: string };
    const readers = [...readFileSync(join(PROJECT_ROOT, 'node_modules/@slack/web-api/dist/instrument.js'), 'utf8').matchAll(/packageJson\.(\w+)/g)].map((match) => match[1]);
    expect(new Set(readers)).toEqual(new Set(['name', 'version']));
    const entry = "import { getUserAgent } from '@slack/web-api/dist/instrument.js'; console.log(getUserAgent());";
    const result = await build({ stdin: { contents: entry, resolveDir: PROJECT_ROOT, loader: 'js' }, bundle: true, format: 'esm', platform: 'node', write: false, minify: true, absWorkingDir: PROJECT_ROOT, plugins: [lambdaBundleTrimsPlugin], logLevel: 'error', banner: { js: `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(join(PROJECT_ROOT, 'package.json'))});` } });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toContain(description);
    const lines = await printed(code);
    expect(lines[0]).toMatch(new RegExp(`^${name.replace('/', ':')}/${version.replaceAll('.', '\\.')} `));
  });

  // The event-stream cut holds only while no function sends an operation with an event stream: find every such
  // operation in the installed clients' schemas and look for its command in our code.
  it('leave out event streams, which no function uses: no source under functions/ sends an event-stream operation', () => {
    const operations: string[] = [];
    for (const client of readdirSync(join(PROJECT_ROOT, 'node_modules/@aws-sdk')).filter((name) => name.startsWith('client-'))) {
      const schemas = join(PROJECT_ROOT, 'node_modules/@aws-sdk', client, 'dist-es/schemas');
      const source = readdirSync(schemas).map((file) => readFileSync(join(schemas, file), 'utf8')).join('\n');
      const streams = [...source.matchAll(/export var (\w+)\$ = \[4, n0, \w+,\s*\{ \[_st\]: 1 \}/g)].map((match) => match[1]!);
      const holders = [...source.matchAll(/export var (\w+)\$ = \[3, [^;]*?\(\) => (\w+)\$/g)].filter((match) => streams.includes(match[2]!)).map((match) => match[1]!);
      for (const match of source.matchAll(/export var (\w+)\$ = \[9, n0, \w+,[^;]*?\(\) => (\w+)\$, \(\) => (\w+)\$/g)) {
        if (holders.includes(match[2]!) || holders.includes(match[3]!)) operations.push(`${match[1]}Command`);
      }
    }
    expect(operations).toEqual(expect.arrayContaining(['InvokeWithResponseStreamCommand', 'SelectObjectContentCommand']));
    const senders = sourceFiles('functions').flatMap((file) => operations.filter((command) => readFileSync(file, 'utf8').includes(command)).map((command) => `${file}: ${command}`));
    expect(senders).toEqual([]);
  });
});

describe('zod calls marked pure (lib/pure-schemas.ts)', () => {
  it('marks the constructors and checks, not parsing nor what it does not know', async () => {
    const marked = await pureZodCalls("import * as z from './zod.js';\nexport const A = z.optional(z.string().check(z.minLength(1)));\nexport const ok = z.safeParse(A, 'x');\nz.config({});\n", 'a.ts');
    expect(marked).toContain('/* @__PURE__ */ z.optional(/* @__PURE__ */ z.string().check(/* @__PURE__ */ z.minLength(1)))');
    expect(marked).toMatch(/ok = z\.safeParse\(/);
    expect(marked).toMatch(/^z\.config\(/m);
  });

  it('marks the ISO formats (z.iso.datetime, z.iso.date) as the other constructors, and nothing else under z.iso', async () => {
    const marked = await pureZodCalls("import * as z from './zod.js';\nexport const A = z.iso.datetime({ offset: true });\nexport const B = z.iso.date();\nexport const C = z.iso.unheardOf();\n", 'iso.ts');
    expect(marked).toContain('A = /* @__PURE__ */ z.iso.datetime({ offset: true })');
    expect(marked).toContain('B = /* @__PURE__ */ z.iso.date()');
    expect(marked).toMatch(/C = z\.iso\.unheardOf\(\)/);
  });

  it('refuses a source where a mark would fall inside a string, template or regular expression', async () => {
    for (const trap of ["export const s = ' z.string(';", 'export const t = `${1} z.object(`;', 'export const r = /( z.enum())/;']) {
      await expect(pureZodCalls(`import * as z from './zod.js';\n${trap}\n`, 'trap.ts'), trap).rejects.toThrow(/trap\.ts: marking its zod calls pure would change its code/);
    }
  });

  it("drops what a module imports but never uses of a schema file: RoleName without the config it sits beside, same values", async () => {
    const entry = "import { RoleName } from './functions/domain/config-schema.js'; console.log(JSON.stringify(RoleName.options));";
    const bundled = async (plugins: typeof pureSchemasPlugin[]) => {
      const result = await build({ stdin: { contents: entry, resolveDir: PROJECT_ROOT, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, minify: true, absWorkingDir: PROJECT_ROOT, plugins, logLevel: 'error' });
      return result.outputFiles[0]!.text;
    };
    const [plain, pure] = await Promise.all([bundled([]), bundled([pureSchemasPlugin])]);
    expect(plain.includes('separationOfDuties')).toBe(true);
    expect(pure.includes('separationOfDuties')).toBe(false);
    expect(pure.length).toBeLessThan(plain.length * 0.8);
    expect(await printed(pure)).toEqual(await printed(plain));
  });
});

// docs/lean-functions-8c.md: what esbuild kept though nothing used it, each for a reason of its own (a spread, a
// template at load, an unmarked helper call, a `new RegExp`), and so what a drill function carried of the schemas.
describe('schema modules a bundle imports for one name (docs/lean-functions-8c.md)', () => {
  // As the functions are built (marked, minified, tree-shaken), or as plain as esbuild runs the sources (none of that).
  const bundle = async (contents: string, as: 'function' | 'plain' = 'function') =>
    (await build({ stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, absWorkingDir: PROJECT_ROOT, logLevel: 'error', ...(as === 'function' ? { minify: true, plugins: [pureSchemasPlugin] } : { treeShaking: false }) })).outputFiles[0]!.text;

  it('keep nothing of what sits beside that name: check schemas, controls, Slack ids, finding defaults, plain-text patterns, ISO formats', async () => {
    const code = await bundle("import { DrillPlanId } from './functions/domain/drill-plan-schema.js'; console.log(String(DrillPlanId.safeParse('orders').success));");
    expect(await printed(code)).toEqual(['true']);
    const left = {
      'DrillCheck (spread ...CheckBase)': "'item-count'",
      'the SQL checks (spread ...SqlCheck.def.options)': 'sql-row-count',
      'the RDS drivers (spread ...RdsDrivers)': 'rds-snapshot',
      'the controls catalog (a template at load)': 'Tests recovery plan procedures',
      'the Slack config (an unmarked helper)': 'Copy ID',
      'the findings default (spread ...RANSOMWARE_FINDING_TYPES)': 'Effects/Data Destruction',
      'the plain-text patterns (new RegExp, an unmarked helper)': 'a bidi control',
      'the on-call schedule times (z.iso.datetime)': 'an ISO date and time with its offset',
    };
    const kept = Object.entries(left).filter(([, text]) => code.includes(text.replaceAll("'", '"')) || code.includes(text)).map(([what]) => what);
    expect(kept).toEqual([]);
  });

  it('refuse as unbundled, with the messages now made when an issue is raised', async () => {
    const probe = [
      "import { DrillSource } from './functions/domain/drill-plan-schema.js';",
      "import { ControlReference } from './functions/domain/evidence/controls.js';",
      "import { SlackConfig } from './functions/domain/slack-config.js';",
      "import { plainTextProblem, printable, headerLine } from './functions/domain/plain-text.js';",
      "import { defaultFindingsConfig } from './functions/domain/finding-config.js';",
      "import { DrillCheck } from './functions/domain/drill-plan-schema.js';",
      'const issues = (result) => (result.success ? result.data : result.error.issues.map((issue) => issue.path.join(".") + ": " + issue.message));',
      "console.log(JSON.stringify(issues(DrillSource.safeParse({ type: 'dynamodb-table', tableName: 'irdr-drill-orders' }))));",
      "console.log(JSON.stringify(issues(ControlReference.safeParse('SOC2 CC0.0'))));",
      "console.log(JSON.stringify(issues(SlackConfig.safeParse({ teamId: 'X1', channels: { default: 'D12', bySeverity: { SEV1: 'c1' } }, urgentUserGroup: 'U123', people: [{ userId: 'A1', email: 'a@example.com' }] }))));",
      "console.log(JSON.stringify([plainTextProblem('a\\u202eb', 'single-line'), plainTextProblem('a\\rb', 'multi-line'), printable('\\u001b[31m\\tx', { multiLine: true }), headerLine('Re:\\r\\nBcc: x')]));",
      'console.log(JSON.stringify(defaultFindingsConfig));',
      "console.log(JSON.stringify(['sql-row-count', 'sql-checksum', 'sql-schema', 'sql-canary', 'sql-query', 'item-count'].map((type) => issues(DrillCheck.safeParse({ id: 'Bad', type, table: 'a.b.c', query: 'DELETE FROM t' })))));",
      "console.log(JSON.stringify(issues(DrillCheck.safeParse({ id: 'rows', type: 'sql-row-count', table: 'public.orders', expected: 'source' }))));",
    ].join('\n');
    const unbundled = await printed(await bundle(probe, 'plain'));
    expect(unbundled).toHaveLength(7);
    expect(unbundled[0]).toContain('a source table cannot carry the drill prefix \\"irdr-drill-\\"');
    expect(unbundled[2]).toContain('a Slack workspace id (T…), e.g. from the workspace\'s \\"Copy ID\\"');
    expect(await printed(await bundle(probe))).toEqual(unbundled);
  });
});

// functions/aws/drill/plans.ts skips parsing DRILL_PLANS in a bundle (~55 KB of plan schema and croner): sound only
// while the bundled text is already what the parse gives back, and only where the text is the bundled one.
describe('drill plans bundled as parsed at synth', () => {
  it('parse back to themselves: skipping the parse in a bundle gives the handlers the same plans', () => {
    const { DRILL_PLANS } = bundledValuesOf([], loadDrillPlans());
    const bundled = JSON.parse(DRILL_PLANS) as unknown[];
    expect(bundled.length).toBeGreaterThan(3);
    expect(z.array(DrillPlan).parse(bundled)).toEqual(bundled);
  });

  it('are marked parsed only in a function whose bundle holds the plans themselves', () => {
    const values = bundledValuesOf([], loadDrillPlans());
    const withPlans = bundledDefines(functionSpec('StartDrillRun'), values);
    expect(withPlans['process.env.DRILL_PLANS']).toBeDefined();
    expect(withPlans['IRDR_DRILL_PLANS_VALIDATED_AT_SYNTH']).toBe('true');
    const withoutPlans = bundledDefines(functionSpec('RecordEvent'), values);
    expect(withoutPlans['process.env.DRILL_PLANS']).toBeUndefined();
    expect(withoutPlans['IRDR_DRILL_PLANS_VALIDATED_AT_SYNTH']).toBeUndefined();
  });
});

// functions/config.ts takes the config as synth parsed it in a bundle (15-29 KB of config schemas in 27 functions):
// sound only while that text is what parsing gives back, and only in a bundle (no environment variable can set it).
describe('the config bundled as parsed at synth', () => {
  it('parses back to itself, key for key: a bundle sees the config the unbundled handlers see', () => {
    const text = bundledConfigText();
    expect(JSON.stringify(loadConfig(JSON.parse(text)))).toBe(text);
    expect(JSON.parse(text)).toEqual(irdrConfig);
    expect(bundledDefines(functionSpec('RecordEvent'), bundledValuesOf([], loadDrillPlans())).IRDR_BUNDLED_CONFIG).toBe(JSON.stringify(text));
  });

  it('reaches a bundle without the config schemas, and the bundle reads the same config', async () => {
    const entry = "import { irdrConfig } from './functions/config.js'; console.log(JSON.stringify(irdrConfig));";
    const result = await build({ stdin: { contents: entry, resolveDir: PROJECT_ROOT, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, minify: true, metafile: true, absWorkingDir: PROJECT_ROOT, plugins: [pureSchemasPlugin], define: { IRDR_BUNDLED_CONFIG: JSON.stringify(bundledConfigText()) }, logLevel: 'error' });
    const code = result.outputFiles[0]!.text;
    const schemas = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs)).filter(([input, { bytesInOutput }]) => /functions\/domain\/(config-schema|slack-config|finding-config|on-call\/schedule-schema)\.ts$/.test(input) && bytesInOutput > 0);
    expect(schemas.map(([input]) => input)).toEqual([]);
    expect(code).not.toContain('each role needs at least one email address');
    expect(await printed(code)).toEqual([JSON.stringify(irdrConfig)]);
  });
});
