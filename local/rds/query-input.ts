import type { Tag } from './catalog.js';
import { RdsError, type QueryValue } from './query-protocol.js';

/* Reading the Query protocol's parameters as RDS does: each wrong one is a 4xx naming it, before anything is made. */

const IDENTIFIER = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/;

export const text = (input: Record<string, QueryValue>, name: string): string | undefined => {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
};
export const required = (input: Record<string, QueryValue>, name: string): string => {
  const value = text(input, name);
  if (value === undefined || value === '') throw new RdsError('MissingParameter', `The request must contain the parameter ${name}`);
  return value;
};
export const flag = (input: Record<string, QueryValue>, name: string, fallback: boolean): boolean => {
  const value = text(input, name);
  return value === undefined ? fallback : value === 'true';
};
export const integer = (input: Record<string, QueryValue>, name: string, fallback: number): number => {
  const value = text(input, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new RdsError('InvalidParameterValue', `Invalid value ${JSON.stringify(value)} for ${name}: an integer`);
  return Number(value);
};
export const list = (input: Record<string, QueryValue>, name: string): string[] => {
  const value = input[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
};
/** Tags.Tag.N.Key / .Value; a tag without a Key (or with anything else in it) is refused, as nothing is created. */
export const tagsOf = (input: Record<string, QueryValue>): Tag[] => {
  const value = input['Tags'];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new RdsError('InvalidParameterValue', 'Tags is a list: Tags.Tag.N.Key and Tags.Tag.N.Value');
  return [...value].map((tag, index) => {
    const wellFormed = typeof tag === 'object' && !Array.isArray(tag) && typeof tag['Key'] === 'string' && tag['Key'] !== '' && (tag['Value'] === undefined || typeof tag['Value'] === 'string');
    if (!wellFormed) throw new RdsError('InvalidParameterValue', `Tags.Tag.${index + 1} needs a Key (1-128 characters) and at most a Value`);
    return { Key: tag['Key'] as string, Value: (tag['Value'] as string | undefined) ?? '' };
  });
};
export const mergeTags = (existing: Tag[], added: readonly Tag[]): Tag[] => [...existing.filter((tag) => !added.some((add) => add.Key === tag.Key)), ...added];
export const identifier = (input: Record<string, QueryValue>, name: string): string => {
  const value = required(input, name);
  if (!IDENTIFIER.test(value) || value.endsWith('-')) {
    throw new RdsError('InvalidParameterValue', `The parameter ${name} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`);
  }
  return value.toLowerCase();
};
export const time = (value: string, name: string): number => {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new RdsError('InvalidParameterValue', `Invalid value for ${name}: ${JSON.stringify(value)} is not a timestamp`);
  return at;
};

/** `Filters.Filter.N.Name` / `.Values.Value.M` as a map of name to values. */
export function filtersOf(input: Record<string, QueryValue>): Record<string, string[]> {
  const filters = input['Filters'];
  if (!Array.isArray(filters)) return {};
  const result: Record<string, string[]> = {};
  for (const filter of filters) {
    if (typeof filter !== 'object' || Array.isArray(filter) || typeof filter['Name'] !== 'string') continue;
    const values = filter['Values'];
    result[filter['Name']] = Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
  }
  return result;
}
