import { awsErrorName } from '../aws/aws-errors';
import { pollSeconds } from '../domain/polling';
import type { ActionLog, EventsPort, LedgerPort, RdsPort } from '../domain/ports';
import {
  type ActionRecord,
  type ApprovalAnswer,
  approvalFact,
  type DatabaseAssessment,
  DETAIL_TYPES,
  lockOwnerOf,
  type PhaseChangedDetail,
  type PromotionResult,
  type RunContext,
} from '../domain/run';
import { PromotionFailedError, ResourceBusyError, SwitchbackError } from '../errors';
import type { AuroraGlobal, Plan, RdsReadReplica } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import {
  findPlanDatabase,
  isFailedState,
  isGlobalFailoverRunning,
  isTransientInstanceState,
  secondaryMember,
  standbyOf,
} from './database-state';
import { markPhaseReached } from './mark-phase';

/**
 * What the promotion steps touch. Of the ledger: `assertLock`, the fencing check before any mutation, and
 * `markPhase`, the phase the run has reached (Start Promotion marks it).
 */
export interface PromotionDeps {
  rds: RdsPort;
  /** Where "Start Promotion" announces the promote phase; Check Promotion announces nothing. */
  events?: EventsPort;
  ledger: Pick<LedgerPort, 'assertLock' | 'markPhase'>;
  actions: ActionLog;
  clock: Clock;
  log: Log;
}

export interface PromoteDatabaseInput {
  run: RunContext;
  plan: Plan;
  database: DatabaseAssessment;
  /** The answer of the person asked, when the run waited for approval (`$.approval`; null when none was asked). */
  approval?: ApprovalAnswer | null;
}

/** A promoted instance keeps point-in-time restore: 7 days when the replica had no retention of its own. */
const DEFAULT_BACKUP_RETENTION_DAYS = 7;

/** AWS answers to a switchover that mean "the primary region cannot take part": fall back to a failover. */
const SWITCHOVER_FALLBACK_ERRORS = new Set(['InvalidGlobalClusterStateFault', 'InvalidDBClusterStateFault']);

/** AWS answers that mean "this cannot be promoted as the plan says": a person must look. */
const CANNOT_PROMOTE_ERRORS = new Set([
  'DBInstanceNotFoundFault',
  'InvalidDBInstanceStateFault',
  'DBClusterNotFoundFault',
  'InvalidDBClusterStateFault',
  'GlobalClusterNotFoundFault',
  'InvalidGlobalClusterStateFault',
]);

const cannotPromote = (databaseId: string, operation: string, error: unknown, hint: string): Error => {
  const name = awsErrorName(error);
  if (error instanceof SwitchbackError || !CANNOT_PROMOTE_ERRORS.has(name)) return error as Error;
  const detail = error instanceof Error ? error.message : String(error);
  return new PromotionFailedError(databaseId, `${operation} was refused (${name}: ${detail}). ${hint}`, error);
};

/**
 * Starts the promotion of one database's standby ("Start Promotion" in the failover state machine), after
 * checking its state first: an already promoted standby is success without a call, a busy one is retried by the
 * ASL (ResourceBusyError), a broken one fails with PromotionFailedError naming what to check. The lock epoch is
 * asserted before any mutating call, in every mode. In a dry run no mutating call is made, the planned action is
 * recorded, and the result is writable at once (there is nothing to wait for).
 */
