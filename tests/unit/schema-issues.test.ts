import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { MalformedPayloadError, parsePayload } from '../../functions/domain/schema-issues.js';
import { SecurityFindingEvent } from '../../functions/domain/finding-mapping.js';
import guardDutySample from '../fixtures/guardduty-finding-event.json' with { type: 'json' };

const reasonOf = (schema: z.core.$ZodType, payload: unknown): string => {
  try {
    parsePayload(schema, payload, 'a test payload');
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedPayloadError);
    return (error as Error).message;
  }
  throw new Error('parsed');
};

describe('a payload that fits no schema is refused in one line naming each field', () => {
  it('names the field of a finding that is wrong, not a ZodError dump', () => {
    const finding = structuredClone(guardDutySample) as Record<string, any>;
    finding.detail.severity = 'high';
    const reason = reasonOf(SecurityFindingEvent, finding);
    expect(reason).toMatch(/^not a test payload: detail\.severity: /);
    expect(reason).not.toMatch(/[\n[{]/);
  });

  it('names at most three issues, however many a hostile payload has', () => {
    const reason = reasonOf(z.array(z.number()), Array.from({ length: 5000 }, () => 'x'));
    expect(reason).toMatch(/^not a test payload: 0: .+; 1: .+; 2: .+; and 4997 more$/);
    expect(reason.length).toBeLessThan(300);
  });

  it('quotes field names that carry newlines or terminal escapes, so no name can break or recolour the line', () => {
    const reason = reasonOf(z.record(z.string(), z.number()), { 'a\r\nBcc: x\u001b[2K\u202e': 'x' });
    expect(reason).toContain('"a\\r\\nBcc: x\\u001b[2K');
    expect(reason).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    expect(reason).toContain('\\u202e');
  });
});
