import type { Database, Plan } from '../plan/schema';

/**
 * The plan's current topology: which region serves, and per database which copy writes, which one stands by, and
 * what became of the old primary. The plan file says what exists; the topology (kept in the ledger) says what
 * each thing is now. Every runbook reads it; none assumes the file's `primary` is the writer.
 */

/**
 * What is known of a database's old primary after its writer moved:
 * unknown (not yet looked at), unreachable (its region does not answer), fenced (verified unable to take the
 * application's writes), rejoined (Aurora: it came back as a secondary of the global cluster), replaced (a new
 * standby took its place; it is kept, snapshotted, or deleted as the plan says).
 */
export const OLD_PRIMARY_STATES = ['unknown', 'unreachable', 'fenced', 'rejoined', 'replaced'] as const;
export type OldPrimaryState = (typeof OLD_PRIMARY_STATES)[number];

/** One copy of a database: an RDS instance or an Aurora cluster, in a region. */
export interface DatabaseCopy {
  region: string;
  /** The DB instance identifier (RDS) or DB cluster identifier (Aurora). */
  identifier: string;
}

/**
 * An Aurora old primary as its region describes it, when the global cluster does not list it as a member: a
 * standalone cluster (taken out of the global cluster, RemoveFromGlobalCluster: no GlobalClusterIdentifier) takes
 * writes and never rejoins by itself, unless it is stopped. Undefined when it is not standalone (or does not exist).
 */
export const standaloneCluster = (
  cluster: { globalCluster?: string; status: string } | undefined,
): 'stopped' | 'takes-writes' | undefined => {
  if (!cluster || cluster.globalCluster !== undefined) return undefined;
  return cluster.status === 'stopped' ? 'stopped' : 'takes-writes';
};

/** What a person runs to stop an Aurora cluster (a standalone old primary, so that it takes no writes). */
export const stopClusterCommand = (copy: DatabaseCopy): string =>
  `aws rds stop-db-cluster --db-cluster-identifier ${copy.identifier} --region ${copy.region}`;

export interface DatabaseTopology {
  id: string;
  kind: Database['kind'];
  writer: DatabaseCopy;
  /** The copy a failover would promote; null when the database is unprotected (after a failover, before reprotect). */
  standby: DatabaseCopy | null;
  /** The writer before the last change of writer, while it matters (until it is replaced or rejoined). */
  oldPrimary?: DatabaseCopy & { state: OldPrimaryState; since: string };
}

/**
 * One failover record of the old region, kept out of DNS by the fence runbook (plan: `dns[].records[].fence`):
 * `record` is `zone|name|type|setIdentifier`; `replaced` holds the values it answered before (to restore them).
 */
export interface DnsFence {
  record: string;
  region: string;
  state: 'fenced';
  since: string;
  replaced: string[];
  /** health-check-inverted: the record's health check and its `Inverted` before the fence (restored by a failback). */
  healthCheck?: { id: string; inverted: boolean };
}

export interface Topology {
  /** Which region serves the application now. */
  activeRegion: string;
  databases: DatabaseTopology[];
  /** The old region's records the fence runbook verified out of DNS (absent: none). */
  dnsFences?: DnsFence[];
  /** The last failover that moved the active region (arms the alarm cool-down). */
  lastFailoverAt?: string;
  lastIncidentId?: string;
  /** The last failback that brought the plan's primary region back. */
  lastFailbackAt?: string;
  /** That failback's incident: its record says what it started to re-protect the other way (`reprotectBack`). */
  lastFailbackIncidentId?: string;
  /** When and by which run the topology last changed; absent for the plan file's own topology. */
  updatedAt?: string;
  updatedBy?: string;
}

const copyOf = (region: string, identifier: string): DatabaseCopy => ({ region, identifier });

const fileRoles = (db: Database): { writer: DatabaseCopy; standby: DatabaseCopy } =>
  db.kind === 'rds-read-replica'
    ? {
        writer: copyOf(db.primary.region, db.primary.instance),
        standby: copyOf(db.replica.region, db.replica.instance),
      }
    : {
        writer: copyOf(db.primary.region, db.primary.cluster),
        standby: copyOf(db.secondary.region, db.secondary.cluster),
      };

/** The topology the plan file describes: the primary region serves and every database has its standby. */
export const planTopology = (plan: Plan): Topology => ({
  activeRegion: plan.regions.primary,
  databases: plan.databases.map((db) => ({ id: db.id, kind: db.kind, ...fileRoles(db) })),
});

/**
 * The plan's topology now: the ledger's, or the plan file's when the ledger has none. A database the ledger does
 * not know (added to the plan later) takes its roles from the file.
 */
export const currentTopology = (plan: Plan, stored: Topology | undefined): Topology => {
  if (!stored) return planTopology(plan);
  const known = new Map((stored.databases ?? []).map((db) => [db.id, db]));
  return {
    ...stored,
    databases: plan.databases.map((db) => known.get(db.id) ?? { id: db.id, kind: db.kind, ...fileRoles(db) }),
  };
};