export const promoteDatabase = async (input: PromoteDatabaseInput, deps: PromotionDeps): Promise<PromotionResult> => {
  const database = findPlanDatabase(input.plan, input.database.id);
  const startedAt = deps.clock.now().toISOString();
  await markPhaseReached(deps, input.run, 'promote', startedAt);
  const base = {
    databaseId: database.id,
    kind: database.kind,
    startedAt,
    lagSecondsAtPromotion: input.database.lagSeconds,
    newPrimary: standbyOf(database),
  };
  // Announced while promoting, not before: notification never delays recovery. With several databases each
  // announces; the notifier keeps one message per phase. An approved run's decision ended with the answer: the
  // plan's first database says so, and who gave it (once per run, not once per database).
  const approval = input.approval?.approved && input.plan.databases[0]?.id === database.id ? input.approval : undefined;
  const decided = approval
    ? deps.events?.publish(DETAIL_TYPES.phaseChanged, {
        run: input.run,
        phase: 'decide',
        status: 'succeeded',
        at: approval.answeredAt,
        facts: [approvalFact(approval)],
        answer: {
          approved: true,
          by: approval.by,
          ...(approval.displayName ? { displayName: approval.displayName } : {}),
        },
      } satisfies PhaseChangedDetail)
    : undefined;
  const announced = Promise.resolve(decided).then(() =>
    deps.events?.publish(DETAIL_TYPES.phaseChanged, {
      run: input.run,
      phase: 'promote',
      status: 'started',
      at: startedAt,
      facts: [`${database.id}: promoting ${base.newPrimary.identifier} in ${base.newPrimary.region}`],
    } satisfies PhaseChangedDetail),
  );
  const partial =
    database.kind === 'rds-read-replica'
      ? await promoteReplica(input, database, deps)
      : await promoteGlobalSecondary(input, database, deps);
  await announced;
  const now = deps.clock.now();
  const writable = partial.writable || input.run.mode === 'dry-run';
  const result: PromotionResult = {
    ...base,
    ...partial,
    writable,
    writableAt: writable ? now.toISOString() : undefined,
    pollSeconds: pollSeconds('promotion', startedAt, now),
  };
  deps.log.info('promotion started', {
    database: database.id,
    writable,
    alreadyPromoted: result.alreadyPromoted,
    status: result.status,
    dryRun: input.run.mode === 'dry-run',
  });
  return result;
};

/** What each kind's path decides; `lagSecondsAtPromotion` only when it knows better than the assessment. */
type Started = Pick<PromotionResult, 'writable' | 'status' | 'alreadyPromoted' | 'actions'> &
  Partial<Pick<PromotionResult, 'lagSecondsAtPromotion'>>;

const promoteReplica = async (
  { run }: PromoteDatabaseInput,
  database: RdsReadReplica,
  deps: PromotionDeps,
): Promise<Started> => {
  const { region, instance } = database.replica;
  const hint = `Check replica "${instance}" in ${region} in the RDS console (its status and events).`;
  const replica = await deps.rds.describeInstance(region, instance);
  if (!replica) {
    throw new PromotionFailedError(
      database.id,
      `replica "${instance}" was not found in ${region}. Check "replica" in the plan.`,
    );
  }
  if (!replica.replicationSource) {
    // Standalone already: an earlier attempt (or a person) promoted it. Success, or on its way there.
    if (replica.status === 'available')
      return { writable: true, status: replica.status, alreadyPromoted: true, actions: [] };
    if (isFailedState(replica.status)) {
      throw new PromotionFailedError(database.id, `instance "${instance}" is ${replica.status}. ${hint}`);
    }
    return { writable: false, status: replica.status, alreadyPromoted: true, actions: [] };
  }
  if (isTransientInstanceState(replica.status)) {
    throw new ResourceBusyError(
      `Replica ${instance} in ${region} is ${replica.status}; PromoteReadReplica waits until it is available.`,
    );
  }
  if (replica.status !== 'available') {
    throw new PromotionFailedError(database.id, `replica "${instance}" is ${replica.status}, not available. ${hint}`);
  }

  if (run.mode !== 'dry-run') await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
  const retention = replica.backupRetentionPeriod > 0 ? replica.backupRetentionPeriod : DEFAULT_BACKUP_RETENTION_DAYS;
  try {
    const action = await deps.actions.perform(
      { service: 'rds', operation: 'PromoteReadReplica', target: instance, region },
      run,
      () => deps.rds.promoteReadReplica(region, instance, retention),
    );
    return {
      writable: false,
      status: action.dryRun ? replica.status : 'promoting',
      alreadyPromoted: false,
      actions: [action],
    };
  } catch (error) {
    if (awsErrorName(error) === 'InvalidDBInstanceStateFault') {
      // The state may have changed since we read it (a backup started): look again before calling it a failure.
      const again = await deps.rds.describeInstance(region, instance);
      if (again && isTransientInstanceState(again.status)) {
        throw new ResourceBusyError(`Replica ${instance} in ${region} became ${again.status}; retrying.`, error);
      }
    }
    throw cannotPromote(database.id, 'PromoteReadReplica', error, hint);
  }
};

