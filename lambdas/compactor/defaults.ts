/**
 * The compactor's defaults, apart from its S3 code so that the CLI's DDL renderer can name the
 * same prefixes without loading @aws-sdk/client-s3.
 */
export { DEFAULT_LATENESS_MS } from './closed-days.js';

/** The raw layout's prefix, as the kinesis-to-s3 Lambda writes it by default. */
export const DEFAULT_PREFIX = 'audit/';
export const DEFAULT_COMPACTED_PREFIX = 'audit-compacted/';
/** A run without arguments looks this many days back: past Kinesis' longest default retention (7 days) and a day more. */
export const DEFAULT_LOOKBACK_DAYS = 8;
