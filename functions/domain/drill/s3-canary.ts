import { CANARY_MARKER } from './canary.js';

/*
 * The RPO canary for a bucket: one object, rewritten in the source on a schedule, holding when it was written. The
 * restored bucket's copy says how fresh the restore is (canaryVerdict, as for a table). Other checks leave it out.
 */

/** The canary object's body: JSON with the time it was written. */
export function canaryObjectBody(planId: string, writtenAt: string): string {
  return JSON.stringify({ writtenAt, [CANARY_MARKER]: true, planId });
}

/** The canary's writtenAt from an object's body: undefined when the body is no canary (then the check says so). */
export function canaryWrittenAtOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return parsed[CANARY_MARKER] === true && typeof parsed['writtenAt'] === 'string' ? parsed['writtenAt'] : undefined;
  } catch {
    return undefined;
  }
}
