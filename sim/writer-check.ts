import {
  type DatabaseCopy,
  type DatabaseTopology,
  describeCopy,
  type OldPrimaryState,
  type Topology,
} from '../shared/domain/topology';

/** The writer the run says each database has, as the simulated RDS and Aurora hold it when the drill ends. */
export interface WriterReading {
  database: string;
  /** `identifier (region)`, as the run's topology names it. */
  writer: string;
  writable: boolean;
  /** What the simulator holds of it: `available, writable`, `a read replica`, `not the global cluster's writer`… */
  state: string;
}

/**
 * An old primary the run's topology names, as the simulator holds it when the drill ends: whether it still takes
 * writes, beside what the topology records of it (`fence`). Until the fence stops it (or an Aurora one rejoins as a
 * secondary), an old primary whose region answers takes writes next to the new writer: what the fence is for.
 */
export interface OldPrimaryReading {
  database: string;
  /** `identifier (region)`. */
  copy: string;
  /** What the run's topology records of it: unknown (not fenced yet), unreachable, fenced, rejoined, replaced. */
  fence: OldPrimaryState;
  /** Whether it takes writes, or would once its region answers again (`answering` false). */
  writable: boolean;
  /** False while its region's RDS does not answer: nobody reaches it until the region returns. */
  answering: boolean;
  state: string;
}

/**
 * The drill's own check of the other half of a recovery: writes. When the run says it recovered, each database's
 * writer (the run's topology) must be in the region the run says serves and take writes in the simulated AWS.
 */
export interface WriterCheck {
  writers: WriterReading[];
  /** Each old primary the topology names, read the same way (shown, never held against the run). */
  oldPrimaries: OldPrimaryReading[];
  /** Empty unless the run says it recovered while a writer is elsewhere or takes no writes. */
  disagreements: string[];
}

export const checkWriters = (
  topology: Topology,
  read: (database: DatabaseTopology, copy: DatabaseCopy) => { writable: boolean; state: string; answering?: boolean },
  claim: { outcome: string },
): WriterCheck => {
  const writers = topology.databases.map((database): WriterReading => {
    const { writable, state } = read(database, database.writer);
    return { database: database.id, writer: describeCopy(database.writer), writable, state };
  });
  const oldPrimaries = topology.databases.flatMap((database): OldPrimaryReading[] => {
    const old = database.oldPrimary;
    if (!old) return [];
    const { writable, state, answering = true } = read(database, old);
    return [{ database: database.id, copy: describeCopy(old), fence: old.state, writable, answering, state }];
  });
  const disagreements: string[] = [];
  if (claim.outcome === 'recovered') {
    topology.databases.forEach((database, index) => {
      const reading = writers[index] as WriterReading;
      const says = `the run says ${topology.activeRegion} serves, but ${database.id}'s writer ${reading.writer}`;
      if (database.writer.region !== topology.activeRegion) disagreements.push(`${says} is in another region`);
      else if (!reading.writable) disagreements.push(`${says} takes no writes: ${reading.state}`);
    });
  }
  return { writers, oldPrimaries, disagreements };
};

/** Whether an old primary takes writes, as the drill's summary and HTML say it. */
export const oldPrimaryWrites = (reading: OldPrimaryReading): string => {
  if (!reading.writable) return 'takes none';
  return reading.answering ? 'TAKES WRITES' : 'takes writes once its region answers again';
};
