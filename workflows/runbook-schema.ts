import { z } from 'zod';
import { RoleName } from '../functions/domain/config-schema.js';
import { Severity } from '../functions/domain/incident.js';

const StepId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a step id is lower-case letters, digits and dashes, starting with a letter');

const ActionStep = z.object({
  id: StepId,
  type: z.literal('action'),
  title: z.string().min(1),
  handler: z.literal('record-event'),
  /** The event type this step appends to the incident's trail. */
  event: z.string().regex(/^[a-z][a-z0-9.-]*$/, 'an event type is dotted lower-case words, e.g. triage.started'),
});

const NotifyStep = z.object({
  id: StepId,
  type: z.literal('notify'),
  title: z.string().min(1),
  to: z.object({ roles: z.array(RoleName).min(1) }),
  subject: z.string().min(1).max(200),
  body: z.string().min(1),
});

export const RunbookStep = z.discriminatedUnion('type', [ActionStep, NotifyStep]);
export type RunbookStep = z.infer<typeof RunbookStep>;

export const Runbook = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'a runbook id is lower-case letters, digits and dashes'),
    title: z.string().min(1).max(120),
    version: z.number().int().positive(),
    defaultSeverity: Severity,
    description: z.string().optional(),
    controls: z.array(z.string()).default([]),
    steps: z.array(RunbookStep).min(1, 'a runbook needs at least one step'),
  })
  .superRefine((runbook, ctx) => {
    const seen = new Set<string>();
    runbook.steps.forEach((step, index) => {
      if (seen.has(step.id)) {
        ctx.addIssue({ code: 'custom', path: ['steps', index, 'id'], message: `step id "${step.id}" is used twice` });
      }
      seen.add(step.id);
    });
  });
export type Runbook = z.infer<typeof Runbook>;
