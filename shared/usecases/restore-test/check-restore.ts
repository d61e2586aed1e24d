import { RESTORE_DEADLINE_TAG, RESTORE_PLAN_TAG, RESTORE_TAG } from '../../domain/restore-test';
import type { RestoreState, RestoreTestRun } from './context';
import { RestoreFailedError, RestoreTimedOutError } from './errors';
import type { RestoreStepDeps } from './start-restore';

/** Statuses from which an instance or cluster still becomes available on its own (RDS User Guide, DB instance status). */
const IN_PROGRESS = new Set([
  'creating',
  'backing-up',
  'modifying',
  'rebooting',
  'configuring-enhanced-monitoring',
  'configuring-log-exports',
  'configuring-iam-database-auth',
  'resetting-master-credentials',
  'renaming',
  'upgrading',
  'storage-optimization',
]);

/**
 * "Check Restore": where the throwaway is. Available: its endpoint and when it was seen available. Still coming:
 * the same state back (the state machine waits `pollSeconds` and asks again). An Aurora cluster that has become
 * available gets its instance here. Polling is bounded by the test's deadline.
 *
 * @throws RestoreFailedError when the restore ended in a failed status or the throwaway is gone
 * @throws RestoreTimedOutError past the deadline
 */
export const checkRestore = async (
  input: { run: RestoreTestRun; restore: RestoreState },
  deps: RestoreStepDeps,
): Promise<RestoreState> => {
  const { run, restore } = input;
  const now = deps.clock.now();
  const judge = (what: string, status: string | undefined): 'pending' | 'available' => {
    if (status === undefined) throw new RestoreFailedError(`${what} is gone before it became available`);
    if (status === 'available') return 'available';
    if (IN_PROGRESS.has(status)) return 'pending';
    throw new RestoreFailedError(`${what} ended in status ${status}`);
  };
  let state: 'pending' | 'available';
  let endpoint: RestoreState['endpoint'];
  if (restore.cluster) {
    const cluster = await deps.restore.describeCluster(run.region, restore.cluster);
    state = judge(`restored cluster ${restore.cluster}`, cluster?.status);
    if (state === 'available') {
      const instance = await deps.restore.describeInstance(run.region, restore.instance);
      if (!instance) {
        await deps.restore.createClusterInstance(run.region, restore.cluster, cluster?.engine ?? 'aurora-postgresql', {
          identifier: restore.instance,
          instanceClass: String(restore.instanceClass ?? ''),
          tags: { [RESTORE_TAG]: run.testId, [RESTORE_PLAN_TAG]: run.plan, [RESTORE_DEADLINE_TAG]: run.deadline },
        });
        state = 'pending';
      } else {
        state = judge(`restored instance ${restore.instance}`, instance.status);
        endpoint = cluster?.endpoint;
      }
    }
  } else {
    const instance = await deps.restore.describeInstance(run.region, restore.instance);
    state = judge(`restored instance ${restore.instance}`, instance?.status);
    endpoint = instance?.endpoint;
  }
  if (state === 'available') {
    return { ...restore, status: 'available', availableAt: now.toISOString(), ...(endpoint ? { endpoint } : {}) };
  }
  if (now.getTime() >= Date.parse(run.deadline)) {
    throw new RestoreTimedOutError(
      `${restore.cluster ?? restore.instance} was not available by the deadline ${run.deadline}`,
    );
  }
  return { ...restore, status: 'creating' };
};
