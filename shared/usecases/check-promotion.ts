import { pollSeconds, RDS_BATCH_SIZE } from '../domain/polling';
import type { RdsReadPort } from '../domain/ports';
import type { PromotionResult, PromotionsProgress, RunContext } from '../domain/run';
import { PromotionFailedError } from '../errors';
import type { AuroraGlobal, Plan, RdsReadReplica } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import { secondsBetween } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import { findPlanDatabase, isFailedState, isGlobalFailoverRunning, secondaryMember } from './database-state';

export interface CheckPromotionDeps {
  rds: RdsReadPort;
  clock: Clock;
  log: Log;
}

export interface CheckPromotionInput {
  run: RunContext;
  plan: Plan;
  /** The previous Start Promotion / Check Promotions result of one database. */
  promotion: PromotionResult;
}

export interface CheckPromotionsInput {
  run: RunContext;
  plan: Plan;
  /** Every database's previous Start Promotion / Check Promotions result. */
  promotions: readonly PromotionResult[];
}

/**
 * How long after the failover call a global cluster may still show neither a running failover nor the new
 * writer before we call the failover lost: DescribeGlobalClusters may lag the call that started it.
 */
const FAILOVER_SETTLE_SECONDS = 120;
/**
 * How long after PromoteReadReplica an RDS replica may still read `available` and replicating before we call the
 * promotion lost. RDS answers the call once it has taken it and shows the instance `modifying` (then `rebooting`);
 * a replica that reads available and replicating ten minutes on never started promoting, and waiting for it would
 * poll until the execution's history is full, holding the plan's lock.
 */
export const PROMOTE_SETTLE_SECONDS = 600;

/**
 * Checks every database's promotion at once ("Check Promotions" in the failover state machine): the ones not yet
 * writable are read in parallel, the writable ones are not read again. One task per poll for the whole plan keeps
 * the execution's history from growing with the number of databases (shared/domain/polling.ts). The next wait
 * counts from the earliest promotion start, and is long enough for the next poll's RDS reads to stay within the
 * share of RDS's request rate the polls may use. Throws PromotionFailedError as soon as one promotion cannot end
 * writable.
 */
export const checkPromotions = async (
  input: CheckPromotionsInput,
  deps: CheckPromotionDeps,
): Promise<PromotionsProgress> => {
  const databases = await Promise.all(
    input.promotions.map((promotion) => checkPromotion({ run: input.run, plan: input.plan, promotion }, deps)),
  );
  const startedAt = input.promotions.map((p) => p.startedAt).sort()[0] ?? deps.clock.now().toISOString();
  return {
    databases,
    writable: databases.every((database) => database.writable),
    pollSeconds: pollSeconds('promotion', startedAt, deps.clock.now(), nextPollReads(input.plan, databases)),
  };
};

/**
 * The RDS API requests the next poll makes. The RDS adapter sends the reads of one kind made at once as one request
 * per Region, of up to RDS_BATCH_SIZE identifiers (shared/aws/rds.ts), and a plan's standbys are all in its standby
 * Region: one DescribeDBInstances for the RDS replicas not yet writable; for the Aurora databases, one
 * DescribeGlobalClusters, then one DescribeDBClusters for those whose secondary is the writer.
 */
const nextPollReads = (plan: Plan, promotions: readonly PromotionResult[]): number => {
  const pending = promotions.filter((promotion) => !promotion.writable);
  const rds = pending.filter((p) => findPlanDatabase(plan, p.databaseId).kind === 'rds-read-replica').length;
  const aurora = pending.length - rds;
  const requests = (count: number) => Math.ceil(count / RDS_BATCH_SIZE);
  return requests(rds) + (aurora > 0 ? 1 + requests(aurora) : 0);
};

