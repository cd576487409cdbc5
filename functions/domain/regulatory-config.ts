import * as z from 'zod';

/**
 * Where the sources disagree on when a stage's clock starts (docs/regulatory-stages.md): DORA's RTS counts the
 * intermediate report from the initial notification's submission and the final from the intermediate's, while
 * summaries count both from classification. The default is the stricter (earlier) reading: classification.
 */
export const RegulatoryConfig = z.strictObject({
  dora: z
    .strictObject({
      intermediateFrom: z.enum(['classification', 'initial-submitted']).default('classification'),
      finalFrom: z.enum(['classification', 'intermediate-submitted']).default('classification'),
    })
    .prefault({}),
});
export type RegulatoryConfig = z.infer<typeof RegulatoryConfig>;
