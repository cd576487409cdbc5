import * as z from './zod.js';
import { ConsoleSettings } from './console-federation.js';
import { DbSubnetGroupName, SecurityGroupId, SubnetId } from './drill/rds-plan.js';
import { BusinessCalendarsConfig } from './business-calendars.js';
import { CompliancePlatformsConfig } from './compliance-platform/config.js';
import { FindingsConfig, defaultFindingsConfig } from './finding-config.js';
import { PostIncidentReviewConfig, defaultPostIncidentReviewConfig } from './incident-review.js';
import { OnCallSchedule, unknownScheduledPeople } from './on-call/schedule-schema.js';
import { RegulatoryConfig } from './regulatory-config.js';
import { PublicAlias, StatementPublishLocation } from './evidence/continuity-statement-schema.js';
import { SlackConfig } from './slack-config.js';

export const roleNames = ['responder', 'commander', 'approver', 'auditor'] as const;
export const RoleName = z.enum(roleNames);
export type RoleName = z.infer<typeof RoleName>;

/** An IAM principal ARN, `*` matching any run of characters (e.g. every session of an assumed role). */
export const PrincipalPattern = z.string().check(z.regex(/^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):\S+$/, 'a principal is an IAM or STS ARN, `*` allowed, e.g. arn:aws:sts::123456789012:assumed-role/SecurityResponder/*'));

/** Someone who acts in a role, by name and their own address: task emails with a decision link go to people, never lists. */
export const RolePerson = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1, 'a person has a name'), z.maxLength(100, 'at most 100 characters')),
  email: z.email(),
  /**
   * The IAM principals this person signs in as: what they did through an emailed link (`email:<address>`) counts as
   * theirs for separation of duties. Without it, every principal of their roles counts as them (the safe side).
   */
  principals: z.optional(z.array(PrincipalPattern)),
});
export type RolePerson = z.infer<typeof RolePerson>;

const RoleContacts = z.object({
  /** The role's list addresses: plain notices (notify steps, clocks, reports); never a decision link. */
  emails: z._default(z.array(z.email()), []),
  /**
   * The role's people, each emailed their own task email with their own decision link, recorded as themselves.
   * A role without people gets its human tasks as notices at its list addresses (decided through the API or CLI).
   */
  people: z._default(z.array(RolePerson), []),
  /** Who acts in this role: callers whose IAM ARN matches one of these. */
  principals: z._default(z.array(PrincipalPattern), []),
  /** Who of the people is paged, by rotation and override (docs/on-call.md); without it, all of them are. */
  onCall: z.optional(OnCallSchedule),
}).check(z.refine((contacts) => contacts.emails.length + contacts.people.length > 0, {
  path: ['emails'],
  message: 'each role needs at least one email address (a list in emails, or people with their own)',
}), z.superRefine((contacts, context) => {
  // A scheduled person must be one of the role's people: their link then lets them act in the role.
  for (const { path, email } of contacts.onCall ? unknownScheduledPeople(contacts.onCall, contacts.people) : []) {
    context.addIssue({ code: 'custom', path: ['onCall', ...path], message: `${email} is not one of this role's people: add them to people, or name someone who is` });
  }
}));

/**
 * How long emailed task links live (functions/domain/link-lifetime.ts). A link is a bearer credential: whoever holds
 * it decides, so it lives only as long as the person it was sent to is the one being asked.
 */
export const LinksConfig = z.strictObject({
  /**
   * A task link lives for the level (deadline or escalation step) it was sent at, and never longer than this: an
   * escalation sends fresh links to the next level's people. 24 h covers a working day and its night on call.
   */
  taskLinkMaxHours: z._default(z.number().check(z.int(), z.gte(1, 'at least 1 hour'), z.lte(72, 'at most 72 hours: a longer wait is decided through the API or CLI')), 24),
  /**
   * A post-incident review link lives this long after it is sent (on resolve; the overdue reminder sends a fresh
   * one). 72 h: three days to read the request and record the review by link; past it, the API or CLI.
   */
  reviewLinkHours: z._default(z.number().check(z.int(), z.gte(1, 'at least 1 hour'), z.lte(168, 'at most 168 hours (7 days)')), 72),
});
export type LinksConfig = z.infer<typeof LinksConfig>;

/** Operational alerts: the CloudWatch alarms (lib/alarms.ts) email these addresses through SNS. */
export const AlertsConfig = z.object({
  /** Each address gets an SNS subscription, which it must confirm once (SNS emails a link) before alerts arrive. */
  emails: z._default(z.array(z.email()), []),
});
export type AlertsConfig = z.infer<typeof AlertsConfig>;

/** The write-once digests of the trail (lib/evidence-digests.ts). */
export const EvidenceConfig = z.strictObject({
  /**
   * How long each digest is locked (S3 Object Lock, compliance mode: nobody, root included, can delete it sooner).
   * Cover the audit period and the time to the auditor's report: 400 days spans a SOC 2 Type II year and its fieldwork.
   * The evidence table's monthly AWS Backup recovery points are kept as long (lib/evidence-backups.ts).
   */
  digestRetentionDays: z._default(z.number().check(z.int(), z.gte(1, 'at least 1 day'), z.lte(36_500, 'at most 100 years')), 400),
  /**
   * Whoever acknowledged, resolved or closed an incident, or started a drill run by hand, cannot sign off its
   * evidence (SOC 2 CC1.3, ISO/IEC 27001 A.5.3): a reviewer is someone else. Off only for a team of one.
   */
  separationOfDuties: z._default(z.boolean(), true),
  /** The continuity statement given to customers (docs/continuity-statement.md). */
  statement: z.prefault(z.strictObject({
    /** Drill plan id → the name a customer reads; a plan without one is `Plan A`, `Plan B`, ..., never its id. */
    planAliases: z._default(z.record(z.string().check(z.minLength(1)), PublicAlias), {}),
    /** Where `irdr evidence statement --publish` puts continuity-statement.json and .html (the Trust Center links there). */
    publishTo: z.optional(StatementPublishLocation),
  }), {}),
});
export type EvidenceConfig = z.infer<typeof EvidenceConfig>;