/**
 * Checks whether one promotion has finished (for "Check Promotions"). RDS: the instance
 * is `available` and no longer replicates (after PromoteReadReplica it goes modifying -> rebooting -> available,
 * aws-facts.md: RDS User Guide, "Promoting a read replica"). Aurora: the secondary is the global cluster's writer,
 * no failover is running, and the cluster is `available`. A state that cannot end writable throws
 * PromotionFailedError. Sets `writableAt` when it becomes writable, and the next wait from the poll policy.
 */
export const checkPromotion = async (
  input: CheckPromotionInput,
  deps: CheckPromotionDeps,
): Promise<PromotionResult> => {
  const { promotion } = input;
  if (promotion.writable) return promotion;
  const database = findPlanDatabase(input.plan, promotion.databaseId);
  const state =
    database.kind === 'rds-read-replica'
      ? await readReplicaState(database, promotion, deps)
      : await readGlobalState(database, promotion, deps);
  const now = deps.clock.now();
  deps.log.debug('promotion checked', { database: database.id, writable: state.writable, status: state.status });
  return {
    ...promotion,
    writable: state.writable,
    status: state.status,
    writableAt: state.writable ? now.toISOString() : undefined,
    pollSeconds: pollSeconds('promotion', promotion.startedAt, now),
  };
};

const readReplicaState = async (
  database: RdsReadReplica,
  promotion: PromotionResult,
  deps: CheckPromotionDeps,
): Promise<{ writable: boolean; status: string }> => {
  const { region, instance } = database.replica;
  const state = await deps.rds.describeInstance(region, instance);
  if (!state) {
    throw new PromotionFailedError(database.id, `instance "${instance}" disappeared from ${region} while promoting.`);
  }
  if (isFailedState(state.status)) {
    throw new PromotionFailedError(
      database.id,
      `instance "${instance}" in ${region} is ${state.status}. Check its events in the RDS console.`,
    );
  }
  const waited = secondsBetween(promotion.startedAt, deps.clock.now());
  if (state.status === 'available' && state.replicationSource && waited >= PROMOTE_SETTLE_SECONDS) {
    throw new PromotionFailedError(
      database.id,
      `instance "${instance}" in ${region} still reads available and replicates from ${state.replicationSource} ` +
        `${Math.round(waited)} s after PromoteReadReplica: the promotion never started. Check its events in the RDS ` +
        `console, promote it (aws rds promote-read-replica --db-instance-identifier ${instance} --region ${region}), ` +
        'then redrive the run: Check Promotions waits for it.',
    );
  }
  return { writable: state.status === 'available' && !state.replicationSource, status: state.status };
};

const readGlobalState = async (
  database: AuroraGlobal,
  promotion: PromotionResult,
  deps: CheckPromotionDeps,
): Promise<{ writable: boolean; status: string }> => {
  const { region, cluster } = database.secondary;
  const global = await deps.rds.describeGlobalCluster(region, database.globalCluster);
  const target = secondaryMember(database, global);
  if (global && isGlobalFailoverRunning(global)) {
    return { writable: false, status: global.failoverState?.status ?? 'failing-over' };
  }
  if (!target.isWriter) {
    if (secondsBetween(promotion.startedAt, deps.clock.now()) < FAILOVER_SETTLE_SECONDS) {
      return { writable: false, status: global?.failoverState?.status ?? promotion.status };
    }
    throw new PromotionFailedError(
      database.id,
      `no failover of "${database.globalCluster}" is running and "${cluster}" is not its writer: the failover was ` +
        'cancelled or rolled back. Check the global cluster events, then redrive the run.',
    );
  }
  const state = await deps.rds.describeCluster(region, cluster);
  if (!state) throw new PromotionFailedError(database.id, `cluster "${cluster}" was not found in ${region}.`);
  if (isFailedState(state.status)) {
    throw new PromotionFailedError(
      database.id,
      `cluster "${cluster}" in ${region} is ${state.status}. Check its events in the RDS console.`,
    );
  }
  return { writable: state.status === 'available', status: state.status };
};
