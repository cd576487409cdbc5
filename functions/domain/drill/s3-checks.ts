import type { ChosenRecoveryPoint } from './restore.js';
import type { BucketTotals } from './s3-check-verdicts.js';

/** What every S3 check gets to look at. */
export interface S3CheckContext {
  readonly sourceBucket: string;
  readonly restoredBucket: string;
  readonly recoveryPoint: ChosenRecoveryPoint;
  readonly targets: { readonly rtoMinutes: number; readonly rpoMinutes: number };
  /** Keys the checks leave out: the canary objects, which change by design. */
  readonly canaryKeys: readonly string[];
}

/** Object count and total bytes under a prefix (the whole bucket without one). */
export interface S3ObjectCountCheck {
  readonly prefix?: string;
  readonly tolerancePercent: number;
  /** What the plan states; without it, the source as it stood at the recovery point (from its version listing). */
  readonly expected?: BucketTotals;
}

/** Keys sampled from the source as it stood at the recovery point, each compared by SHA-256 with the restored object. */
export interface S3SampleCheck {
  readonly prefix?: string;
  readonly count: number;
  /** Keys whose restored object must hold exactly these bytes (hex SHA-256), whatever the source holds now. */
  readonly pinned?: Readonly<Record<string, string>>;
}

/** One SHA-256 over a prefix's keys and their objects' SHA-256. */
export interface S3PrefixChecksumCheck {
  readonly prefix: string;
  /** `source`: the source's objects at the recovery point; else a digest recorded earlier (hex). */
  readonly expected: 'source' | { readonly sha256: string };
}

/** The canary object, for the measured RPO. */
export interface S3CanaryCheck {
  readonly key: string;
}

/** What a check covers, in words. */
export const scopeOf = (bucket: string, prefix: string | undefined): string => (prefix ? `s3://${bucket}/${prefix}*` : `s3://${bucket}`);
