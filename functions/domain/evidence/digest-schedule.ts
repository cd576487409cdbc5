/** When the evidence digest is written: daily, after midnight UTC (EventBridge Scheduler in AWS, the local scheduler here). */
export const EVIDENCE_DIGEST_SCHEDULE = { name: 'irdr-evidence-digest', expression: 'cron(15 0 * * ? *)', timeZone: 'UTC' } as const;
/** Where digests go in their bucket: one prefix, so grants name it. */
export const DIGEST_KEY_PREFIX = 'irdr';
