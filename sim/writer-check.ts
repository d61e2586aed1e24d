import { type DatabaseTopology, describeCopy, type Topology } from '../shared/domain/topology';

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
 * The drill's own check of the other half of a recovery: writes. When the run says it recovered, each database's
 * writer (the run's topology) must be in the region the run says serves and take writes in the simulated AWS.
 */
export interface WriterCheck {
  writers: WriterReading[];
  /** Empty unless the run says it recovered while a writer is elsewhere or takes no writes. */
  disagreements: string[];
}

export const checkWriters = (
  topology: Topology,
  read: (database: DatabaseTopology) => { writable: boolean; state: string },
  claim: { outcome: string },
): WriterCheck => {
  const writers = topology.databases.map((database): WriterReading => {
    const { writable, state } = read(database);
    return { database: database.id, writer: describeCopy(database.writer), writable, state };
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
  return { writers, disagreements };
};
