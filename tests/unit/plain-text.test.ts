import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignOffRequest } from '../../functions/domain/evidence/sign-off.js';
import { TaskCompletionRequest } from '../../functions/domain/human-task.js';
import { CreateIncidentRequest } from '../../functions/domain/incident.js';
import { AddNoteRequest, ResolveIncidentRequest } from '../../functions/domain/incident-lifecycle.js';
import { headerLine, plainTextProblem, printable } from '../../functions/domain/plain-text.js';
import { incidentDetail, incidentTable } from '../../bin/incident-format.js';
import { escapeConsoleOutput } from '../../bin/terminal-output.js';
import { binaryUnit } from '../support/binary-unit.js';

/** Everything a terminal or a header acts on. */
const ACTED_ON = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const control = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }),
  fc.integer({ min: 0x7f, max: 0x9f }),
  fc.constantFrom(0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069),
).map((code) => String.fromCharCode(code));
const withControl = (allowed: (character: string) => boolean) =>
  fc.tuple(fc.string({ maxLength: 20 }), control.filter((character) => !allowed(character)), fc.string({ maxLength: 20 })).map(([before, character, after]) => `${before}${character}${after}`);

describe('plain text fields', () => {
  it('refuses every control and bidi control in a single-line field, saying which and where', () => {
    fc.assert(
      fc.property(withControl(() => false), (text) => {
        expect(plainTextProblem(text, 'single-line')).toMatch(/^remove a (control character|line break|bidi control) \(U\+[0-9A-F]{4}\) at character \d+: this field takes one line of plain text$/);
      }),
    );
  });

  it('lets a multi-line field keep LF, CRLF and tabs, and refuses every other control', () => {
    expect(plainTextProblem('one\r\ntwo\nthree\tfour', 'multi-line')).toBeUndefined();
    expect(plainTextProblem('one\rtwo', 'multi-line')).toMatch(/line break \(U\+000D\) at character 4/);
    fc.assert(
      fc.property(withControl((character) => character === '\n' || character === '\t' || character === '\r'), (text) => {
        expect(plainTextProblem(text, 'multi-line')).toBeDefined();
      }),
    );
  });

  it('passes ordinary text of any script, emoji and marks', () => {
    for (const text of ['Accès refusé', '東京のサーバー', 'مرحبا بالعالم', 'שלום', '🔥 disk full', 'a\u200db', 'Ünïcödé — “quotes”']) {
      expect(plainTextProblem(text, 'single-line'), text).toBeUndefined();
    }
  });

  const valid = {
    CreateIncidentRequest: [CreateIncidentRequest, { runbookId: 'triage-notify', title: 't', severity: 'SEV3', summary: 's', source: 'x', labels: { a: 'b' } }],
    ResolveIncidentRequest: [ResolveIncidentRequest, { summary: 's' }],
    AddNoteRequest: [AddNoteRequest, { text: 's' }],
    TaskCompletionRequest: [TaskCompletionRequest, { outcome: 'done', comment: 's' }],
    SignOffRequest: [SignOffRequest, { verdict: 'exceptions', comment: 's' }],
  } as const;

  it.each(Object.entries(valid))('%s: every text field refuses an ESC, a NUL and a bidi override (and the valid body passes)', (_name, [schema, body]) => {
    expect(schema.safeParse(body).success).toBe(true);
    // Enumerations (severity, outcome, verdict) refuse anything unlisted already; the free-text fields are what is checked here.
    const textFields = Object.entries(body).filter(([field, value]) => typeof value === 'string' && !['severity', 'outcome', 'verdict'].includes(field));
    expect(textFields.length).toBeGreaterThan(0);
    for (const [field, value] of textFields) {
      for (const character of ['\u001b', '\u0000', '\u202e']) {
        const result = schema.safeParse({ ...body, [field]: `${value}${character}` });
        expect(result.success, `${field} with U+${character.charCodeAt(0).toString(16)}`).toBe(false);
      }
    }
  });

  it('CreateIncidentRequest: the single-line fields refuse a line break, the summary keeps it', () => {
    const body = valid.CreateIncidentRequest[1];
    for (const field of ['runbookId', 'title', 'source'] as const) expect(CreateIncidentRequest.safeParse({ ...body, [field]: 'a\nb' }).success, field).toBe(false);
    expect(CreateIncidentRequest.safeParse({ ...body, labels: { a: 'b\nc' } }).success).toBe(false);
    expect(CreateIncidentRequest.safeParse({ ...body, labels: { 'a\nb': 'c' } }).success).toBe(false);
    expect(CreateIncidentRequest.safeParse({ ...body, summary: 'a\nb' }).success).toBe(true);
  });
});

