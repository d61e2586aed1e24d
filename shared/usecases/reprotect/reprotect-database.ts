import type { ReprotectPort } from '../../aws/reprotect';
import type { ActionLog, EventsPort, LedgerPort, ReplicaLagPort } from '../../domain/ports';
import {
  REPROTECT_MAX_CHECKS,
  type ReprotectResult,
  type ReprotectTarget,
  reprotectPollSeconds,
} from '../../domain/reprotect';
import { type ActionRecord, DETAIL_TYPES, lockOwnerOf, type RunContext } from '../../domain/run';
import { describeCopy } from '../../domain/topology';
import { ReprotectRefusedError } from '../../errors';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';

export interface ReprotectDatabaseDeps {
  rds: ReprotectPort;
  lag: Pick<ReplicaLagPort, 'rdsReplicaLagSeconds'>;
  ledger: Pick<LedgerPort, 'assertLock'>;
  events: EventsPort;
  actions: ActionLog;
  clock: Clock;
  log: Log;
}

export interface ReprotectDatabaseInput {
  run: RunContext;
  target: ReprotectTarget;
  /** The previous check of this target, when the ASL loops back after a Wait. */
  previous?: ReprotectResult;
}

/** Statuses of a snapshot or instance that only need time. */
const ON_ITS_WAY = new Set(['creating', 'backing-up', 'modifying', 'configuring-enhanced-monitoring', 'starting']);

/**
 * "Reprotect Database": one pass over one database's reprotect, each stage read before it is acted on, so that a
 * retried, redriven or repeated step never makes a second snapshot, replica or cluster (the names are derived,
 * shared/domain/reprotect.ts). A stage that needs time ends the pass (`done: false`, the ASL waits and calls again,
 * with backoff); a dry run records each call it would make and goes on as if it had been made.
 * - RDS: snapshot the old primary (CreateDBSnapshot, wait available); create the cross-region read replica of the
 *   writer in the target region (CreateDBInstanceReadReplica, KMS key of that region when the source is encrypted);
 *   wait until it is available and replicating; when the plan says so, delete the old primary with a final snapshot.
 * - Aurora, old primary rejoined: verify it is a reader member that replicates; it is the standby.
 * - Aurora, not rejoined: CreateDBCluster joined to the global cluster, then its instance (CreateDBInstance); wait
 *   until both are available and the cluster is a connected reader member.
 */
