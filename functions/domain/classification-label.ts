import * as z from './zod.js';

/** The classification labels a commander (or a runbook's approval) sets, each owing one regulatory report. Here alone, without the calendars. */
export const ClassificationLabel = z.enum(['personal-data', 'major-ict', 'significant', 'material']);
export type ClassificationLabel = z.infer<typeof ClassificationLabel>;
