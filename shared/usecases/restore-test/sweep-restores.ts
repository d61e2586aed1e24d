import { RESTORE_DEADLINE_TAG, RESTORE_PREFIX } from '../../domain/restore-test';
import type { RestoreStepDeps } from './start-restore';

/** A throwaway without a deadline tag (tagging failed?) is swept once it is this old: longer than any test may run. */
const UNTAGGED_MAX_AGE_MS = 24 * 3600_000;

/**
 * "Sweep Leftovers": deletes every Switchback throwaway (identifier with the restore prefix) in `region` whose
 * deadline has passed: what a test could not clean up (its region did not answer, the execution was stopped).
 * Instances first, then clusters (RDS refuses a cluster that still has instances not being deleted).
 */
export const sweepRestores = async (
  input: { region: string },
  deps: RestoreStepDeps,
): Promise<{ swept: string[]; sweptAt: string }> => {
  const now = deps.clock.now();
  const expired = (resource: { tags: Record<string, string>; createdAt?: string; status: string }): boolean => {
    if (resource.status === 'deleting') return false;
    const deadline = resource.tags[RESTORE_DEADLINE_TAG];
    if (deadline) return Date.parse(deadline) <= now.getTime();
    return resource.createdAt !== undefined && Date.parse(resource.createdAt) + UNTAGGED_MAX_AGE_MS <= now.getTime();
  };
  const { instances, clusters } = await deps.restore.listByPrefix(input.region, RESTORE_PREFIX);
  const swept: string[] = [];
  for (const instance of instances.filter(expired)) {
    if ((await deps.restore.deleteInstance(input.region, instance.identifier)) === 'deleting') {
      swept.push(instance.identifier);
    }
  }
  for (const cluster of clusters.filter(expired)) {
    if ((await deps.restore.deleteCluster(input.region, cluster.identifier)) === 'deleting')
      swept.push(cluster.identifier);
  }
  if (swept.length > 0) deps.log.warn('leftover restore throwaways deleted', { swept });
  return { swept, sweptAt: now.toISOString() };
};
