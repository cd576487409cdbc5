import { describe, expect, it } from 'vitest';
import { parseTaskLinkId, signTaskLink, signedTaskLinkPath, taskLinkId, verifyTaskLink } from '../../functions/domain/task-link.js';

const key = 'k'.repeat(64);
const claims = { incidentId: '3f1c9a2e-8d4b-4e0a-9a51-0c2d7e6b5f10', taskId: 'authority-notice-decision', recipientIndex: 2, expiresAt: 1_900_000_000 };
const now = 1_800_000_000;

describe('signed task links', () => {
  const linkId = taskLinkId(claims);
  const sig = signTaskLink(key, linkId);

  it('names the task and the recipient, never an address or a token', () => {
    expect(linkId).toBe('3f1c9a2e-8d4b-4e0a-9a51-0c2d7e6b5f10.authority-notice-decision.2.1900000000');
    expect(parseTaskLinkId(linkId)).toEqual(claims);
    expect(signedTaskLinkPath(key, claims)).toBe(`/task-links/${linkId}?sig=${sig}`);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('names the lifecycle review task by its dotted id, and reads it back as one task', () => {
    const review = { ...claims, taskId: 'review.post-incident', recipientIndex: 0 };
    const reviewLinkId = taskLinkId(review);
    expect(reviewLinkId).toBe('3f1c9a2e-8d4b-4e0a-9a51-0c2d7e6b5f10.review.post-incident.0.1900000000');
    expect(parseTaskLinkId(reviewLinkId)).toEqual(review);
    expect(verifyTaskLink([key], reviewLinkId, signTaskLink(key, reviewLinkId), now)).toEqual({ valid: true, claims: review });
    expect(parseTaskLinkId('3f1c9a2e.review.post-incident.extra.0.1900000000')).toBeUndefined();
  });

  it('verifies its own signature, with the current or a previous key', () => {
    expect(verifyTaskLink([key], linkId, sig, now)).toEqual({ valid: true, claims });
    expect(verifyTaskLink(['n'.repeat(64), key], linkId, sig, now)).toEqual({ valid: true, claims });
  });

  it('refuses a link whose id or signature was changed, or signed with another key', () => {
    const otherRecipient = taskLinkId({ ...claims, recipientIndex: 3 });
    const longer = taskLinkId({ ...claims, expiresAt: claims.expiresAt + 86_400 });
    expect(verifyTaskLink([key], otherRecipient, sig, now)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyTaskLink([key], longer, sig, now)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyTaskLink(['n'.repeat(64)], linkId, sig, now)).toEqual({ valid: false, reason: 'bad-signature' });
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verifyTaskLink([key], linkId, flipped, now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuses malformed links and missing signatures without throwing', () => {
    expect(verifyTaskLink([key], linkId, undefined, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyTaskLink([key], linkId, sig.slice(1), now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyTaskLink([key], 'not-a-link', sig, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyTaskLink([key], `${linkId}.extra`, sig, now)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('expires at the time it names', () => {
    expect(verifyTaskLink([key], linkId, sig, claims.expiresAt).valid).toBe(true);
    expect(verifyTaskLink([key], linkId, sig, claims.expiresAt + 1)).toEqual({ valid: false, reason: 'expired' });
  });
});
