import { BackupServiceError } from './rest-json.js';

/** Reading AWS Backup requests as the service does: required and typed members, pages; the errors it answers. */

export const seconds = (epochMs: number | undefined): number | undefined => (epochMs === undefined ? undefined : epochMs / 1000);
export const missing = (name: string) => new BackupServiceError('MissingParameterValueException', `${name} is required`);
export const notFound = (message: string) => new BackupServiceError('ResourceNotFoundException', message);
export const invalidValue = (message: string) => new BackupServiceError('InvalidParameterValueException', message);

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null || value === '') throw missing(name);
  if (typeof value !== 'string') throw new BackupServiceError('InvalidRequestException', `${name} must be a string`);
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  return body[name] === undefined || body[name] === null ? undefined : requiredString(body, name);
}

export function stringMap(body: Record<string, unknown>, name: string): Record<string, string> {
  const value = body[name];
  if (value === undefined || value === null) throw missing(name);
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((entry) => typeof entry !== 'string')) {
    throw new BackupServiceError('InvalidRequestException', `${name} must be a map of strings to strings`);
  }
  return value as Record<string, string>;
}

/** A page of `items` after `nextToken` (an offset), at most `maxResults` (1-1000) long. */
export function page<T>(items: readonly T[], query: URLSearchParams): { items: T[]; NextToken?: string } {
  const maxText = query.get('maxResults');
  const max = maxText === null ? 1000 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw invalidValue(`maxResults ${maxText ?? ''} must be between 1 and 1000`);
  const token = query.get('nextToken');
  const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw invalidValue('nextToken is not a token this listing gave');
  const end = start + max;
  return { items: items.slice(start, end), ...(end < items.length && { NextToken: Buffer.from(String(end)).toString('base64url') }) };
}