/**
 * Limits of the HTTP API (lib/http-api.ts, lib/functions.ts). The defaults are about ten times what a response team
 * and its scripts use at peak, and bound what a leaked credential or a runaway script can cost or load onto the table.
 */
export const ApiConfig = z.strictObject({
  /** Every route's throttle on the `$default` stage (API Gateway answers 429 past it); each route has its own bucket. */
  // prefault: the inner defaults, stated once.
  throttle: z.prefault(z.strictObject({
    /** Steady-state requests per second; API Gateway's account limit (10,000) caps it anyway. */
    rateLimit: z._default(z.number().check(z.positive('above 0'), z.lte(10_000, "at most 10,000, API Gateway's account limit")), 50),
    /** Requests allowed at once above the rate (the token bucket's size). */
    burstLimit: z._default(z.number().check(z.int(), z.gte(1, 'at least 1'), z.lte(5_000, "at most 5,000, API Gateway's account limit")), 100),
  }), {}),
  /**
   * Lambda concurrency reserved for each API function: the most it runs at once (a flood of requests cannot take the
   * account's concurrency from the runbooks), and what it keeps when the rest of the account is busy. The account's
   * concurrency quota must leave 100 unreserved beyond this times the number of API functions. `"none"` reserves
   * nothing, for an account whose quota is too low (new accounts can start at 10): the stage throttle still applies.
   */
  reservedConcurrencyPerFunction: z._default(z.union([z.number().check(z.int('a whole number of executions'), z.gte(1, 'at least 1 (0 would stop the function), or "none" to reserve nothing'), z.lte(1_000, 'at most 1,000')), z.literal('none')], {
    error: 'a whole number of executions from 1 to 1,000 (0 would stop the function), or "none" to reserve nothing',
  }), 10),
});
export type ApiConfig = z.infer<typeof ApiConfig>;

export const DrillsConfig = z.strictObject({
  database: z.optional(z.strictObject({
    dbSubnetGroupName: DbSubnetGroupName,
    vpcSecurityGroupIds: z.array(SecurityGroupId).check(z.minLength(1), z.maxLength(5)),
    /**
     * Where the wire-check validator (RunDrillWireChecks) runs: subnets of the drill VPC (those of the subnet group, or
     * beside them) and its own security group, which the databases' groups admit on the engine's port. Without it,
     * plans with `sqlAccess.via: wire` are refused.
     */
    validator: z.optional(z
      .strictObject({
        subnetIds: z.array(SubnetId).check(z.minLength(1, 'at least one subnet (two, in two AZs, for a validator that survives an AZ)'), z.maxLength(16, "at most 16, Lambda's limit")),
        securityGroupIds: z.array(SecurityGroupId).check(z.minLength(1), z.maxLength(5, "at most 5, Lambda's limit")),
      })),
  })),
});

export const IrdrConfig = z.object({
  $comment: z.optional(z.string()),
  mail: z.object({ from: z.email() }),
  roles: z.record(RoleName, RoleContacts),
  /** Which GuardDuty and Security Hub findings open incidents, how severe, on which runbook. */
  findings: z._default(FindingsConfig, defaultFindingsConfig),
  /** The review task on resolve: due in business days per severity (SEV1/SEV2: 5 unless configured). */
  postIncidentReview: z._default(PostIncidentReviewConfig, defaultPostIncidentReviewConfig),
  /** Whose holidays and clock each business-day or monthly deadline counts on (docs/regulatory-stages.md); defaults apply when left out. */
  businessCalendars: z.prefault(BusinessCalendarsConfig, {}),
  /** When the regulatory report stages whose start the sources disagree on count from (docs/regulatory-stages.md). */
  regulatory: z.prefault(RegulatoryConfig, {}),
  /** Who gets the operational alarms; optional (without it the alarms still publish to the topic, with no subscriber). */
  alerts: z.optional(AlertsConfig),
  evidence: z.prefault(EvidenceConfig, {}),
  /** The HTTP API's throttle and its functions' reserved concurrency; defaults apply when left out. */
  api: z.prefault(ApiConfig, {}),
  /** How long emailed task and review links live; defaults apply when left out. */
  links: z.prefault(LinksConfig, {}),
  /** Where signed-off evidence is pushed (Vanta, Drata: docs/compliance-platforms.md); off when left out. */
  compliancePlatforms: z.optional(CompliancePlatformsConfig),
  /** Incident notices and buttons in Slack (docs/slack.md); without it, irdr speaks only email. */
  slack: z.optional(SlackConfig),
  /** Where drills restore databases: the drill subnet group and security groups (no route from outside). */
  drills: z.optional(DrillsConfig),
  /** The console's sign-in in AWS: optional federation to the company's IdP (docs/console-sign-in-6.md). */
  console: z.optional(ConsoleSettings),
});
export type IrdrConfig = z.infer<typeof IrdrConfig>;
