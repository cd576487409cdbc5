import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from '../../local/eventbridge/event-pattern.js';

/** The local bus's pattern matching, on EventBridge's documented semantics. */
describe('local event pattern matching', () => {
  const event = {
    source: 'aws.securityhub',
    detail: { findings: [{ Severity: { Label: 'LOW' }, Id: 'a' }, { Severity: { Label: 'HIGH' }, Id: 'b' }], count: 4 },
  };

  it('matches a list if any value matches, and flattens arrays of objects field by field', () => {
    expect(matchesEventPattern({ detail: { findings: { Severity: { Label: ['HIGH'] } } } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { findings: { Severity: { Label: ['CRITICAL'] } } } }, event)).toBe(false);
  });

  it('requires every field, and any alternative of $or', () => {
    expect(matchesEventPattern({ source: ['aws.securityhub'], detail: { count: [4] } }, event)).toBe(true);
    expect(matchesEventPattern({ source: ['aws.guardduty'], detail: { count: [4] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { $or: [{ count: [{ numeric: ['>', 10] }] }, { findings: { Id: ['b'] } }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { $or: [{ count: [{ numeric: ['>', 10] }] }, { findings: { Id: ['c'] } }] } }, event)).toBe(false);
  });

  it('applies numeric ranges, prefix, suffix, anything-but and exists', () => {
    expect(matchesEventPattern({ detail: { count: [{ numeric: ['>=', 4, '<', 5] }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { count: [{ numeric: ['>', 4] }] } }, event)).toBe(false);
    expect(matchesEventPattern({ source: [{ prefix: 'aws.' }] }, event)).toBe(true);
    expect(matchesEventPattern({ source: [{ suffix: 'duty' }] }, event)).toBe(false);
    expect(matchesEventPattern({ source: [{ 'anything-but': ['aws.guardduty'] }] }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { missing: [{ exists: false }], count: [{ exists: true }] } }, event)).toBe(true);
    // A field the event lacks matches nothing but exists: false; a number never equals its string.
    expect(matchesEventPattern({ detail: { missing: ['x'] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { count: ['4'] } }, event)).toBe(false);
  });

  it('refuses a matcher it does not implement rather than silently not matching', () => {
    expect(() => matchesEventPattern({ source: [{ wildcard: 'aws.*' }] }, event)).toThrow(/not supported by the local event bus/);
  });
});
