import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** SHA-256 of the plan's canonical JSON (RFC 8785): which exact plan a run followed. */
export function drillPlanHash(plan: unknown): string {
  const text = canonicalize(plan);
  if (text === undefined) throw new Error('a drill plan must be JSON');
  return createHash('sha256').update(text).digest('hex');
}
