import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseTaskLinkId, signTaskLink, signedTaskLinkPath, taskLinkId, verifyTaskLink, type TaskLinkClaims } from '../../functions/domain/task-link.js';

const key = 'k'.repeat(64);
const claims = { incidentId: '3f1c9a2e-8d4b-4e0a-9a51-0c2d7e6b5f10', taskId: 'authority-notice-decision', recipientIndex: 2, expiresAt: 1_900_000_000 };
const now = 1_800_000_000;
/** The task's recipients, as the TASK# item holds them: index 2 is Ada, index 3 is Grace. */
const recipients = ['security-oncall@example.com', 'carl@example.com', 'ada@example.com', 'grace@example.com'];
const addressOf = (of: TaskLinkClaims): string | undefined => recipients[of.recipientIndex];

describe('signed task links', () => {
  const linkId = taskLinkId(claims);
  const sig = signTaskLink(key, linkId, 'ada@example.com');

  it('names the task and the recipient, never an address or a token', () => {
    expect(linkId).toBe('3f1c9a2e-8d4b-4e0a-9a51-0c2d7e6b5f10.authority-notice-decision.2.1900000000');
    expect(parseTaskLinkId(linkId)).toEqual(claims);
    expect(signedTaskLinkPath(key, claims, 'ada@example.com')).toBe(`/task-links/${linkId}?sig=${sig}`);
    expect(signedTaskLinkPath(key, claims, 'ada@example.com')).not.toContain('ada');
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('names the lifecycle review task by its dotted id, and reads it back as one task', () => {
    const review = { ...claims, taskId: 'review.post-incident', recipientIndex: 0 };
    const reviewLinkId = taskLinkId(review);
    expect(reviewLinkId).toBe('3f1c9a2e-8d4b-4e0a-9a51-0c2d7e6b5f10.review.post-incident.0.1900000000');
    expect(parseTaskLinkId(reviewLinkId)).toEqual(review);
    expect(verifyTaskLink([key], reviewLinkId, signTaskLink(key, reviewLinkId, recipients[0]!), addressOf, now)).toEqual({ valid: true, claims: review });
    expect(parseTaskLinkId('3f1c9a2e.review.post-incident.extra.0.1900000000')).toBeUndefined();
  });

  it('verifies its own signature, with the current or a previous key, for the recipient it was made for', () => {
    expect(verifyTaskLink([key], linkId, sig, addressOf, now)).toEqual({ valid: true, claims });
    expect(verifyTaskLink(['n'.repeat(64), key], linkId, sig, addressOf, now)).toEqual({ valid: true, claims });
    // The address is compared as the mail system does: case does not matter.
    expect(signTaskLink(key, linkId, 'Ada@Example.com')).toBe(sig);
  });

  it('refuses a link whose id or signature was changed, or signed with another key', () => {
    const otherRecipient = taskLinkId({ ...claims, recipientIndex: 3 });
    const longer = taskLinkId({ ...claims, expiresAt: claims.expiresAt + 86_400 });
    expect(verifyTaskLink([key], otherRecipient, sig, addressOf, now)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyTaskLink([key], longer, sig, addressOf, now)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyTaskLink(['n'.repeat(64)], linkId, sig, addressOf, now)).toEqual({ valid: false, reason: 'bad-signature' });
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verifyTaskLink([key], linkId, flipped, addressOf, now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it("binds the person into the signature: Ada's link does not verify for Grace, nor once the recipient at its index changes", () => {
    // Grace re-points Ada's link at her own index: the id changes, the signature was Ada's.
    expect(verifyTaskLink([key], taskLinkId({ ...claims, recipientIndex: 3 }), sig, addressOf, now).valid).toBe(false);
    // Same id, but the task's recipient at index 2 is someone else (a list re-ordered, or a forged record).
    expect(verifyTaskLink([key], linkId, sig, () => 'grace@example.com', now)).toEqual({ valid: false, reason: 'bad-signature' });
    // No such recipient: nothing to verify against.
    expect(verifyTaskLink([key], linkId, sig, () => undefined, now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuses a v1 link (signed without the person), even with the real key', () => {
    const v1 = createHmac('sha256', key).update(`irdr-task-link/v1\n${linkId}`, 'utf8').digest('base64url');
    expect(verifyTaskLink([key], linkId, v1, addressOf, now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuses malformed links and missing signatures without throwing', () => {
    expect(verifyTaskLink([key], linkId, undefined, addressOf, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyTaskLink([key], linkId, sig.slice(1), addressOf, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyTaskLink([key], 'not-a-link', sig, addressOf, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyTaskLink([key], `${linkId}.extra`, sig, addressOf, now)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('expires at the time it names', () => {
    expect(verifyTaskLink([key], linkId, sig, addressOf, claims.expiresAt).valid).toBe(true);
    expect(verifyTaskLink([key], linkId, sig, addressOf, claims.expiresAt + 1)).toEqual({ valid: false, reason: 'expired' });
  });
});
