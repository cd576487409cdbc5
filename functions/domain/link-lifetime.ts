import type { LinksConfig } from './config-schema.js';
import type { HumanTaskRecord } from './human-task.js';

/*
 * How long an emailed link lives (config `links`). A link is a bearer credential, so it lives only while the
 * person it went to is the one being asked: a task link for its level, a review link for a few days.
 */

/**
 * A task link sent at the task's current level: it expires when that level ends (the deadline, or the escalation
 * step's wait), and at most `taskLinkMaxHours` after `now`. The next level's emails carry fresh links.
 */
export function taskLinkExpiresAt(task: Pick<HumanTaskRecord, 'levelStartedAt' | 'levelSeconds'>, links: LinksConfig, now: Date): Date {
  const levelEnds = Date.parse(task.levelStartedAt) + task.levelSeconds * 1000;
  const longest = now.getTime() + links.taskLinkMaxHours * 3_600_000;
  return new Date(Math.min(levelEnds, longest));
}

/** A post-incident review link, sent now (on resolve, or with the overdue reminder): `reviewLinkHours` from now. */
export function reviewLinkExpiresAt(links: LinksConfig, now: Date): Date {
  return new Date(now.getTime() + links.reviewLinkHours * 3_600_000);
}