const promoteGlobalSecondary = async (
  { run }: PromoteDatabaseInput,
  database: AuroraGlobal,
  deps: PromotionDeps,
): Promise<Started> => {
  const { region, cluster } = database.secondary;
  const hint = `Check global cluster "${database.globalCluster}" and cluster "${cluster}" in ${region} (status, events, engine versions).`;
  const global = await deps.rds.describeGlobalCluster(region, database.globalCluster);
  const target = secondaryMember(database, global);
  const failover = global?.failoverState;

  if (failover?.status === 'cancelling') {
    throw new ResourceBusyError(`Global cluster ${database.globalCluster} is cancelling a failover; retrying.`);
  }
  if (global && isGlobalFailoverRunning(global)) {
    if (failover?.toClusterArn === target.clusterArn) {
      // An earlier attempt started it: wait for it, never start a second one.
      return { writable: false, status: failover.status, alreadyPromoted: false, actions: [] };
    }
    throw new PromotionFailedError(
      database.id,
      `global cluster "${database.globalCluster}" is failing over to ${failover?.toClusterArn ?? 'another cluster'}, ` +
        `not to "${cluster}". Let it finish, then redrive the run. ${hint}`,
    );
  }
  if (target.isWriter) return { writable: true, status: 'available', alreadyPromoted: true, actions: [] };

  if (run.mode !== 'dry-run') await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
  const failoverAction = {
    service: 'rds',
    operation: 'FailoverGlobalCluster',
    target: database.globalCluster,
    region,
  } as const;
  const failoverCall = () => deps.rds.failoverGlobalCluster(region, database.globalCluster, target.clusterArn);

  if (run.trigger.type === 'alarm') {
    // Unplanned: the primary region is failing; promote now and accept the lag measured at assessment as lost
    // (aws-facts.md: Aurora User Guide, "Disaster recovery for Aurora global databases").
    const action = await performOrFail(deps, run, failoverAction, failoverCall, database.id, hint);
    return {
      writable: false,
      status: action.dryRun ? 'available' : 'failing-over',
      alreadyPromoted: false,
      actions: [action],
    };
  }

  // Manual: a switchover loses nothing (RPO 0) but needs the primary region; if it cannot take part, fail over.
  const attemptedAt = deps.clock.now().toISOString();
  try {
    const action = await deps.actions.perform(
      { service: 'rds', operation: 'SwitchoverGlobalCluster', target: database.globalCluster, region },
      run,
      () => deps.rds.switchoverGlobalCluster(region, database.globalCluster, target.clusterArn),
    );
    return {
      writable: false,
      status: action.dryRun ? 'available' : 'switching-over',
      alreadyPromoted: false,
      actions: [action],
      // A switchover waits until the secondary has caught up: nothing is lost (aws-facts.md: Aurora User Guide).
      lagSecondsAtPromotion: 0,
    };
  } catch (error) {
    const name = awsErrorName(error);
    if (!SWITCHOVER_FALLBACK_ERRORS.has(name)) throw cannotPromote(database.id, 'SwitchoverGlobalCluster', error, hint);
    deps.log.warn('switchover refused, failing over with data loss allowed', {
      database: database.id,
      errorName: name,
    });
    const refused: ActionRecord = {
      service: 'rds',
      operation: 'SwitchoverGlobalCluster',
      target: database.globalCluster,
      region,
      at: attemptedAt,
      dryRun: false,
      error: name,
    };
    const action = await performOrFail(deps, run, failoverAction, failoverCall, database.id, hint);
    return { writable: false, status: 'failing-over', alreadyPromoted: false, actions: [refused, action] };
  }
};

const performOrFail = async (
  deps: PromotionDeps,
  run: RunContext,
  action: Omit<ActionRecord, 'at' | 'dryRun'>,
  call: () => Promise<void>,
  databaseId: string,
  hint: string,
): Promise<ActionRecord> => {
  try {
    return await deps.actions.perform(action, run, call);
  } catch (error) {
    throw cannotPromote(databaseId, action.operation, error, hint);
  }
};
