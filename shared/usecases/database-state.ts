import type { GlobalClusterState } from '../domain/ports';
import { PromotionFailedError } from '../errors';
import type { Database, Plan } from '../plan/schema';

/**
 * How the promotion steps read RDS and Aurora states. Shared by promote-database, check-promotion and
 * verify-recovery so that "busy", "failed" and "in progress" mean the same thing in all three.
 */

/**
 * RDS instance states that pass by themselves. PromoteReadReplica fails while the replica is `backing-up`
 * (aws-facts.md: RDS User Guide, "Promoting a read replica"), and RDS refuses most actions during the others.
 */
const TRANSIENT_INSTANCE_STATES = new Set([
  'backing-up',
  'modifying',
  'rebooting',
  'starting',
  'renaming',
  'resetting-master-credentials',
  'storage-optimization',
  'storage-initialization',
  'storage-config-upgrade',
  'upgrading',
  'maintenance',
  'moving-to-vpc',
  'converting-to-vpc',
  'creating',
]);

/** A transient RDS instance state: wait and try again. `configuring-*` covers monitoring, IAM auth, log exports. */
export const isTransientInstanceState = (status: string): boolean =>
  TRANSIENT_INSTANCE_STATES.has(status) || status.startsWith('configuring-');

/**
 * RDS instance or cluster states from which a promotion cannot end writable without a person: `failed`,
 * `incompatible-*` (parameters, network, option group, restore, credentials), `inaccessible-encryption-credentials*`,
 * `storage-full`, `restore-error`, and anything on its way out.
 */
export const isFailedState = (status: string): boolean =>
  status === 'failed' ||
  status === 'storage-full' ||
  status === 'restore-error' ||
  status === 'deleting' ||
  status === 'stopped' ||
  status === 'stopping' ||
  status.startsWith('incompatible-') ||
  status.startsWith('inaccessible-encryption-credentials');

/** Failover states of a global cluster during which a failover or switchover is running (not yet done). */
export const isGlobalFailoverRunning = (global: GlobalClusterState): boolean =>
  global.failoverState?.status === 'pending' ||
  global.failoverState?.status === 'failing-over' ||
  global.failoverState?.status === 'switching-over';

/** The plan's database for an assessed id; a mismatch means the plan changed under a running execution. */
export const findPlanDatabase = (plan: Plan, id: string): Database => {
  const database = plan.databases.find((candidate) => candidate.id === id);
  if (!database) {
    throw new PromotionFailedError(
      id,
      `plan "${plan.app}" has no database "${id}" (databases: ${plan.databases.map((db) => db.id).join(', ')}). ` +
        'The plan changed during the run: redeploy the plan this run started with, or start a new run.',
    );
  }
  return database;
};

/** Where the standby of a database lives and what it is called: the new primary once promoted. */
export const standbyOf = (database: Database): { region: string; identifier: string } =>
  database.kind === 'rds-read-replica'
    ? { region: database.replica.region, identifier: database.replica.instance }
    : { region: database.secondary.region, identifier: database.secondary.cluster };

/** The global cluster's member for the plan's secondary cluster, or a PromotionFailedError saying what to check. */
export const secondaryMember = (
  database: Extract<Database, { kind: 'aurora-global' }>,
  global: GlobalClusterState | undefined,
): GlobalClusterState['members'][number] => {
  if (!global) {
    throw new PromotionFailedError(
      database.id,
      `global cluster "${database.globalCluster}" was not found from ${database.secondary.region}. ` +
        'Check "globalCluster" in the plan and that the function may call rds:DescribeGlobalClusters.',
    );
  }
  const member = global.members.find(
    (candidate) =>
      candidate.clusterIdentifier === database.secondary.cluster && candidate.region === database.secondary.region,
  );
  if (!member) {
    throw new PromotionFailedError(
      database.id,
      `cluster "${database.secondary.cluster}" in ${database.secondary.region} is not a member of global cluster ` +
        `"${database.globalCluster}" (members: ${global.members.map((m) => `${m.clusterIdentifier}@${m.region}`).join(', ') || 'none'}). ` +
        'Check "secondary" in the plan, or re-add the cluster to the global cluster.',
    );
  }
  return member;
};
