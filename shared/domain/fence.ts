import type { ActionRecord } from './run';
import type { DatabaseCopy, DatabaseTopology, OldPrimaryState, Topology } from './topology';

/**
 * The fence runbook's pure rules: which old primaries still need fencing, and what a reading of one means.
 * Fencing keeps an old primary from taking the application's writes when its region returns: an RDS instance is
 * stopped; an Aurora cluster is verified to have rejoined its global cluster as a secondary (which AWS does by
 * itself after a managed failover, aws-facts.md: Aurora User Guide, "Disaster recovery for Aurora global
 * databases"), which makes it read-only.
 */

/** One old primary to fence: the database, the copy to fence, and the writer that replaced it. */
export interface FenceTarget {
  id: string;
  kind: DatabaseTopology['kind'];
  oldPrimary: DatabaseCopy;
  writer: DatabaseCopy;
  /** The Aurora global cluster's identifier (aurora-global only). */
  globalCluster?: string;
}

/** What one "Fence Database" step found or did; `done` ends its polling. */
export interface FenceResult {
  databaseId: string;
  /** fenced / rejoined: verified, at `verifiedAt`; unreachable: its region did not answer; unknown: see `detail`. */
  state: Extract<OldPrimaryState, 'fenced' | 'rejoined' | 'unreachable' | 'unknown'>;
  done: boolean;
  /** Seconds the Wait state waits before the next check. */
  pollSeconds: number;
  /** How many checks were made so far (the ASL gives up after FENCE_MAX_CHECKS). */
  checks: number;
  detail: string;
  checkedAt: string;
  verifiedAt?: string;
  actions: ActionRecord[];
}

/** The old-primary states that still call for a fence. */
const TO_FENCE: ReadonlySet<OldPrimaryState> = new Set(['unknown', 'unreachable']);

/** The old primaries the topology says are not yet fenced (or rejoined, or replaced). */
export const fenceTargets = (topology: Topology, globalClusters: Record<string, string>): FenceTarget[] =>
  topology.databases.flatMap((db) =>
    db.oldPrimary && TO_FENCE.has(db.oldPrimary.state)
      ? [
          {
            id: db.id,
            kind: db.kind,
            oldPrimary: { region: db.oldPrimary.region, identifier: db.oldPrimary.identifier },
            writer: db.writer,
            ...(globalClusters[db.id] ? { globalCluster: globalClusters[db.id] } : {}),
          },
        ]
      : [],
  );

/** What an RDS instance's status means for a fence: stopped is verified, stopping is under way. */
export const rdsFenceStatus = (status: string | undefined): 'fenced' | 'stopping' | 'stop' | 'busy' => {
  if (status === undefined || status === 'stopped') return 'fenced';
  if (status === 'stopping') return 'stopping';
  if (status === 'available') return 'stop';
  return 'busy';
};

/** The topology once the fence results are in: each old primary's state, and since when. */
export const topologyAfterFence = (
  topology: Topology,
  results: readonly FenceResult[],
  change: { at: string; incidentId: string },
): Topology => {
  const byId = new Map(results.map((result) => [result.databaseId, result]));
  return {
    ...topology,
    databases: topology.databases.map((db) => {
      const result = byId.get(db.id);
      if (!result || !db.oldPrimary || result.state === 'unknown') return db;
      return {
        ...db,
        oldPrimary: { ...db.oldPrimary, state: result.state, since: result.verifiedAt ?? result.checkedAt },
      };
    }),
    updatedAt: change.at,
    updatedBy: change.incidentId,
  };
};