/**
 * The topology after a failover: each database's standby writes, it has no standby, and its old primary's state is
 * unknown until the fence runbook looks; the standby region serves.
 */
export const topologyAfterFailover = (
  topology: Topology,
  change: { toRegion: string; at: string; incidentId: string },
): Topology => ({
  activeRegion: change.toRegion,
  databases: topology.databases.map((db) =>
    db.standby
      ? {
          id: db.id,
          kind: db.kind,
          writer: db.standby,
          standby: null,
          oldPrimary: { ...db.writer, state: 'unknown', since: change.at },
        }
      : db,
  ),
  lastFailoverAt: change.at,
  lastIncidentId: change.incidentId,
  updatedAt: change.at,
  updatedBy: change.incidentId,
});

/** When the serving region last moved: the later of the last failover and the last failback (the records' roles changed then). */
export const lastMovedAt = (topology: Topology): string | undefined =>
  [topology.lastFailoverAt, topology.lastFailbackAt]
    .filter((at): at is string => at !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .at(-1);

/** Whether every database has a standby (a failover or failback has something to promote). */
export const isProtected = (topology: Topology): boolean => topology.databases.every((db) => db.standby !== null);

/**
 * Why the failover runbook may not run on this topology, or undefined when it may. The failover promotes each
 * database's current standby into the plan's standby region; it runs only while the plan's primary region serves and
 * every database writes there and stands by in the plan's standby region (the file's copies, or the ones reprotect
 * and failback made since: the names come from the topology, see planAtTopology). After a failover the way back is
 * reprotect, then failback.
 */
export const failoverRefusal = (plan: Plan, topology: Topology): string | undefined => {
  const since =
    `${topology.lastFailoverAt ?? topology.updatedAt ?? 'an unrecorded time'}` +
    ` by ${topology.lastIncidentId ?? topology.updatedBy ?? 'an unrecorded run'}`;
  if (topology.activeRegion !== plan.regions.primary) {
    return (
      `plan ${plan.app} already failed over to ${topology.activeRegion} at ${since}:` +
      ` ${topology.activeRegion} serves; the way back is a new standby (reprotect) and a planned failback to ${plan.regions.primary}`
    );
  }
  const expected = planTopology(plan);
  for (const db of topology.databases) {
    const want = expected.databases.find((candidate) => candidate.id === db.id);
    if (!db.standby)
      return `database ${db.id} has no standby (writer ${describeCopy(db.writer)}): give it a standby first (reprotect)`;
    if (want && (db.standby.region !== want.standby?.region || db.writer.region !== want.writer.region)) {
      return (
        `database ${db.id} writes as ${describeCopy(db.writer)} and stands by as ${describeCopy(db.standby)}:` +
        ` the failover moves writers from ${want.writer.region} to ${want.standby?.region}; fail back first`
      );
    }
  }
  return undefined;
};

/** One database's copies as a run found them in the topology when it started (`$.run.databases`). */
export interface RunDatabaseCopies {
  id: string;
  writer: DatabaseCopy;
  standby: DatabaseCopy;
}

/** The copies a failover from this topology works on: every database that has a standby. */
export const runDatabaseCopies = (topology: Topology): RunDatabaseCopies[] =>
  topology.databases.flatMap((db) => (db.standby ? [{ id: db.id, writer: db.writer, standby: db.standby }] : []));

/**
 * The plan as a failover from these copies sees it: each database's primary and standby named as the topology has
 * them (after a game day the RDS writer is the replica reprotect made, and its standby a newer one), so that every
 * failover step (Assess, preflight, promote, check, verify) names the current copies, not the file's. A database
 * whose copies are missing, or lie in other regions than the file's (a topology the failover refuses), keeps the
 * file's names. Without copies (a run started before they were recorded) the plan is the file's.
 */
export const planAtTopology = (plan: Plan, copies: readonly RunDatabaseCopies[] | undefined): Plan => {
  if (!copies || copies.length === 0) return plan;
  const byId = new Map(copies.map((copy) => [copy.id, copy]));
  return {
    ...plan,
    databases: plan.databases.map((db): Database => {
      const copy = byId.get(db.id);
      const file = fileRoles(db);
      if (!copy || copy.writer.region !== file.writer.region || copy.standby.region !== file.standby.region) return db;
      return db.kind === 'rds-read-replica'
        ? {
            ...db,
            primary: { ...db.primary, instance: copy.writer.identifier },
            replica: { ...db.replica, instance: copy.standby.identifier },
          }
        : {
            ...db,
            primary: { ...db.primary, cluster: copy.writer.identifier },
            secondary: { ...db.secondary, cluster: copy.standby.identifier },
          };
    }),
  };
};

/** `orders-db-replica (us-west-2)` */
export const describeCopy = (copy: DatabaseCopy): string => `${copy.identifier} (${copy.region})`;
