import type { RestorePort } from '../../aws/restore';
import {
  DEFAULT_AURORA_RESTORE_CLASS,
  RESTORE_DEADLINE_TAG,
  RESTORE_PLAN_TAG,
  RESTORE_TAG,
  restoreIdentifier,
  restoreInstanceOfCluster,
  restoreTestSettings,
} from '../../domain/restore-test';
import type { Plan } from '../../plan/schema';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import type { RestoreState, RestoreTestRun } from './context';
import { NoRestorableBackupError } from './errors';

/** Tag with the restored point, so that a redrive that finds the throwaway knows what it restored. */
export const RESTORE_POINT_TAG = 'switchback:restore-point';
/** Between two checks of a restore: restores take ten minutes or more (sim/timing.ts, restore). */
export const RESTORE_POLL_SECONDS = 60;

export interface RestoreStepDeps {
  restore: RestorePort;
  clock: Clock;
  log: Log;
}

/**
 * "Start Restore": restores the newest restorable point of one database in the standby region into a tagged
 * throwaway (RDS: from the replicated automated backups, by ARN; Aurora: the secondary cluster, then an instance
 * once the cluster is available). Idempotent: the throwaway's name comes from the test id, so a redrive that finds
 * it adopts it (and its restored point, from its tag) instead of starting a second one.
 *
 * @throws NoRestorableBackupError when there is nothing to restore from in the standby region
 */
export const startRestore = async (
  input: { run: RestoreTestRun; database: { id: string }; plan: Plan },
  deps: RestoreStepDeps,
): Promise<RestoreState> => {
  const { run, plan } = input;
  const settings = restoreTestSettings(plan);
  const db = plan.databases.find((d) => d.id === input.database.id);
  if (!db) throw new NoRestorableBackupError(`database "${input.database.id}" is not in plan ${plan.app}`);
  const region = run.region;
  const identifier = restoreIdentifier(run.testId, db.id);
  const found =
    db.kind === 'rds-read-replica'
      ? await deps.restore.replicatedBackup(region, db.primary.instance)
      : await deps.restore.clusterRestorable(region, db.secondary.cluster);
  if (!found) {
    throw new NoRestorableBackupError(
      db.kind === 'rds-read-replica'
        ? `${db.id}: no replicated automated backups of ${db.primary.instance} in ${region}; turn on cross-region automated backup replication`
        : `${db.id}: cluster ${db.secondary.cluster} in ${region} has no restorable time`,
    );
  }
  const tags = {
    [RESTORE_TAG]: run.testId,
    [RESTORE_PLAN_TAG]: plan.app,
    [RESTORE_DEADLINE_TAG]: run.deadline,
    [RESTORE_POINT_TAG]: found.latestRestorableTime,
  };
  const target = {
    identifier,
    instanceClass: db.kind === 'aurora-global' ? undefined : settings.instanceClass,
    subnetGroup: settings.subnetGroup,
    securityGroup: settings.securityGroup,
    tags,
  };
  const outcome =
    db.kind === 'rds-read-replica'
      ? await deps.restore.restoreInstance(region, found.source, found.latestRestorableTime, target)
      : await deps.restore.restoreCluster(region, found.source, found.latestRestorableTime, target);
  const now = deps.clock.now().toISOString();
  let restorePointTime = found.latestRestorableTime;
  let requestedAt = now;
  if (outcome === 'exists') {
    const existing =
      db.kind === 'rds-read-replica'
        ? await deps.restore.describeInstance(region, identifier)
        : await deps.restore.describeCluster(region, identifier);
    restorePointTime = existing?.tags[RESTORE_POINT_TAG] ?? restorePointTime;
    requestedAt = existing?.createdAt ?? now;
    deps.log.info('restore already started', { identifier });
  }
  return {
    instance: db.kind === 'rds-read-replica' ? identifier : restoreInstanceOfCluster(identifier),
    ...(db.kind === 'aurora-global'
      ? { cluster: identifier, instanceClass: settings.instanceClass ?? DEFAULT_AURORA_RESTORE_CLASS }
      : {}),
    restorePointTime,
    requestedAt,
    status: 'creating',
    pollSeconds: RESTORE_POLL_SECONDS,
  };
};
