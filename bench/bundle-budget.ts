/**
 * The size each Lambda function's code may have (issue 20: at most 300 KB minified, the source map beside it not
 * counted), held by tests/infra/function-bundle.test.ts over every function in the registry.
 */
import type { FunctionName } from '../functions/registry.js';

export const BUNDLE_LIMIT_KB = 300;

/**
 * Functions still over the limit, each held to about the size it has now (KB, rounded up) so that none grows while
 * what it carries is cut; docs/lean-functions.md (and -6, -7, -8, -8b, -8c) says what that is. A function leaves this list when it is under
 * the limit, and then the limit holds it.
 */
export const OVER_LIMIT_KB: Readonly<Partial<Record<FunctionName, number>>> = {
  // Count business days on the holiday table made at synth (~12 KB for US and BE; date-holidays, moment-timezone and
  // astronomia, ~1.1 MB, left out since 2026-12-07), beside SES, Step Functions, Secrets Manager and Slack.
  CompleteHumanTask: 440, // now 418 after lean-functions-8c; 450 without unused schemas and SDK code; 498 with zod/mini (was 552; 599 before literal SDK schema keys; 1657)
  ClassifyIncident: 450, // now 426 after lean-functions-8c; 456 without unused schemas and SDK code; 504 with zod/mini (was 558; 605 before literal SDK schema keys; 1650)
  ChangeIncidentStatus: 430, // now 405 after lean-functions-8c; 441 without unused schemas and SDK code; 488 with zod/mini (was 540; 588 before literal SDK schema keys; 1646)
  TrackClock: 410, // now 389 after lean-functions-8c; 419 without unused schemas and SDK code; 463 with zod/mini (was 520; 568 before literal SDK schema keys; 1602)
  StartReportsFromRunbook: 450, // now 422 after lean-functions-8c; 453 without unused schemas and SDK code; 501 with zod/mini (was 556; 603 before literal SDK schema keys; 1653)
  // A finding's severity raise starts clocks and report stages, and after resolve the review (links, reminder).
  OpenIncidentFromFinding: 450, // now 422 after lean-functions-8c; 453 without unused schemas and SDK code; 501 with zod/mini (was 557; 604 before literal SDK schema keys; 1648 carrying the holiday calendars; 568 before the raise)
  // Drill functions: the S3, RDS, Backup and DynamoDB clients (each operation called, its schemas and the errors), pg.
  RunDrillChecks: 560, // now 529 after lean-functions-8c; 551 without unused schemas and SDK code; 654 with zod/mini (was 713; 968 before literal SDK schema keys)
  // The wire validator: pg, mysql2 (iconv-lite's encodings ~490 KB) and the RDS CAs.
  RunDrillWireChecks: 1200, // now 1142 after lean-functions-8c; 1164 with its data tables compressed; 1675 without unused schemas and SDK code; 1779 with zod/mini (was 1837; 2093 before literal SDK schema keys)
  // Restore waits: the RDS and AWS Backup clients.
  AwaitDrillRestoreEnd: 380, // now 355 without unused schemas and SDK code; 395 with zod/mini (was 458; 673 before literal SDK schema keys)
  // Validation fan-out: the DynamoDB client and the drill plans (PlanDrillValidation), the client alone (CountDrillSegment);
  // both carry the S3 client (~155 KB) for the key ranges of bucket checks, dropped from stacks that restore no bucket.
  PlanDrillValidation: 350, // now 331 after lean-functions-8c; 362 without unused schemas and SDK code; 459 with zod/mini (was 515; 576 before literal SDK schema keys; 421 before S3 key ranges)
  CountDrillSegment: 360, // now 335 after lean-functions-8c; 344 without unused schemas and SDK code; 369 with zod/mini (was 429; 483 before literal SDK schema keys; 317 before S3 key ranges)
  CleanUpDrill: 620, // now 582 after lean-functions-8c; 638 without unused schemas and SDK code; 728 with zod/mini (was 786; 934 before literal SDK schema keys)
  WriteDrillCanary: 460, // now 437 after lean-functions-8c; 469 without unused schemas and SDK code; 570 with zod/mini (was 627; 792 before literal SDK schema keys)
  // The wire canary writer in the drill VPC: pg, the RDS and Secrets Manager clients, the RDS CAs.
  WriteDrillWireCanary: 560, // now 524 after lean-functions-8c; 547 with its data tables compressed; 617 without unused schemas and SDK code; 725 with zod/mini (was 784; 798 before literal SDK schema keys)
  PrepareDrillRun: 530, // now 500 after lean-functions-8c; 542 without unused schemas and SDK code; 628 with zod/mini (was 686; 788 before literal SDK schema keys)
  CheckDrillRestore: 530, // now 497 after lean-functions-8c; 539 without unused schemas and SDK code; 625 with zod/mini (was 684; 784 before literal SDK schema keys)
  StartDrillRestore: 520, // now 495 after lean-functions-8c; 537 without unused schemas and SDK code; 623 with zod/mini (was 682; 783 before literal SDK schema keys)
  // SES, S3, KMS, Backup, Lambda or Slack beside DynamoDB: each SDK client's runtime and errors, the Slack client ~60 KB.
  // ExportEvidence also draws the statement's one-page PDF (GET /evidence/statement, Accept: application/pdf): pdfkit +180 KB.
  ExportEvidence: 620, // now 586 after lean-functions-8c; 610 with pdfkit text-only; 657 without unused schemas and SDK code; 716 with zod/mini; 813 before literal SDK schema keys (633 before the PDF)
  // The asynchronous export's steps: S3 (parts and zips), KMS, Backup (estate coverage) and DynamoDB clients, the rendering.
  // ...and, done, queues the export for the compliance platforms (the Lambda client and the config: +100 KB).
  RunEvidenceExport: 580, // now 544 after lean-functions-8c; 577 without unused schemas and SDK code; 670 with zod/mini; 869 before literal SDK schema keys (769 before the push)
  SendDrillReport: 370, // now 350 after lean-functions-8c; 396 without unused schemas and SDK code; 492 with zod/mini (was 550; 588 before literal SDK schema keys)
  CreateHumanTask: 400, // now 379 after lean-functions-8c; 414 without unused schemas and SDK code; 459 with zod/mini (was 513; 559 before literal SDK schema keys)
  VerifyEvidence: 410, // now 385 after lean-functions-8c; 401 without unused schemas and SDK code; 448 with zod/mini (was 503; 556 before literal SDK schema keys)
  EscalateHumanTask: 400, // now 375 after lean-functions-8c; 410 without unused schemas and SDK code; 456 with zod/mini (was 509; 556 before literal SDK schema keys)
  RemindReportStage: 370, // now 351 after lean-functions-8c; 395 without unused schemas and SDK code; 442 with zod/mini (was 496; 544 before literal SDK schema keys)
  RemindOverdueReview: 370, // now 344 after lean-functions-8c; 385 without unused schemas and SDK code; 430 with zod/mini (was 483; 526 before literal SDK schema keys)
  WriteEvidenceDigest: 390, // now 367 after lean-functions-8c; 376 without unused schemas and SDK code; 406 with zod/mini (was 469; 523 before literal SDK schema keys)
  SendNotification: 370, // now 344 after lean-functions-8c; 381 without unused schemas and SDK code; 424 with zod/mini (was 479; 523 before literal SDK schema keys)
  RemindCorrectiveAction: 360, // now 335 after lean-functions-8c; 379 without unused schemas and SDK code; 423 with zod/mini (was 478; 522 before literal SDK schema keys)
  AnswerTaskLink: 360, // now 343 after lean-functions-8c; 382 without unused schemas and SDK code; 426 with zod/mini (was 480)
  SlackInteractions: 360, // now 341 after lean-functions-8c; 380 without unused schemas and SDK code; 425 with zod/mini (was 478)
  // The compliance push draws its PDF with pdfkit (browser build, standard fonts, no fontkit: +174 KB).
  // It reads an exported period's zip from the exports bucket (the S3 client: +172 KB).
  PushComplianceEvidence: 590, // now 559 after lean-functions-8c; 599 with pdfkit text-only; 646 without unused schemas and SDK code; 696 with zod/mini; 814 before literal SDK schema keys (641 before the exported periods; 461 with a hand-written PDF writer)
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