describe('printing data on a terminal', () => {
  it('shows every character a terminal acts on as \\u escapes, and nothing else changes', () => {
    fc.assert(
      fc.property(fc.string({ unit: binaryUnit, maxLength: 60 }), (text) => {
        const shown = printable(text);
        expect(shown).not.toMatch(ACTED_ON);
        expect(shown).not.toMatch(/[\n\t]/);
        // Undoing the escapes gives the text back (where it held no literal backslash-u of its own).
        if (!text.includes('\\u')) expect(shown.replace(/\\u([0-9a-f]{4})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)))).toBe(text);
      }),
    );
    expect(printable('\u001b[31mred\u001b[0m')).toBe('\\u001b[31mred\\u001b[0m');
    expect(printable('a\nb\tc\rd', { multiLine: true })).toBe('a\nb\tc\\u000dd');
  });

  it('the incident formatters’ lines, printed through it, hold no control from a hostile title', () => {
    const title = 'ok\u001b[2K\r\u001b[1Aall clear\u202e';
    const incident = { incidentId: 'i-1', openedAt: '2026-01-15T10:30:00.000Z', severity: 'SEV2', status: 'open', title, summary: title, mode: 'live', runbookId: 'r', runbookVersion: 1, runbookStatus: 'running', labels: { 'k\u001b': 'v\u0007' } } as never;
    const lines = [...incidentTable([incident]), ...incidentDetail({ incident, milestones: {}, tasks: [], clocks: [], events: [] })].map((line) => printable(line));
    for (const line of lines) expect(line).not.toMatch(ACTED_ON);
    expect(lines.join('\n')).toContain('ok\\u001b[2K');
  });
});

describe('the CLI\'s console', () => {
  it('prints every line, with its format arguments, escaped; its own line feeds and JSON stay as they are', () => {
    const printed: string[] = [];
    const fake: Pick<Console, 'log' | 'info' | 'warn' | 'error'> = {
      log: (line: string) => printed.push(`out ${line}`),
      info: (line: string) => printed.push(`out ${line}`),
      warn: (line: string) => printed.push(`err ${line}`),
      error: (line: string) => printed.push(`err ${line}`),
    };
    escapeConsoleOutput(fake);
    fake.log('title %s', '\u001b[2Kall clear\r');
    fake.error(`irdr: 404: no incident "\u202eabc"`);
    fake.log('one\ntwo');
    fake.log(JSON.stringify({ title: 'a\u009bb\u001b' }));
    expect(printed).toEqual(['out title \\u001b[2Kall clear\\u000d', 'err irdr: 404: no incident "\\u202eabc"', 'out one\ntwo', 'out {"title":"a\\u009bb\\u001b"}']);
    expect(JSON.parse(printed[3]!.slice(4))).toEqual({ title: 'a\u009bb\u001b' });
  });
});

describe('email headers', () => {
  it('folds every line break and control of a subject into one space', () => {
    expect(headerLine('Alert\r\nBcc: x@example.com')).toBe('Alert Bcc: x@example.com');
    fc.assert(
      fc.property(fc.string({ unit: binaryUnit, maxLength: 60 }), (text) => {
        expect(headerLine(text)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      }),
    );
  });
});
