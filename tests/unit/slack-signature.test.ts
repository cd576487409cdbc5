import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { slackSignature, verifySlackRequest } from '../../functions/domain/slack-signature.js';

/**
 * Slack's request signature as its docs define it: `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`),
 * the timestamp at most five minutes from now. An attacker without the secret can neither forge, alter nor replay.
 */
describe('Slack request signature', () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
  const now = 1_800_000_000;
  const signed = (timestamp = String(now), rawBody = body, key = secret) => ({
    timestamp,
    rawBody: Buffer.from(rawBody),
    signature: slackSignature(key, timestamp, rawBody),
  });

  it('is the documented HMAC, computed independently here', () => {
    const expected = `v0=${createHmac('sha256', secret).update(`v0:${now}:${body}`).digest('hex')}`;
    expect(slackSignature(secret, String(now), body)).toBe(expected);
  });

  it('accepts a request signed now, and one signed 4 minutes ago (clock skew)', () => {
    expect(verifySlackRequest(secret, signed(), now)).toEqual({ valid: true });
    expect(verifySlackRequest(secret, signed(String(now - 240)), now)).toEqual({ valid: true });
  });

  it('refuses a stale request: a captured one replayed six minutes later, signature intact', () => {
    const captured = signed(String(now - 360));
    expect(verifySlackRequest(secret, captured, now)).toMatchObject({ valid: false, reason: expect.stringContaining('five minutes') });
    // Nor from the future (a timestamp pushed ahead to extend a capture's life).
    expect(verifySlackRequest(secret, signed(String(now + 360)), now)).toMatchObject({ valid: false });
  });

  it('refuses a replay whose timestamp was moved forward: the signature covers the timestamp', () => {
    const captured = signed(String(now - 360));
    expect(verifySlackRequest(secret, { ...captured, timestamp: String(now) }, now)).toMatchObject({ valid: false, reason: expect.stringContaining('does not match') });
  });

  it('refuses a tampered body (one byte, or another action swapped in)', () => {
    const request = signed();
    expect(verifySlackRequest(secret, { ...request, rawBody: Buffer.from(body.replace('block', 'blocK')) }, now)).toMatchObject({ valid: false });
    expect(verifySlackRequest(secret, { ...request, rawBody: Buffer.from(`${body}&x=1`) }, now)).toMatchObject({ valid: false });
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySlackRequest(secret, signed(String(now), body, 'another-apps-signing-secret-0000'), now)).toMatchObject({ valid: false, reason: expect.stringContaining('does not match') });
  });

  it('refuses a request with a header missing, a malformed timestamp, or a signature of the wrong shape', () => {
    const request = signed();
    expect(verifySlackRequest(secret, { ...request, signature: undefined }, now)).toMatchObject({ valid: false, reason: expect.stringContaining('not signed') });
    expect(verifySlackRequest(secret, { ...request, timestamp: undefined }, now)).toMatchObject({ valid: false, reason: expect.stringContaining('not signed') });
    expect(verifySlackRequest(secret, { ...request, timestamp: `${now}.5` }, now)).toMatchObject({ valid: false });
    expect(verifySlackRequest(secret, { ...request, timestamp: `-${now}` }, now)).toMatchObject({ valid: false });
    expect(verifySlackRequest(secret, { ...request, signature: request.signature.replace('v0=', 'v1=') }, now)).toMatchObject({ valid: false });
    expect(verifySlackRequest(secret, { ...request, signature: 'v0=' }, now)).toMatchObject({ valid: false });
    expect(verifySlackRequest(secret, { ...request, signature: request.signature.toUpperCase() }, now)).toMatchObject({ valid: false });
  });
});
