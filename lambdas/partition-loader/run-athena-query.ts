/**
 * Starts one Athena query and waits for it: polls GetQueryExecution with exponential backoff
 * under an overall deadline, retries throttling on both calls, and throws a named error for
 * FAILED, CANCELLED or the deadline so that Lambda retries the S3 event. Never spins forever.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueryExecutionCommand, StartQueryExecutionCommand, type AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryFailedError, AthenaQueryTimeoutError } from '../errors.js';

export interface AthenaQueryTiming {
  /** First wait between polls (and after a throttled call); doubles each time. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Overall budget for starting and finishing the query. Keep it below the Lambda timeout. */
  timeoutMs: number;
}

export const DEFAULT_QUERY_TIMING: AthenaQueryTiming = { initialDelayMs: 250, maxDelayMs: 5_000, timeoutMs: 240_000 };

export interface AthenaQuery {
  sql: string;
  /** Sent as QueryExecutionContext: the statement names the table with its database too, but a workgroup's or console's default database must never decide where it runs. */
  database: string;
  workgroup?: string;
  outputLocation?: string;
}

const THROTTLING_ERRORS = new Set(['TooManyRequestsException', 'ThrottlingException']);

function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING_ERRORS.has(error.name);
}

/** Runs the query to SUCCEEDED and returns its execution id. */
export async function runAthenaQuery(athena: AthenaClient, query: AthenaQuery, timing: AthenaQueryTiming): Promise<string> {
  const deadline = Date.now() + timing.timeoutMs;
  let delay = timing.initialDelayMs;
  let queryExecutionId: string | undefined;
  const waitOrTimeOut = async () => {
    if (Date.now() + delay > deadline) throw new AthenaQueryTimeoutError(queryExecutionId, timing.timeoutMs);
    await sleep(delay);
    delay = Math.min(delay * 2, timing.maxDelayMs);
  };
  // One token for every attempt: a start that was throttled and retried cannot run twice.
  const clientRequestToken = randomUUID();

  while (queryExecutionId === undefined) {
    try {
      const started = await athena.send(new StartQueryExecutionCommand({
        QueryString: query.sql,
        ClientRequestToken: clientRequestToken,
        WorkGroup: query.workgroup,
        QueryExecutionContext: { Database: query.database },
        ResultConfiguration: query.outputLocation ? { OutputLocation: query.outputLocation } : undefined,
      }));
      if (!started.QueryExecutionId) throw new Error('StartQueryExecution returned no QueryExecutionId');
      queryExecutionId = started.QueryExecutionId;
    } catch (error) {
      if (!isThrottling(error)) throw error;
      await waitOrTimeOut();
    }
  }

  for (;;) {
    let state: string | undefined;
    let reason: string | undefined;
    try {
      const { QueryExecution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
      state = QueryExecution?.Status?.State;
      reason = QueryExecution?.Status?.StateChangeReason;
    } catch (error) {
      if (!isThrottling(error)) throw error;
    }
    if (state === 'SUCCEEDED') return queryExecutionId;
    if (state === 'FAILED' || state === 'CANCELLED') throw new AthenaQueryFailedError(queryExecutionId, state, reason);
    await waitOrTimeOut();
  }
}