export const reprotectDatabase = async (
  input: ReprotectDatabaseInput,
  deps: ReprotectDatabaseDeps,
): Promise<ReprotectResult> => {
  const { run, target, previous } = input;
  const { rds } = deps;
  const now = deps.clock.now().toISOString();
  const checks = (previous?.checks ?? 0) + 1;
  const actions: ActionRecord[] = [...(previous?.actions ?? [])];
  const dryRun = run.mode === 'dry-run';
  let snapshot = previous?.snapshot;
  const result = (
    state: ReprotectResult['state'],
    detail: string,
    extra: Partial<ReprotectResult> = {},
  ): ReprotectResult => {
    const gaveUp = state === 'waiting' && checks >= REPROTECT_MAX_CHECKS;
    return {
      databaseId: target.id,
      state: gaveUp ? 'timed-out' : state,
      done: state !== 'waiting' || gaveUp,
      pollSeconds: reprotectPollSeconds(checks),
      checks,
      startedAt: previous?.startedAt ?? now,
      checkedAt: now,
      detail: gaveUp ? `${detail}; gave up after ${checks} checks` : detail,
      ...(snapshot ? { snapshot } : {}),
      actions,
      ...extra,
    };
  };
  const wait = (detail: string) => result('waiting', detail);
  const act = async (operation: string, targetName: string, region: string, call: () => Promise<unknown>) => {
    if (!dryRun) await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
    actions.push(
      await deps.actions.perform({ service: 'rds', operation, target: targetName, region }, run, async () => {
        await call();
      }),
    );
  };
  const planned = (operation: string, name: string) =>
    actions.some((a) => a.operation === operation && a.target === name);
  if (checks === 1) {
    await deps.events.publish(DETAIL_TYPES.phaseChanged, { run, phase: 'reprotect', status: 'started', at: now });
  }
  const old = describeCopy(target.oldPrimary);
  const standby = { region: target.region, identifier: target.names.standby };

  if (target.kind === 'rds-read-replica') {
    // 1. The old primary's snapshot, before anything else (it may be deleted later).
    if (!snapshot) {
      const status = await rds.describeSnapshot(target.oldPrimary.region, target.names.snapshot);
      if (status === undefined) {
        if (planned('CreateDBSnapshot', target.names.snapshot)) {
          if (!dryRun) return wait(`snapshot ${target.names.snapshot} of ${old} is not listed yet`);
        } else {
          const instance = await rds.describeInstance(target.oldPrimary.region, target.oldPrimary.identifier);
          if (instance) {
            await act('CreateDBSnapshot', target.names.snapshot, target.oldPrimary.region, () =>
              rds.createSnapshot(target.oldPrimary.region, target.oldPrimary.identifier, target.names.snapshot),
            );
            if (!dryRun) return wait(`snapshot ${target.names.snapshot} of ${old} started`);
          }
        }
      } else if (status !== undefined && status !== 'available') {
        if (!ON_ITS_WAY.has(status)) {
          throw new ReprotectRefusedError(target.id, `snapshot ${target.names.snapshot} is ${status}`);
        }
        return wait(`snapshot ${target.names.snapshot} of ${old} is ${status}`);
      }
      if (status === 'available') snapshot = target.names.snapshot;
    }
    // 2. The new standby: a cross-region read replica of the writer.
    let lagSeconds: number | undefined;
    const writer = await rds.describeInstance(target.writer.region, target.writer.identifier);
    if (!writer) throw new ReprotectRefusedError(target.id, `the writer ${describeCopy(target.writer)} does not exist`);
    const replica = await rds.describeInstance(target.region, target.names.standby);
    if (!replica) {
      if (!planned('CreateDBInstanceReadReplica', target.names.standby)) {
        await act('CreateDBInstanceReadReplica', target.names.standby, target.region, () =>
          rds.createReadReplica(target.region, {
            identifier: target.names.standby,
            sourceArn: writer.arn,
            ...(target.kmsKeyId ? { kmsKeyId: target.kmsKeyId } : {}),
            ...(target.instanceClass ? { instanceClass: target.instanceClass } : {}),
          }),
        );
      }
      if (!dryRun) return wait(`read replica ${describeCopy(standby)} of ${describeCopy(target.writer)} started`);
    } else {
      if (replica.replicationSource !== writer.arn && replica.replicationSource !== writer.identifier) {
        throw new ReprotectRefusedError(
          target.id,
          `${describeCopy(standby)} exists but does not replicate from ${describeCopy(target.writer)} (source: ${replica.replicationSource ?? 'none'}); rename or delete it`,
        );
      }
      if (replica.status !== 'available' || replica.replication !== 'replicating') {
        if (replica.status !== 'available' && !ON_ITS_WAY.has(replica.status)) {
          throw new ReprotectRefusedError(target.id, `${describeCopy(standby)} is ${replica.status}`);
        }
        return wait(
          `${describeCopy(standby)} is ${replica.status}, replication ${replica.replication ?? 'not started'}`,
        );
      }
      // A new replica starts far behind (the writes since its snapshot): it protects once within the RPO budget.
      const lag = await deps.lag.rdsReplicaLagSeconds(target.region, target.names.standby, deps.clock.now());
      if (lag === undefined || lag > target.maxLagSeconds) {
        return wait(
          `${describeCopy(standby)} replicates, lag ${lag === undefined ? 'not published yet' : `${lag} s`} (RPO budget ${target.maxLagSeconds} s)`,
        );
      }
      lagSeconds = lag;
    }
    // 3. The old primary: kept (stopped, fenced) unless the plan asks to delete it, after its snapshot.
    let fate: 'kept' | 'deleting' = 'kept';
    let keptBecause = '';
    if (target.deleteOldPrimary) {
      const instance = await rds.describeInstance(target.oldPrimary.region, target.oldPrimary.identifier);
      if (instance?.deletionProtection) {
        // Turning protection off is a decision for a person, not for this runbook: keep it and say why.
        keptBecause = ' (deletion protection is on: turn it off, then delete it or run reprotect again)';
      } else {
        if (instance && instance.status !== 'deleting' && !planned('DeleteDBInstance', target.oldPrimary.identifier)) {
          await act('DeleteDBInstance', target.oldPrimary.identifier, target.oldPrimary.region, () =>
            rds.deleteInstance(target.oldPrimary.region, target.oldPrimary.identifier, target.names.finalSnapshot),
          );
        }
        fate = 'deleting';
      }
    }
    if (dryRun)
      return result('planned', `would make ${describeCopy(standby)} a read replica of ${describeCopy(target.writer)}`);
    return result(
      'protected',
      `${describeCopy(standby)} replicates from ${describeCopy(target.writer)} (lag ${lagSeconds ?? '?'} s)` +
        (snapshot ? `; ${old} snapshotted as ${snapshot}` : `; ${old} no longer exists`) +
        (fate === 'deleting'
          ? `; ${old} deleting (final snapshot ${target.names.finalSnapshot})`
          : `; ${old} kept${keptBecause}`),
      { standby, oldPrimary: fate },
    );
  }

  // Aurora global.
  const globalId = target.globalCluster ?? '';
  const memberOf = async (identifier: string, region: string) => {
    const global = await rds.describeGlobalCluster(target.writer.region, globalId);
    return global?.members.find((m) => m.clusterIdentifier === identifier && m.region === region);
  };
  if (target.path === 'aurora-rejoined') {
    const member = await memberOf(target.oldPrimary.identifier, target.oldPrimary.region);
    if (!member || member.isWriter) {
      throw new ReprotectRefusedError(
        target.id,
        `${old} is ${member ? 'the writer' : 'no longer a member'} of ${globalId}; run reprotect again`,
      );
    }
    if (member.synchronizationStatus === 'pending-resync') return wait(`${old} is not resynchronized yet`);
    const cluster = await rds.describeCluster(target.oldPrimary.region, target.oldPrimary.identifier);
    if (cluster?.status !== 'available') return wait(`${old} is ${cluster?.status ?? 'not found'}`);
    if (dryRun) return result('planned', `would make ${old} (rejoined ${globalId}) the standby`);
    return result('protected', `${old} rejoined ${globalId} as a reader and replicates: it is the standby`, {
      standby: target.oldPrimary,
      oldPrimary: 'standby',
    });
  }
  const writer = await rds.describeCluster(target.writer.region, target.writer.identifier);
  if (!writer) throw new ReprotectRefusedError(target.id, `the writer ${describeCopy(target.writer)} does not exist`);
  const cluster = await rds.describeCluster(target.region, target.names.standby);
  if (!cluster) {
    if (!planned('CreateDBCluster', target.names.standby)) {
      await act('CreateDBCluster', target.names.standby, target.region, () =>
        rds.createSecondaryCluster(target.region, {
          identifier: target.names.standby,
          globalCluster: globalId,
          engine: writer.engine,
          ...(writer.engineVersion ? { engineVersion: writer.engineVersion } : {}),
          ...(target.kmsKeyId ? { kmsKeyId: target.kmsKeyId } : {}),
        }),
      );
    }
    if (!dryRun) return wait(`secondary cluster ${describeCopy(standby)} started in ${globalId}`);
  } else if (cluster.status !== 'available') {
    return wait(`${describeCopy(standby)} is ${cluster.status}`);
  }
  const instanceName = target.names.clusterInstance ?? `${target.names.standby}-1`;
  const instance = await rds.describeInstance(target.region, instanceName);
  if (!instance) {
    if (!planned('CreateDBInstance', instanceName)) {
      await act('CreateDBInstance', instanceName, target.region, () =>
        rds.createClusterInstance(target.region, {
          identifier: instanceName,
          cluster: target.names.standby,
          engine: writer.engine,
          instanceClass: target.instanceClass ?? '',
        }),
      );
    }
    if (!dryRun) return wait(`instance ${instanceName} of ${describeCopy(standby)} started`);
  } else if (instance.status !== 'available') {
    return wait(`instance ${instanceName} is ${instance.status}`);
  }
  if (dryRun) return result('planned', `would add secondary cluster ${describeCopy(standby)} to ${globalId}`);
  const member = await memberOf(target.names.standby, target.region);
  if (!member || member.isWriter || member.synchronizationStatus === 'pending-resync') {
    return wait(`${describeCopy(standby)} is not a replicating reader of ${globalId} yet`);
  }
  return result('protected', `${describeCopy(standby)} joined ${globalId} as a reader and replicates`, {
    standby,
    oldPrimary: 'kept',
  });
};
