import * as z from './zod.js';

/** At most this many issues are named: a hostile payload can have thousands, a reason stays one short line. */
const NAMED_ISSUES = 3;

/** A payload that does not fit its schema; the message is one line naming each field (a dead letter's reason, a log line). */
export class MalformedPayloadError extends Error {
  override name = 'MalformedPayloadError';
}

/** `detail.findings.0.Id: Invalid input: expected string, received undefined; …`: each field and what is wrong with it. */
export function describeIssues(error: z.core.$ZodError): string {
  const named = error.issues.slice(0, NAMED_ISSUES).map((issue) => `${fieldPath(issue.path) || '(the payload)'}: ${visible(issue.message)}`);
  const more = error.issues.length - named.length;
  return `${named.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/** The payload as the schema reads it, or a MalformedPayloadError whose message says what it is not and why. */
export function parsePayload<Schema extends z.core.$ZodType>(schema: Schema, payload: unknown, what: string): z.infer<Schema> {
  const parsed = z.safeParse(schema, payload);
  if (!parsed.success) throw new MalformedPayloadError(`not ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Field names come from the payload: anything but a plain name is quoted, so no name can break the line. */
const fieldPath = (path: readonly PropertyKey[]): string =>
  path.map((segment) => (typeof segment === 'string' && !/^[\w-]+$/.test(segment) ? visible(JSON.stringify(segment)) : String(segment))).join('.');

/** Control, bidi and other invisible characters as \uXXXX: nothing from the payload may break, reorder or recolour the line. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;
const visible = (text: string): string => text.replace(INVISIBLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
