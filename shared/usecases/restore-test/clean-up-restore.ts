import { restoreIdentifier, restoreInstanceOfCluster } from '../../domain/restore-test';
import type { RestoreTestRun } from './context';
import type { RestoreStepDeps } from './start-restore';

/**
 * "Clean Up Restore": deletes the test's throwaway without a final snapshot, whatever happened before (it runs on
 * success, after any failure, and again after a redrive). The names come from the test id and the database, so it
 * needs nothing from the earlier steps; what is already gone counts as deleted.
 */
export const cleanUpRestore = async (
  input: { run: RestoreTestRun; database: { id: string; kind: string } },
  deps: RestoreStepDeps,
): Promise<{ cleanedUpAt: string; deleted: string[] }> => {
  const { run, database } = input;
  const identifier = restoreIdentifier(run.testId, database.id);
  const deleted: string[] = [];
  if (database.kind === 'aurora-global') {
    const instance = restoreInstanceOfCluster(identifier);
    if ((await deps.restore.deleteInstance(run.region, instance)) === 'deleting') deleted.push(instance);
    if ((await deps.restore.deleteCluster(run.region, identifier)) === 'deleting') deleted.push(identifier);
  } else if ((await deps.restore.deleteInstance(run.region, identifier)) === 'deleting') {
    deleted.push(identifier);
  }
  deps.log.info('restore cleaned up', { identifier, deleted });
  return { cleanedUpAt: deps.clock.now().toISOString(), deleted };
};
