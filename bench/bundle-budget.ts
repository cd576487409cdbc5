/**
 * The size each Lambda function's code may have (issue 20: at most 300 KB minified, the source map beside it not
 * counted), held by tests/infra/function-bundle.test.ts over every function in the registry.
 */
import type { FunctionName } from '../functions/registry.js';

export const BUNDLE_LIMIT_KB = 300;

/**
 * Functions still over the limit, each held to about the size it has now (KB, rounded up) so that none grows while
 * what it carries is cut; docs/lean-functions.md says what that is. A function leaves this list when it is under
 * the limit, and then the limit holds it.
 */
export const OVER_LIMIT_KB: Readonly<Partial<Record<FunctionName, number>>> = {
  // Count business days on the holiday table made at synth (~12 KB for US and BE; date-holidays, moment-timezone and
  // astronomia, ~1.1 MB, left out since 2026-12-07), beside SES, Step Functions, Secrets Manager and Slack.
  CompleteHumanTask: 630, // now 599 (was 1657)
  ClassifyIncident: 640, // now 605 (was 1650)
  ChangeIncidentStatus: 620, // now 588 (was 1646)
  TrackClock: 600, // now 568 (was 1602)
  StartReportsFromRunbook: 640, // now 603 (was 1653)
  // A finding's severity raise starts clocks and report stages, and after resolve the review (links, reminder).
  OpenIncidentFromFinding: 640, // now 604 (was 1648 carrying the holiday calendars; 568 before the raise)
  // Drill functions: the S3, RDS, Backup and DynamoDB clients with every operation's schema (computed trait keys), pg.
  RunDrillChecks: 1020, // now 968
  // The wire validator: pg, mysql2 (iconv-lite's encodings ~490 KB) and the RDS CAs.
  RunDrillWireChecks: 2200, // now 2093
  // Restore waits and restore testing: the RDS and AWS Backup clients.
  AwaitDrillRestoreEnd: 710, // now 673
  EndDrillRestoreWait: 490, // now 461
  StartRestoreTestingDrill: 480, // now 453
  // Validation fan-out: the DynamoDB client and the drill plans (PlanDrillValidation), the client alone (CountDrillSegment);
  // both carry the S3 client (~155 KB) for the key ranges of bucket checks, dropped from stacks that restore no bucket.
  PlanDrillValidation: 610, // now 576 (was 421 before S3 key ranges)
  CountDrillSegment: 510, // now 483 (was 317 before S3 key ranges)
  CleanUpDrill: 990, // now 934
  WriteDrillCanary: 840, // now 792
  // The wire canary writer in the drill VPC: pg, the RDS and Secrets Manager clients, the RDS CAs.
  WriteDrillWireCanary: 840, // now 798
  PrepareDrillRun: 830, // now 788
  CheckDrillRestore: 830, // now 784
  StartDrillRestore: 830, // now 783
  // SES, S3, KMS, Backup, Lambda or Slack beside DynamoDB: each SDK client with every operation's schema, the Slack client ~60 KB.
  // ExportEvidence also draws the statement's one-page PDF (GET /evidence/statement, Accept: application/pdf): pdfkit +180 KB.
  ExportEvidence: 850, // now 813 (633 before the PDF)
  // The asynchronous export's steps: S3 (parts and zips), KMS, Backup (estate coverage) and DynamoDB clients, the rendering.
  // ...and, done, queues the export for the compliance platforms (the Lambda client and the config: +100 KB).
  RunEvidenceExport: 900, // now 869 (769 before the push)
  SendDrillReport: 620, // now 588
  CreateHumanTask: 590, // now 559
  VerifyEvidence: 590, // now 556
  EscalateHumanTask: 590, // now 556
  RemindReportStage: 580, // now 544
  RemindOverdueReview: 560, // now 526
  WriteEvidenceDigest: 550, // now 523
  SendNotification: 550, // now 523
  RemindCorrectiveAction: 550, // now 522
  RecordDrillOutcome: 550, // now 517
  AnswerTaskLink: 510, // now 481
  StartDrillRun: 510, // now 478
  SlackInteractions: 510, // now 478
  // The compliance push draws its PDF with pdfkit (browser build, standard fonts, no fontkit: +174 KB).
  // It reads an exported period's zip from the exports bucket (the S3 client: +172 KB).
  PushComplianceEvidence: 850, // now 814 (641 before the exported periods; 461 with a hand-written PDF writer)
  SignOffEvidence: 470, // now 446
  // One or two SDK clients (DynamoDB, Step Functions), Powertools idempotency, croner; the floor of zod + one SDK client is ~300 KB.
  ReadDrills: 450, // now 422
  // DynamoDB and Step Functions clients; the download link is signed without an S3 client (functions/aws/s3-presign.ts: 541 -> 390).
  EvidenceExports: 410, // now 390
  ReadEstateCoverage: 450, // now 420
  CreateIncident: 440, // now 419
  CorrectiveActions: 410, // now 382
  StartDrillFromRunbook: 390, // now 363
  ReadIncidentReview: 380, // now 353
  ListIncidents: 370, // now 349
  AddIncidentNote: 370, // now 349
  GetIncident: 370, // now 348
  ListHumanTasks: 370, // now 347
  ListUnreviewedEvidence: 370, // now 346
  RecordEndedRun: 370, // now 345
  ExpireHumanTask: 370, // now 344
  RecordEvent: 360, // now 342
};

/** What a function's code may weigh, in bytes. */
export const bundleCeilingBytes = (name: string): number => (OVER_LIMIT_KB[name as FunctionName] ?? BUNDLE_LIMIT_KB) * 1024;

/** What breaks the budget, each saying what to do: a function over its ceiling, or one listed over that no longer is. */
export function budgetProblems(bytesByFunction: ReadonlyMap<string, number>): string[] {
  const problems: string[] = [];
  for (const [name, bytes] of bytesByFunction) {
    const ceiling = bundleCeilingBytes(name);
    const listed = OVER_LIMIT_KB[name as FunctionName] !== undefined;
    if (bytes > ceiling) {
      problems.push(`${name}: ${kb(bytes)} of code, over ${listed ? `the ${kb(ceiling)} it is held to` : `the ${BUNDLE_LIMIT_KB} KB limit`}: see which packages it carries (npx tsx bench/bundle-size.ts) and docs/lean-functions.md`);
    } else if (listed && bytes <= BUNDLE_LIMIT_KB * 1024) {
      problems.push(`${name}: ${kb(bytes)} of code, under the ${BUNDLE_LIMIT_KB} KB limit now: take it off OVER_LIMIT_KB in bench/bundle-budget.ts`);
    }
  }
  return problems;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
