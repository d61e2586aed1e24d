import { isUnreachable } from '../../aws/aws-errors';
import { type FenceResult, type FenceTarget, rdsFenceStatus } from '../../domain/fence';
import type { ActionLog, LedgerPort, RdsPort } from '../../domain/ports';
import { type ActionRecord, lockOwnerOf, type RunContext } from '../../domain/run';
import { describeCopy, standaloneCluster, stopClusterCommand } from '../../domain/topology';
import { EndpointUnreachableError, FenceRefusedError } from '../../errors';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';

/** Seconds between two checks of a stopping instance or a cluster that has not rejoined yet. */
export const FENCE_POLL_SECONDS = 30;
/** Checks before the step gives up waiting (40 x 30 s = 20 minutes); the record says what was last seen. */
export const FENCE_MAX_CHECKS = 40;

export interface FenceDatabaseDeps {
  rds: RdsPort;
  ledger: Pick<LedgerPort, 'assertLock'>;
  actions: ActionLog;
  clock: Clock;
  log: Log;
}

export interface FenceDatabaseInput {
  run: RunContext;
  target: FenceTarget;
  /** The previous check of this target, when the ASL loops back after a Wait. */
  previous?: FenceResult;
}

/**
 * "Fence Database": one check (and, when needed, one fencing action) of one old primary. RDS: a stopped instance
 * is fenced; an available one is stopped (StopDBInstance, after the lock check; planned only in a dry run); a
 * stopping one is waited for. Aurora: the old primary cluster must be a non-writer member of the global cluster
 * (it rejoined as a secondary, read-only); until then it is waited for, unless it is a standalone cluster (taken out
 * of the global cluster: it takes writes and never rejoins by itself), which is not fenced until a person stops it,
 * deletes it or adds it back. A region that does not answer makes the
 * old primary `unreachable`: recorded, never waited on, so the fence never delays anything.
 * State is read first on every call, so a redriven or repeated step makes no second StopDBInstance.
 */
export const fenceDatabase = async (input: FenceDatabaseInput, deps: FenceDatabaseDeps): Promise<FenceResult> => {
  const { run, target, previous } = input;
  const now = deps.clock.now().toISOString();
  const checks = (previous?.checks ?? 0) + 1;
  const actions: ActionRecord[] = [...(previous?.actions ?? [])];
  const result = (state: FenceResult['state'], done: boolean, detail: string, verified = false): FenceResult => ({
    databaseId: target.id,
    state,
    done: done || checks >= FENCE_MAX_CHECKS,
    pollSeconds: FENCE_POLL_SECONDS,
    checks,
    detail: !done && checks >= FENCE_MAX_CHECKS ? `${detail}; gave up after ${checks} checks` : detail,
    checkedAt: now,
    ...(verified ? { verifiedAt: now } : {}),
    actions,
  });
  const old = describeCopy(target.oldPrimary);
  try {
    if (target.kind === 'rds-read-replica') {
      const instance = await deps.rds.describeInstance(target.oldPrimary.region, target.oldPrimary.identifier);
      const verdict = rdsFenceStatus(instance?.status);
      if (verdict === 'fenced') {
        return result('fenced', true, instance ? `${old} is stopped` : `${old} no longer exists`, true);
      }
      if (verdict === 'stopping') return result('unknown', false, `${old} is stopping`);
      if (verdict === 'busy') throw new FenceRefusedError(target.id, `${old} is ${instance?.status}`);
      if (run.mode !== 'dry-run') {
        await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
      }
      actions.push(
        await deps.actions.perform(
          {
            service: 'rds',
            operation: 'StopDBInstance',
            target: target.oldPrimary.identifier,
            region: target.oldPrimary.region,
          },
          run,
          () => deps.rds.stopInstance(target.oldPrimary.region, target.oldPrimary.identifier),
        ),
      );
      if (run.mode === 'dry-run') return result('unknown', true, `would stop ${old}`);
      return result('unknown', false, `stopping ${old}`);
    }

    const global = await deps.rds.describeGlobalCluster(target.writer.region, target.globalCluster ?? '');
    const member = global?.members.find((m) => m.clusterIdentifier === target.oldPrimary.identifier);
    // A non-writer member is read-only; it counts as rejoined once it replicates again (not pending-resync).
    if (member && !member.isWriter && member.synchronizationStatus !== 'pending-resync') {
      return result('rejoined', true, `${old} rejoined ${target.globalCluster} as a secondary (read-only)`, true);
    }
    if (member?.isWriter) {
      throw new FenceRefusedError(target.id, `${old} is the writer of ${target.globalCluster}, not an old primary`);
    }
    // Not a member, or one still pending resync: its region may be away. Ask its region (it may not answer).
    const cluster = await deps.rds.describeCluster(target.oldPrimary.region, target.oldPrimary.identifier);
    if (!cluster) return result('fenced', true, `${old} no longer exists`, true);
    // Taken out of the global cluster (RemoveFromGlobalCluster): a standalone cluster takes writes and never rejoins
    // by itself, so waiting here changes nothing: not fenced, with what a person can do (the fence retry looks again).
    // Stopped, it takes none.
    const standalone = member ? undefined : standaloneCluster(cluster);
    if (standalone === 'stopped') return result('fenced', true, `${old} is a standalone cluster, stopped`, true);
    if (standalone === 'takes-writes') {
      return result(
        'unknown',
        true,
        `${old} is a standalone cluster (out of ${target.globalCluster}): it takes writes and will not rejoin by itself; stop it (${stopClusterCommand(target.oldPrimary)}), delete it, or add it back to ${target.globalCluster}`,
      );
    }
    const waiting = member ? 'is not resynchronized with' : 'has not rejoined';
    return result('unknown', run.mode === 'dry-run', `${old} ${waiting} ${target.globalCluster} yet`);
  } catch (error) {
    if (error instanceof EndpointUnreachableError || isUnreachable(error)) {
      deps.log.warn('old primary region did not answer', { database: target.id, region: target.oldPrimary.region });
      return result('unreachable', true, `${target.oldPrimary.region} did not answer: ${old} not fenced yet`);
    }
    throw error;
  }
};
