import type { Topology } from '../shared/domain/topology';
import type { Plan } from '../shared/plan/schema';
import type { World } from './world';

/**
 * The fence as the application sees it, in a drill: what DNS answers for each of the plan's records, and whether a
 * write sent where DNS points would reach an old primary that still takes writes. The application model is simple
 * and stated: it resolves the record (failover routing over what Route 53 has propagated) and writes to the
 * database of the region the answer points at, if that region is up and that database is writable.
 */
export interface FenceProbe {
  at: string;
  record: string;
  /** The region the DNS answer points at; undefined for a value of no region (the maintenance target). */
  answeredRegion: string | undefined;
  answer: string[];
  /** A write sent to that answer reached an old primary that takes writes. */
  writeReachedOldPrimary: boolean;
}

/** The report's evidence of the fence: when it was verified and what DNS and writes did afterwards. */
export interface FenceEvidence {
  /** The old region the fence keeps out. */
  oldRegion: string;
  /** When the last old primary or record was verified fenced; null while one is not. */
  verifiedAt: string | null;
  databases: { id: string; state: string; since: string }[];
  records: { record: string; since: string }[];
  /** Record pairs the plan gives no fence. */
  recordsWithoutFence: string[];
  /** Probes after `verifiedAt`: how many, and how many reached the old region in DNS or by a write. */
  afterFence: { probes: number; dnsAnswersToOldRegion: number; writesToOldPrimary: number; answers: string[] };
  verdict: string;
}

/** One probe per record of the plan: where DNS answers now, and whether a write there reaches an old primary. */
export const probeFence = (world: World, plan: Plan, oldRegion: string): FenceProbe[] => {
  const now = world.clock.now();
  const writableOld = plan.databases.some((db) => {
    if (db.kind === 'rds-read-replica') {
      return world.rds.find(oldRegion, db.primary.instance)?.writableAt(now) === true;
    }
    const found = world.aurora.findCluster(oldRegion, db.primary.cluster);
    return found !== undefined && found.global.writerAt(now) === found.cluster.arn;
  });
  return plan.dns.flatMap((zone) =>
    zone.records.map((record) => {
      const answer = world.resolve(record.name, record.type);
      const toOld = answer?.region === oldRegion;
      return {
        at: new Date(now).toISOString(),
        record: `${record.name} ${record.type}`,
        answeredRegion: answer?.region,
        answer: answer?.values ?? [],
        writeReachedOldPrimary: toOld && !world.regions.isDown(oldRegion, now) && writableOld,
      };
    }),
  );
};

/** The fence's evidence from the topology after the drill and the probes made during it. */
export const fenceEvidence = (plan: Plan, topology: Topology, probes: readonly FenceProbe[]): FenceEvidence => {
  const oldRegion =
    topology.databases.find((db) => db.oldPrimary)?.oldPrimary?.region ??
    (topology.activeRegion === plan.regions.primary ? plan.regions.standby : plan.regions.primary);
  const databases = topology.databases.flatMap((db) =>
    db.oldPrimary ? [{ id: db.id, state: db.oldPrimary.state, since: db.oldPrimary.since }] : [],
  );
  const records = (topology.dnsFences ?? [])
    .filter((fence) => fence.region === oldRegion)
    .map((fence) => ({ record: fence.record, since: fence.since }));
  const recordsWithoutFence = plan.dns.flatMap((zone) =>
    zone.records.filter((record) => !record.fence).map((record) => `${record.name} ${record.type}`),
  );
  const fencedRecordCount = plan.dns.flatMap((zone) => zone.records.filter((record) => record.fence)).length;
  const allFenced =
    databases.length > 0 &&
    databases.every((db) => ['fenced', 'rejoined', 'replaced'].includes(db.state)) &&
    records.length === fencedRecordCount;
  const verifiedAt = allFenced
    ? ([...databases, ...records]
        .map((each) => each.since)
        .sort()
        .at(-1) ?? null)
    : null;
  const after = verifiedAt ? probes.filter((probe) => probe.at > verifiedAt) : [];
  const afterFence = {
    probes: after.length,
    dnsAnswersToOldRegion: after.filter((probe) => probe.answeredRegion === oldRegion).length,
    writesToOldPrimary: after.filter((probe) => probe.writeReachedOldPrimary).length,
    answers: [...new Set(after.map((probe) => `${probe.record} -> ${probe.answer.join(',') || '(none)'}`))],
  };
  const verdict = !verifiedAt
    ? `not fenced yet: ${[...databases.filter((db) => !['fenced', 'rejoined', 'replaced'].includes(db.state)).map((db) => `${db.id} ${db.state}`), ...(records.length < fencedRecordCount ? [`${fencedRecordCount - records.length} record(s) not fenced`] : [])].join(', ')}`
    : `fenced and verified at ${verifiedAt}; after it, ${afterFence.probes} probes: ${afterFence.dnsAnswersToOldRegion} DNS answers and ${afterFence.writesToOldPrimary} writes reached ${oldRegion}`;
  return { oldRegion, verifiedAt, databases, records, recordsWithoutFence, afterFence, verdict };
};
