import * as z from 'zod';
import { RoleName } from './config-schema.js';
import { RunbookStatus } from './incident.js';

/** Every payload a runbook step hands to a task function carries these. */
export const StepContext = z.object({
  incidentId: z.string().min(1),
  stepId: z.string().min(1),
  executionArn: z.string().min(1),
});

export const RecordEventTask = StepContext.extend({
  type: z.string().min(1),
  /** Moves the incident's runbookStatus when given. */
  runbookStatus: RunbookStatus.optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type RecordEventTask = z.infer<typeof RecordEventTask>;

export const SendNotificationTask = StepContext.extend({
  to: z
    .object({ roles: z.array(RoleName).min(1).optional(), addresses: z.array(z.email()).min(1).optional() })
    .refine((to) => to.roles !== undefined || to.addresses !== undefined, { message: 'name roles, addresses or both' }),
  subject: z.string().min(1),
  /** Plain-text body template. */
  body: z.string().min(1),
  /** HTML body template; by default the text body, escaped. */
  html: z.string().min(1).optional(),
  /** The runbook input (and whatever the run added to it): what `{{field}}` templates read. */
  variables: z.record(z.string(), z.unknown()),
});
export type SendNotificationTask = z.infer<typeof SendNotificationTask>;

/** Runbook steps act as their execution, so the trail says which run did what. */
export const stepActor = (executionArn: string): string => `states:${executionArn}`;
