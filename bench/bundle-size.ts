/**
 * Each Lambda function's bundle as `cdk synth` builds it (lib/functions.ts's esbuild options and bundled values):
 * its size, gzipped size and module init time, against a naive bundle of the same handler built in the same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledDefines, bundledValuesOf, FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from '../lib/functions.js';
import { functionRegistry, type FunctionEnvironmentName, type FunctionSpec } from '../functions/registry.js';
import { stateMachineBlueprints } from '../workflows/catalog.js';
import { loadDrillPlans } from '../workflows/load-drill-plans.js';
import { compared, type Bench, type BenchFigure } from './figure.js';
import { BUNDLE_LIMIT_KB, bundleCeilingBytes } from './bundle-budget.js';
import { bundleFunction, esbuildOptionsOf, naiveOptionsOf, topContributors, type FunctionBundle } from './function-bundle.js';
import { moduleInitMs } from './module-init.js';
import { median, runIfMain, sampleSize } from './stats.js';

/** Values handlers read at import that parse and point nowhere real: init runs, and nothing it builds could reach AWS. */
const IMPORT_TIME_ENVIRONMENT: Record<FunctionEnvironmentName, string> = {
  TABLE_NAME: 'irdr-bench',
  DEDUPLICATION_TABLE_NAME: 'irdr-bench-deduplication',
  RUNBOOK_CATALOG: '{}',
  ROLE_PRINCIPALS: '{}',
  CONSOLE_IDENTITY_POOL_ID: 'us-east-1:00000000-0000-0000-0000-000000000000',
  TASK_LINK_SECRET_ID: 'irdr-bench-task-link-key',
  SLACK_SECRET_ID: 'irdr-bench-slack-app',
  API_URL: 'https://irdr-bench.invalid',
  DRILL_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:irdr-bench',
  EVIDENCE_DIGEST_STORE: 's3://irdr-bench-digests/digests',
  EVIDENCE_SIGNING_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
  EVIDENCE_DIGEST_SIGNING_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000001',
  REVIEW_REMINDER_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:irdr-bench-review-reminder',
  COMPLIANCE_PLATFORMS_SECRET_ID: 'irdr-bench-compliance-platforms',
  VANTA_API_URL: 'https://vanta.irdr-bench.invalid',
  DRATA_API_URL: 'https://drata.irdr-bench.invalid',
  COMPLIANCE_PUSH_FUNCTION_NAME: 'irdr-bench-push-compliance-evidence',
  EVIDENCE_EXPORT_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:irdr-bench-evidence-export',
  EVIDENCE_EXPORT_BUCKET: 'irdr-bench-evidence-exports',
  EVIDENCE_EXPORT_SIGNING_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000002',
};

/** What Lambda's environment holds for this function at init: its registry variables, plus what lib/ and Lambda set. */
const initEnvironment = (spec: FunctionSpec): Record<string, string> => ({
  ...Object.fromEntries(spec.environment.map((name) => [name, IMPORT_TIME_ENVIRONMENT[name]])),
  NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
  POWERTOOLS_SERVICE_NAME: 'irdr',
  AWS_REGION: 'us-east-1',
});

/** count entries spread evenly over the list, so a quick run still meets HTTP, runbook and drill functions. */
const spread = <T>(items: readonly T[], count: number): T[] =>
  Array.from({ length: Math.min(count, items.length) }, (_, index) => items[Math.floor((index * items.length) / Math.min(count, items.length))]!);

interface Measured {
  readonly spec: FunctionSpec;
  readonly project: FunctionBundle;
  readonly naive: FunctionBundle;
  readonly projectInitMs: number;
  readonly naiveInitMs: number;
}

async function measure(spec: FunctionSpec, bundledValues: ReturnType<typeof bundledValuesOf>, outdir: string, samples: number): Promise<Measured> {
  const options = esbuildOptionsOf({ ...FUNCTION_BUNDLING, define: bundledDefines(spec, bundledValues) });
  const project = await bundleFunction(spec.entry, options, join(outdir, spec.name, 'project'));
  const naive = await bundleFunction(spec.entry, naiveOptionsOf(options), join(outdir, spec.name, 'naive'));
  const environment = initEnvironment(spec);
  const projectInit: number[] = [];
  const naiveInit: number[] = [];
  // Interleaved, so a slow moment of the machine falls on both alike.
  for (let index = 0; index < samples; index += 1) {
    projectInit.push(await moduleInitMs(project.file, environment));
    naiveInit.push(await moduleInitMs(naive.file, environment));
  }
  return { spec, project, naive, projectInitMs: median(projectInit), naiveInitMs: median(naiveInit) };
}

const kilobytes = (bytes: number): string => `${Math.round(bytes / 1024).toLocaleString('en')} KB`;

/** Module init of the project's bundle over the naive one's, at most (issue 20: lean functions must not start slower). */
const INIT_RATIO_TARGET = 0.8;

/** What a bundle carries, largest packages first: where to cut when a function is over its budget. */
const carried = (bundle: FunctionBundle): string =>
  topContributors(bundle.moduleBytes, 6).map(({ name, bytes }) => `${name} ${kilobytes(bytes)}`).join(', ');

