import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, LogItemMessage } from '@aws-lambda-powertools/logger/types';

/**
 * Keys Powertools' Logger writes itself (its ReservedKeys, and its standard entry's context and X-Ray keys): an
 * attribute so named is dropped with `The key "level" is a reserved key and will be dropped`, its value lost.
 */
export const RESERVED_LOG_KEYS = [
  'level',
  'message',
  'sampling_rate',
  'service',
  'timestamp',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
] as const;
type ReservedLogKey = (typeof RESERVED_LOG_KEYS)[number];

/** Attributes the logger keeps: the type checker refuses one named like a reserved key, given directly or through a spread. */
export type KeptLogAttributes = LogAttributes & { readonly [key in ReservedLogKey]?: never };
/** A string is logged as `extra`, an Error under `error`: neither adds keys of its own. */
type ExtraInput = [Error | string] | KeptLogAttributes[];
type LogMethod = (input: LogItemMessage, ...extraInput: ExtraInput) => void;

/** Powertools' Logger, its attribute-taking methods narrowed to attributes it keeps. */
export type KeptKeysLogger = Omit<Logger, 'debug' | 'info' | 'warn' | 'error' | 'critical' | 'appendKeys' | 'appendPersistentKeys'> & {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  readonly critical: LogMethod;
  appendKeys(attributes: KeptLogAttributes): void;
  appendPersistentKeys(attributes: KeptLogAttributes): void;
};

/** One logger per container; POWERTOOLS_SERVICE_NAME names the service in AWS. */
export const logger: KeptKeysLogger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'irdr' });
