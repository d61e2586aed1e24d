import { awsErrorName } from '../../aws/aws-errors';
import type { FailbackResult, FailbackTarget } from '../../domain/failback';
import type { ActionLog, EventsPort, LedgerPort, RdsPort } from '../../domain/ports';
import { type ActionRecord, DETAIL_TYPES, lockOwnerOf, type RunContext } from '../../domain/run';
import { describeCopy } from '../../domain/topology';
import { PromotionFailedError, ResourceBusyError } from '../../errors';
import { type Clock, secondsBetween } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { PROMOTE_SETTLE_SECONDS } from '../check-promotion';
import { isFailedState, isGlobalFailoverRunning, isTransientInstanceState } from '../database-state';
import { markPhaseReached } from '../mark-phase';

/** Seconds between two checks of a promotion or switchover under way. */
export const FAILBACK_POLL_SECONDS = 30;
/**
 * How long after SwitchoverGlobalCluster a global cluster may show neither a running switchover nor the new writer
 * (DescribeGlobalClusters may lag the call) before the switchover counts as cancelled or rolled back.
 */
const SWITCHOVER_SETTLE_SECONDS = 120;
/** A promoted RDS instance keeps point-in-time restore: 7 days when the replica had no retention of its own. */
const DEFAULT_BACKUP_RETENTION_DAYS = 7;

export interface FailBackDatabaseDeps {
  rds: RdsPort;
  ledger: Pick<LedgerPort, 'assertLock' | 'markPhase'>;
  events: EventsPort;
  actions: ActionLog;
  clock: Clock;
  log: Log;
}

export interface FailBackDatabaseInput {
  run: RunContext;
  target: FailbackTarget;
  /** The lag "Check Failback Lag" read for this database (seconds), null when unknown. */
  lagSeconds: number | null;
  /** The previous check, when the ASL loops back after a Wait. */
  previous?: FailbackResult;
}

/**
 * "Fail Back Database": one check (and, when needed, the one change) of one database. State is read first on every
 * call, so a retried or redriven step never starts a second promotion or switchover.
 * RDS: the standby in the primary region is promoted (PromoteReadReplica) once; done when it is `available` and
 * replicates from nothing. Aurora: SwitchoverGlobalCluster to the cluster in the primary region (no data loss: AWS
 * waits for it to catch up; aws-facts.md); done when DescribeGlobalClusters reports it as the writer with no
 * switchover running. Never FailoverGlobalCluster: a failback that would lose data stops instead. A dry run plans
 * the change and is done at once.
 *
 * @throws PromotionFailedError when the standby cannot become the writer; ResourceBusyError while it is busy
 */