/** The median and the largest of one ratio over every function measured, naming the function with the largest. */
function ratioSummary(what: string, ratios: ReadonlyArray<{ name: string; ratio: number }>): BenchFigure[] {
  const largest = ratios.reduce((max, entry) => (entry.ratio > max.ratio ? entry : max));
  return [
    { bench: 'bundle-size', name: `${what} ratio, median`, value: median(ratios.map((entry) => entry.ratio)), unit: 'x', note: `over ${ratios.length} functions, against their naive bundles` },
    { bench: 'bundle-size', name: `${what} ratio, max`, value: largest.ratio, unit: 'x', note: largest.name },
  ];
}

export const bench: Bench = async () => {
  const specs: readonly FunctionSpec[] = spread(functionRegistry, sampleSize(functionRegistry.length, 3));
  const samples = sampleSize(5, 2);
  const bundledValues = bundledValuesOf(stateMachineBlueprints(), loadDrillPlans());
  const outdir = await mkdtemp(join(tmpdir(), 'irdr-bundle-size-'));
  const measured: Measured[] = [];
  try {
    for (const [index, spec] of specs.entries()) {
      process.stderr.write(`bundle-size: ${spec.name} (${index + 1}/${specs.length})\n`);
      measured.push(await measure(spec, bundledValues, outdir, samples));
    }
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }

  const perFunction = measured.flatMap(({ spec, project, naive, projectInitMs, naiveInitMs }) => [
    compared({
      bench: 'bundle-size',
      name: `${spec.name}: bundle`,
      value: project.bytes,
      unit: 'bytes',
      baseline: { name: 'naive (bytes)', value: naive.bytes },
      note: `${kilobytes(project.bytes)} vs ${kilobytes(naive.bytes)}${project.bytes > bundleCeilingBytes(spec.name) ? ' (OVER ITS BUDGET)' : ''}; SDK: ${project.sdkClients.join(', ') || 'none'}; largest: ${carried(project)}`,
    }),
    compared({
      bench: 'bundle-size',
      name: `${spec.name}: gzip`,
      value: project.gzipBytes,
      unit: 'bytes',
      baseline: { name: 'naive gzip (bytes)', value: naive.gzipBytes },
      note: `${kilobytes(project.gzipBytes)} vs ${kilobytes(naive.gzipBytes)}`,
    }),
    compared({
      bench: 'bundle-size',
      name: `${spec.name}: init`,
      value: projectInitMs,
      unit: 'ms',
      baseline: { name: 'naive (ms)', value: naiveInitMs },
      note: `median of ${samples} fresh processes importing the bundle`,
    }),
  ]);
  const ratiosOf = (value: (entry: Measured) => number, baseline: (entry: Measured) => number) =>
    measured.map((entry) => ({ name: entry.spec.name, ratio: value(entry) / baseline(entry) }));
  const total = (bytes: (entry: Measured) => number) => measured.reduce((sum, entry) => sum + bytes(entry), 0);
  const initRatios = ratiosOf((entry) => entry.projectInitMs, (entry) => entry.naiveInitMs);
  const overLimit = measured.filter((entry) => entry.project.bytes > BUNDLE_LIMIT_KB * 1024);
  return [
    ...perFunction,
    {
      bench: 'bundle-size',
      name: `functions over ${BUNDLE_LIMIT_KB} KB`,
      value: overLimit.length,
      unit: 'functions',
      note: `of ${measured.length} measured; sizes ${kilobytes(Math.min(...measured.map((entry) => entry.project.bytes)))}–${kilobytes(Math.max(...measured.map((entry) => entry.project.bytes)))}, median ${kilobytes(median(measured.map((entry) => entry.project.bytes)))}`,
    },
    {
      bench: 'bundle-size',
      name: `init ratio, median, against the ${INIT_RATIO_TARGET} target`,
      value: median(initRatios.map((entry) => entry.ratio)),
      unit: 'x',
      note: median(initRatios.map((entry) => entry.ratio)) <= INIT_RATIO_TARGET ? 'met' : `NOT MET: over ${INIT_RATIO_TARGET} of the naive bundle's init`,
    },
    ...ratioSummary('bundle', ratiosOf((entry) => entry.project.bytes, (entry) => entry.naive.bytes)),
    ...ratioSummary('gzip', ratiosOf((entry) => entry.project.gzipBytes, (entry) => entry.naive.gzipBytes)),
    ...ratioSummary('init', ratiosOf((entry) => entry.projectInitMs, (entry) => entry.naiveInitMs)),
    compared({
      bench: 'bundle-size',
      name: 'all bundles, gzip',
      value: total((entry) => entry.project.gzipBytes),
      unit: 'bytes',
      baseline: { name: 'naive gzip (bytes)', value: total((entry) => entry.naive.gzipBytes) },
      note: `${measured.length} functions; source maps ship beside and are not counted`,
    }),
  ];
};

await runIfMain(import.meta.url, bench);
