import {
  type DBCluster,
  type DBInstance,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { awsErrorName, toSwitchbackError } from './aws-errors';
import type { PacedReads } from './paced-reads';

/**
 * How an RDS adapter tries its reads again (PacedReads): the RDS API's request rate is shared by every caller of the
 * account in a Region (a burst of 300, then 12 a second: RDS User Guide, "Request throttling for the Amazon RDS API"),
 * so a read throttled even after the SDK's attempts is tried again after a jittered pause from 500 ms that doubles,
 * for up to 15 s from its first try. Without it, when the account's other callers left the run 2 requests a second,
 * one throttled read failed Assess, and each retry of the step read every database again: the example plan's
 * failover failed in Decide (drill scenario rds-api-busy). The RdsAdapter sends its writes the same way (a throttled
 * request was refused before RDS did anything): with a plan of 10 databases or more, the promotion Map's promote calls
 * were throttled past the state machine's retries. No bound on the reads in flight, unlike Route 53's: a fence
 * reads the databases of a region that does not answer, and each read waits out its timeouts, so reading them a few
 * at a time would take longer than the step may.
 */
export const RDS_READ_PACING = { maxInFlight: Number.POSITIVE_INFINITY, budgetMs: 15_000, firstPauseMs: 500 };

/**
 * How the RDS adapters (rds.ts, reprotect.ts, restore.ts) judge an answer: a "not found" fault is an answer, not a
 * failure, and a create that an earlier attempt made already is the success a retried step needs. Any other error
 * is named by operation (toSwitchbackError: throttling and no answer become the errors the ASL retries).
 */

/**
 * An RDS read whose `notFoundFault` means "there is none": `undefined`, or what `read` makes of the answer.
 *
 * @param operation - the API operation, for the error (`'DescribeDBInstances'`)
 * @param notFoundFault - the error name that means nothing of that name exists (`'DBInstanceNotFoundFault'`)
 * @param paced - the adapter's read pacing (RDS_READ_PACING): a throttled read is tried again within its budget
 */
export const readUnlessNotFound = async <T>(
  operation: string,
  notFoundFault: string,
  read: () => Promise<T | undefined>,
  paced?: PacedReads,
): Promise<T | undefined> => {
  try {
    return await (paced ? paced.run(read) : read());
  } catch (error) {
    if (awsErrorName(error) === notFoundFault) return undefined;
    throw toSwitchbackError('rds', operation, error);
  }
};

/**
 * One DB instance by its identifier, as DescribeDBInstances answers: undefined when RDS has none of that name. The
 * reprotect and restore-test adapters read it this way, each making of it what its port says.
 */
export const readInstance = (
  client: RDSClient,
  identifier: string,
  paced: PacedReads,
): Promise<DBInstance | undefined> =>
  readUnlessNotFound(
    'DescribeDBInstances',
    'DBInstanceNotFoundFault',
    async () =>
      (await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0],
    paced,
  );

/** One DB cluster by its identifier, as DescribeDBClusters answers: undefined when RDS has none of that name. */
export const readCluster = (client: RDSClient, identifier: string, paced: PacedReads): Promise<DBCluster | undefined> =>
  readUnlessNotFound(
    'DescribeDBClusters',
    'DBClusterNotFoundFault',
    async () => (await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }))).DBClusters?.[0],
    paced,
  );

/**
 * A create call that an earlier attempt (a retry, a redrive) may already have made: its "already exists" fault is
 * the success this step needs (the names are derived, so the resource is the one this runbook started).
 *
 * @param existsFault - the error name that means the resource exists already (`'DBInstanceAlreadyExistsFault'`)
 */
export const startOnce = async (
  operation: string,
  existsFault: string,
  send: () => Promise<unknown>,
): Promise<'started' | 'exists'> => {
  try {
    await send();
    return 'started';
  } catch (error) {
    if (awsErrorName(error) === existsFault) return 'exists';
    throw toSwitchbackError('rds', operation, error);
  }
};