export const failBackDatabase = async (
  input: FailBackDatabaseInput,
  deps: FailBackDatabaseDeps,
): Promise<FailbackResult> => {
  const { run, target, previous } = input;
  const now = deps.clock.now().toISOString();
  const checks = (previous?.checks ?? 0) + 1;
  const actions: ActionRecord[] = [...(previous?.actions ?? [])];
  const startedAt = previous?.startedAt ?? now;
  if (checks === 1) {
    await markPhaseReached(deps, run, 'promote', now);
    await deps.events.publish(DETAIL_TYPES.phaseChanged, {
      run,
      phase: 'promote',
      status: 'started',
      at: now,
      facts: [`${target.id}: ${describeCopy(target.to)} becomes the writer again`],
    });
  }
  const result = (done: boolean, status: string, detail: string): FailbackResult => ({
    databaseId: target.id,
    kind: target.kind,
    writer: target.to,
    ...(target.globalCluster ? { globalCluster: target.globalCluster } : {}),
    newPrimary: target.to,
    done,
    writable: done,
    alreadyPromoted: !actions.some((action) => !action.error),
    status,
    pollSeconds: FAILBACK_POLL_SECONDS,
    checks,
    startedAt,
    ...(done ? { writableAt: previous?.writableAt ?? now } : {}),
    lagSecondsAtPromotion: previous?.lagSecondsAtPromotion ?? (target.kind === 'aurora-global' ? 0 : input.lagSeconds),
    detail,
    actions,
  });
  const to = describeCopy(target.to);
  const mutate = async (operation: string, call: () => Promise<void>, resource: string): Promise<ActionRecord> => {
    if (run.mode !== 'dry-run') await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
    try {
      const action = await deps.actions.perform(
        { service: 'rds', operation, target: resource, region: target.to.region },
        run,
        call,
      );
      actions.push(action);
      return action;
    } catch (error) {
      const name = awsErrorName(error);
      if (!/Fault$|NotFound/.test(name)) throw error;
      throw new PromotionFailedError(
        target.id,
        `${operation} on ${resource} was refused (${name}: ${(error as Error).message}). Check ${to} in the RDS console; nothing else was changed.`,
        error,
      );
    }
  };

  if (target.kind === 'rds-read-replica') {
    const instance = await deps.rds.describeInstance(target.to.region, target.to.identifier);
    if (!instance) throw new PromotionFailedError(target.id, `${to} was not found: re-protect ${target.id} again.`);
    if (isFailedState(instance.status)) {
      throw new PromotionFailedError(target.id, `${to} is ${instance.status}. Check its events in the RDS console.`);
    }
    if (!instance.replicationSource) {
      return result(instance.status === 'available', instance.status, `${to} writes (${instance.status})`);
    }
    const promoted = actions.find((a) => a.operation === 'PromoteReadReplica' && !a.dryRun);
    if (promoted) {
      const waited = secondsBetween(promoted.at, deps.clock.now());
      if (instance.status === 'available' && waited >= PROMOTE_SETTLE_SECONDS) {
        // As in a failover (check-promotion.ts): RDS shows a replica it promotes modifying within seconds.
        throw new PromotionFailedError(
          target.id,
          `${to} still reads available and replicates ${Math.round(waited)} s after PromoteReadReplica: the ` +
            'promotion never started. Check its events in the RDS console, promote it (aws rds promote-read-replica ' +
            `--db-instance-identifier ${target.to.identifier} --region ${target.to.region}), then redrive the run: it ` +
            'waits for it. Writes stay paused meanwhile (failback.writePause): lift the pause by hand if you stop here.',
        );
      }
      return result(false, instance.status, `${to} is being promoted (${instance.status})`);
    }
    if (isTransientInstanceState(instance.status)) {
      throw new ResourceBusyError(`${to} is ${instance.status}; PromoteReadReplica waits until it is available.`);
    }
    const retention =
      instance.backupRetentionPeriod > 0 ? instance.backupRetentionPeriod : DEFAULT_BACKUP_RETENTION_DAYS;
    const action = await mutate(
      'PromoteReadReplica',
      () => deps.rds.promoteReadReplica(target.to.region, target.to.identifier, retention),
      target.to.identifier,
    );
    if (action.dryRun) return result(true, instance.status, `would promote ${to}`);
    return result(false, 'promoting', `promoting ${to}`);
  }

  const globalCluster = target.globalCluster ?? '';
  const global = await deps.rds.describeGlobalCluster(target.to.region, globalCluster);
  const member = global?.members.find((m) => m.clusterIdentifier === target.to.identifier);
  if (!global || !member) {
    throw new PromotionFailedError(target.id, `${to} is not a member of global cluster ${globalCluster}.`);
  }
  if (isGlobalFailoverRunning(global)) {
    if (global.failoverState?.toClusterArn === member.clusterArn) {
      return result(
        false,
        global.failoverState?.status ?? 'switching-over',
        `switching ${globalCluster} over to ${to}`,
      );
    }
    throw new PromotionFailedError(
      target.id,
      `global cluster ${globalCluster} is changing writer to ${global.failoverState?.toClusterArn ?? 'another cluster'}: let it finish, then redrive the run.`,
    );
  }
  if (member.isWriter) {
    const cluster = await deps.rds.describeCluster(target.to.region, target.to.identifier);
    const status = cluster?.status ?? 'unknown';
    return result(status === 'available', status, `${to} is the writer of ${globalCluster} (${status})`);
  }
  const switched = actions.find((a) => a.operation === 'SwitchoverGlobalCluster' && !a.dryRun);
  if (switched) {
    // This failback switched over already, no switchover runs and the target is not the writer: it was cancelled or
    // rolled back (DescribeGlobalClusters may lag the call that started it for a while). Never switch over again.
    const waited = secondsBetween(switched.at, deps.clock.now());
    if (waited < SWITCHOVER_SETTLE_SECONDS) {
      return result(false, 'switching-over', `switching ${globalCluster} over to ${to}`);
    }
    throw new PromotionFailedError(
      target.id,
      `no switchover of ${globalCluster} runs ${Math.round(waited)} s after SwitchoverGlobalCluster and ${to} is not ` +
        'its writer: the switchover was cancelled or rolled back. Check the global cluster events, switch it over ' +
        `(aws rds switchover-global-cluster --global-cluster-identifier ${globalCluster} --target-db-cluster-identifier ` +
        `${member.clusterArn} --region ${target.to.region}), then redrive the run: it waits for it. Writes stay paused ` +
        'meanwhile (failback.writePause): lift the pause by hand if you stop here.',
    );
  }
  const action = await mutate(
    'SwitchoverGlobalCluster',
    () => deps.rds.switchoverGlobalCluster(target.to.region, globalCluster, member.clusterArn),
    globalCluster,
  );
  if (action.dryRun) return result(true, 'available', `would switch ${globalCluster} over to ${to}`);
  return result(false, 'switching-over', `switching ${globalCluster} over to ${to}`);
};
