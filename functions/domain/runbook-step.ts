import * as z from './zod.js';
import { RoleName } from './config-schema.js';
import { RunbookStatus } from './incident.js';

/** Every payload a runbook step hands to a task function carries these. */
export const StepContext = z.object({
  incidentId: z.string().check(z.minLength(1)),
  stepId: z.string().check(z.minLength(1)),
  executionArn: z.string().check(z.minLength(1)),
});

export const RecordEventTask = z.extend(StepContext, {
  type: z.string().check(z.minLength(1)),
  /** Moves the incident's runbookStatus when given. */
  runbookStatus: z.optional(RunbookStatus),
  detail: z.optional(z.record(z.string(), z.unknown())),
});
export type RecordEventTask = z.infer<typeof RecordEventTask>;

export const SendNotificationTask = z.extend(StepContext, {
  to: z.object({ roles: z.optional(z.array(RoleName).check(z.minLength(1))), addresses: z.optional(z.array(z.email()).check(z.minLength(1))) }).check(z.refine((to) => to.roles !== undefined || to.addresses !== undefined, { message: 'name roles, addresses or both' })),
  subject: z.string().check(z.minLength(1)),
  /** Plain-text body template. */
  body: z.string().check(z.minLength(1)),
  /** HTML body template; by default the text body, escaped. */
  html: z.optional(z.string().check(z.minLength(1))),
  /** The runbook input (and whatever the run added to it): what `{{field}}` templates read. */
  variables: z.record(z.string(), z.unknown()),
});
export type SendNotificationTask = z.infer<typeof SendNotificationTask>;

/** Runbook steps act as their execution, so the trail says which run did what. */
export const stepActor = (executionArn: string): string => `states:${executionArn}`;
