import type { AuroraGlobal, FailoverRecord, HostedZone, Plan, RdsReadReplica } from '../plan/schema';
import type { RecordTarget } from './dns-answers';
import type { DbClusterState, DbInstanceState, GlobalClusterState } from './ports';

/**
 * Preflight: everything a run will touch, checked before its first change. Pure functions over readings that the
 * adapters gather from the standby region (and Route 53), so that the same checks run in Assess, in the readiness
 * job and in the drill. Every finding names the resource, what was expected, what was found and the fix.
 */

export const PREFLIGHT_CHECKS = [
  'standby-exists',
  'standby-promotable',
  'standby-replicating',
  'global-membership',
  'engine-version',
  'record-exists',
  'record-failover',
  'record-set-identifiers',
  'record-roles',
  'claimed-by-other-run',
  // The reprotect runbook's checks (shared/domain/reprotect.ts).
  'topology-failed-over',
  'no-standby-yet',
  'old-primary-fenced',
  'old-region-answers',
  'kms-key',
  'instance-class',
  // The game-day runbook's (shared/usecases/game-day/assess-game-day.ts): it starts from a plan that is home.
  'topology-home',
] as const;
export type PreflightCheck = (typeof PREFLIGHT_CHECKS)[number];

export interface PreflightFinding {
  check: PreflightCheck;
  /** The AWS resource, e.g. `rds:us-west-2:orders-db-replica` or `route53:Z…/api.example.com/CNAME/api-west`. */
  resource: string;
  expected: string;
  found: string;
  fix: string;
  /** True when the state is transient (backing-up, modifying): waiting, bounded, may clear it. */
  transient?: boolean;
}

/** What the adapters read about one database's standby. */
export type StandbyReading = (
  | { id: string; kind: 'rds-read-replica'; instance: DbInstanceState | undefined }
  | {
      id: string;
      kind: 'aurora-global';
      cluster: DbClusterState | undefined;
      global: GlobalClusterState | undefined;
    }
) & {
  /**
   * The describe failed (readiness only: Assess lets the error stop the step, which the state machine retries):
   * the standby is neither passed nor reported missing; readiness reports it as "could not check".
   */
  error?: string;
};

/** One record as Route 53 lists it, reduced to what the checks look at. */
export interface RecordSetReading {
  setIdentifier?: string;
  /** The routing policy the record uses: failover, weighted, latency, geolocation, geoproximity, multivalue, cidr, simple. */
  routing: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  ttl?: number;
  healthCheckId?: string;
  alias: boolean;
  evaluateTargetHealth?: boolean;
  /** What the record makes DNS answer: its values, or an alias's target name (readiness keeps it, verify compares it). */
  target?: RecordTarget;
}

/** Every record named like a plan record pair (same zone, name and type), whatever its routing policy. */
export interface RecordPairReading {
  hostedZoneId: string;
  name: string;
  type: string;
  records: RecordSetReading[];
  /** Route 53 did not answer for this pair (readiness only): its checks are skipped, readiness says "could not check". */
  error?: string;
  /**
   * The error is that Route 53's API took no answer at all (its endpoint, in us-east-1, did not answer), not a refusal:
   * nobody's edits reach the records through it meanwhile, so readiness carries the pair's last reading forward.
   */
  unanswered?: true;
}

/** Another plan's run in progress (it holds that plan's lock) on resources this plan also names. */
export interface ClaimReading {
  plan: string;
  incidentId: string;
  resources: string[];
}

export interface PreflightReadings {
  databases: StandbyReading[];
  records: RecordPairReading[];
  /**
   * Why the records were not read in this run, when they were not (a live failover of an ARC plan does not call
   * Route 53's us-east-1 API; Route 53's API did not answer). The record checks are then skipped and the reason is a
   * warning: readiness checks the records outside the live path, and Check DNS Switch decides whether DNS can move.
   */
  recordsNotRead?: string;
  /**
   * The record findings of the plan's last readiness, when this run did not read the records itself and that
   * readiness is current (shared/domain/readiness.ts, recordsByReadiness): they stop the run as its own would.
   */
  recordFindings?: PreflightFinding[];
  claims: ClaimReading[];
}

export interface PreflightContext {
  /** A switchover is planned for Aurora (manual runs): its engine versions must match. */
  switchover: boolean;
}

/**
 * RDS statuses that pass by themselves: RDS refuses PromoteReadReplica while the replica is `backing-up` or being
 * modified (aws-facts.md: RDS User Guide, "Promoting a read replica").
 */
const TRANSIENT_STATUSES = new Set([
  'backing-up',
  'modifying',
  'configuring-enhanced-monitoring',
  'configuring-log-exports',
  'maintenance',
  'rebooting',
  'renaming',
  'resetting-master-credentials',
  'storage-optimization',
  'upgrading',
]);

/** RDS compares identifiers without regard to case and stores them in lower case (RDS User Guide, naming constraints). */
export const sameRdsIdentifier = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** `arn:aws:rds:us-east-1:123456789012:db:orders-db` -> region and identifier; a bare identifier has no region. */
const parseSource = (source: string): { region?: string; identifier: string } => {
  if (!source.startsWith('arn:')) return { identifier: source };
  const parts = source.split(':');
  return { region: parts[3], identifier: parts.slice(6).join(':') };
};

const rdsResource = (region: string, identifier: string): string => `rds:${region}:${identifier}`;

const statusFinding = (resource: string, what: string, status: string): PreflightFinding | undefined => {
  if (status === 'available') return undefined;
  const transient = TRANSIENT_STATUSES.has(status);
  return {
    check: 'standby-promotable',
    resource,
    expected: `${what} status available`,
    found: `status ${status}`,
    fix: transient
      ? `wait until ${what} is available (RDS refuses to promote it while ${status}), then start the run again`
      : `repair ${what} (status ${status}) or recreate it, then start the run again`,
    ...(transient ? { transient: true } : {}),
  };
};

/** The RDS read replica exists, replicates from the plan's primary, and is available to promote. */
export const checkReadReplica = (db: RdsReadReplica, instance: DbInstanceState | undefined): PreflightFinding[] => {
  const { region, instance: identifier } = db.replica;
  const resource = rdsResource(region, identifier);
  if (!instance) {
    return [
      {
        check: 'standby-exists',
        resource,
        expected: `read replica ${identifier} of ${db.primary.instance} in ${region}`,
        found: 'no such DB instance',
        fix: `create the cross-region read replica ${identifier} in ${region} from ${db.primary.instance}, or correct databases[${db.id}].replica.instance in the plan`,
      },
    ];
  }
  const findings: PreflightFinding[] = [];
  // No source: a standalone instance, promoted by an earlier attempt of a run ("already promoted" is success).
  if (instance.replicationSource !== undefined) {
    const source = parseSource(instance.replicationSource);
    const sameInstance = sameRdsIdentifier(source.identifier, db.primary.instance);
    const sameRegion = source.region === undefined || source.region === db.primary.region;
    if (!sameInstance || !sameRegion) {
      findings.push({
        check: 'standby-replicating',
        resource,
        expected: `replicating from ${db.primary.instance} in ${db.primary.region}`,
        found: `replicating from ${instance.replicationSource}`,
        fix: `point databases[${db.id}] of the plan at the replica of ${db.primary.instance}, or recreate ${identifier} from it`,
      });
    }
  }
  const status = statusFinding(resource, `replica ${identifier}`, instance.status);
  if (status) findings.push(status);
  return findings;
};

/** The Aurora secondary cluster exists, is a member of the global cluster, is available, and can switch over. */
export const checkAuroraSecondary = (
  db: AuroraGlobal,
  cluster: DbClusterState | undefined,
  global: GlobalClusterState | undefined,
  context: PreflightContext,
): PreflightFinding[] => {
  const { region, cluster: identifier } = db.secondary;
  const resource = rdsResource(region, identifier);
  if (!cluster) {
    return [
      {
        check: 'standby-exists',
        resource,
        expected: `secondary cluster ${identifier} of global cluster ${db.globalCluster} in ${region}`,
        found: 'no such DB cluster',
        fix: `add a secondary cluster ${identifier} in ${region} to ${db.globalCluster}, or correct databases[${db.id}].secondary.cluster in the plan`,
      },
    ];
  }
  const globalResource = `rds:global:${db.globalCluster}`;
  if (!global) {
    return [
      {
        check: 'global-membership',
        resource: globalResource,
        expected: `global cluster ${db.globalCluster} with member ${identifier}`,
        found: 'no such global cluster',
        fix: `create the global cluster ${db.globalCluster} or correct databases[${db.id}].globalCluster in the plan`,
      },
    ];
  }
  const findings: PreflightFinding[] = [];
  const member = global.members.find(
    (m) => m.clusterArn === cluster.arn || (m.region === region && sameRdsIdentifier(m.clusterIdentifier, identifier)),
  );
  if (!member) {
    findings.push({
      check: 'global-membership',
      resource,
      expected: `a member of global cluster ${db.globalCluster}`,
      found: `members: ${global.members.map((m) => m.clusterIdentifier).join(', ') || 'none'}`,
      fix: `add ${identifier} to ${db.globalCluster} as its secondary in ${region} (it was detached or never joined)`,
    });
  }
  const status = statusFinding(resource, `cluster ${identifier}`, cluster.status);
  if (status) findings.push(status);
  if (
    context.switchover &&
    member &&
    !member.isWriter &&
    cluster.engineVersion &&
    global.engineVersion &&
    cluster.engineVersion !== global.engineVersion
  ) {
    findings.push({
      check: 'engine-version',
      resource,
      expected: `engine version ${global.engineVersion} (the global cluster's), as a switchover needs`,
      found: `engine version ${cluster.engineVersion}`,
      fix: `upgrade ${identifier} to ${global.engineVersion} before a planned switchover (Aurora User Guide, switchover)`,
    });
  }
  return findings;
};

/**
 * A record pair's resource as findings name it, `route53:<zone>/<name>/<type>`, or one of its records' with its set
 * identifier: readiness keeps what Route 53's API did not answer by it (shared/domain/readiness.ts).
 */
export const recordResource = (zone: string, record: { name: string; type: string }, setIdentifier?: string): string =>
  `route53:${zone}/${record.name}/${record.type}${setIdentifier ? `/${setIdentifier}` : ''}`;

/**
 * The record pair exists, both are failover records, their set identifiers differ, and their roles are the ones
 * the topology expects: the primary region's record PRIMARY, or (after an earlier attempt flipped them, which only
 * happens once every database was promoted) the standby's.
 */
export const checkRecordPair = (
  zone: HostedZone,
  record: FailoverRecord,
  reading: RecordPairReading,
  allPromoted: boolean,
): PreflightFinding[] => {
  const zoneId = zone.hostedZoneId;
  if (record.primarySetIdentifier === record.standbySetIdentifier) {
    return [
      {
        check: 'record-set-identifiers',
        resource: recordResource(zoneId, record),
        expected: 'two different set identifiers (one per region)',
        found: `both are "${record.primarySetIdentifier}"`,
        fix: 'give primarySetIdentifier and standbySetIdentifier the set identifiers of the two records in Route 53',
      },
    ];
  }
  const findings: PreflightFinding[] = [];
  const pair = [
    { setIdentifier: record.primarySetIdentifier, role: 'primary' },
    { setIdentifier: record.standbySetIdentifier, role: 'standby' },
  ] as const;
  const found: Partial<Record<'primary' | 'standby', RecordSetReading>> = {};
  for (const { setIdentifier, role } of pair) {
    const resource = recordResource(zoneId, record, setIdentifier);
    const match = reading.records.find((r) => r.setIdentifier === setIdentifier);
    if (!match) {
      findings.push({
        check: 'record-exists',
        resource,
        expected: `a failover record ${record.name} ${record.type} with set identifier ${setIdentifier} (the ${role} region's)`,
        found: reading.records.length
          ? `only ${reading.records.map((r) => r.setIdentifier ?? `a ${r.routing} record`).join(', ')}`
          : 'no record of that name and type',
        fix: `create the ${role} region's failover record ${setIdentifier} in zone ${zoneId}, or correct the plan's ${role}SetIdentifier`,
      });
      continue;
    }
    if (match.routing !== 'failover') {
      findings.push({
        check: 'record-failover',
        resource,
        expected: 'a failover record (Failover: PRIMARY or SECONDARY)',
        found: `a ${match.routing} record`,
        fix: `replace ${setIdentifier} with a failover record (routing policy failover) in zone ${zoneId}: Switchback flips failover roles only`,
      });
      continue;
    }
    found[role] = match;
  }
  const { primary, standby } = found;
  if (primary && standby) {
    const asPlanned = primary.failover === 'PRIMARY' && standby.failover === 'SECONDARY';
    const flipped = primary.failover === 'SECONDARY' && standby.failover === 'PRIMARY';
    if (!asPlanned && !(flipped && allPromoted)) {
      findings.push({
        check: 'record-roles',
        resource: recordResource(zoneId, record),
        expected: `${record.primarySetIdentifier} PRIMARY and ${record.standbySetIdentifier} SECONDARY`,
        found: `${record.primarySetIdentifier} ${primary.failover} and ${record.standbySetIdentifier} ${standby.failover}`,
        fix: flipped
          ? 'traffic already goes to the standby while its databases are not promoted: find who flipped the records, and set the roles back or promote the databases by hand'
          : 'set the primary region record to PRIMARY and the standby record to SECONDARY',
      });
    }
  }
  return findings;
};

/** Another plan's run in progress that claims resources of this plan. */
export const checkClaims = (claims: readonly ClaimReading[]): PreflightFinding[] =>
  claims.map((claim) => ({
    check: 'claimed-by-other-run',
    resource: claim.resources.join(', '),
    expected: 'no run of another plan in progress on these resources',
    found: `plan ${claim.plan} run ${claim.incidentId} in progress`,
    fix: `let run ${claim.incidentId} of plan ${claim.plan} finish (switchback history --plan ${claim.plan}), and give each resource to one plan only`,
  }));

/** Every preflight check of a plan over its readings; an empty list means the run may begin changing things. */
export const preflight = (plan: Plan, readings: PreflightReadings, context: PreflightContext): PreflightFinding[] => {
  const findings: PreflightFinding[] = [];
  let allPromoted = true;
  for (const db of plan.databases) {
    const reading = readings.databases.find((r) => r.id === db.id);
    if (reading?.error !== undefined) {
      // Not read: not known to be promoted, and no finding about a standby nobody saw.
      allPromoted = false;
      continue;
    }
    if (db.kind === 'rds-read-replica') {
      const instance = reading?.kind === 'rds-read-replica' ? reading.instance : undefined;
      if (!instance || instance.replicationSource !== undefined) allPromoted = false;
      findings.push(...checkReadReplica(db, instance));
    } else {
      const cluster = reading?.kind === 'aurora-global' ? reading.cluster : undefined;
      const global = reading?.kind === 'aurora-global' ? reading.global : undefined;
      const writer = global?.members.find((m) => m.isWriter);
      if (!cluster || !writer || writer.clusterArn !== cluster.arn) allPromoted = false;
      findings.push(...checkAuroraSecondary(db, cluster, global, context));
    }
  }
  for (const zone of readings.recordsNotRead === undefined ? plan.dns : []) {
    for (const record of zone.records) {
      const reading = readings.records.find(
        (r) =>
          r.hostedZoneId === zone.hostedZoneId &&
          r.name.toLowerCase() === record.name.toLowerCase() &&
          r.type === record.type,
      ) ?? { hostedZoneId: zone.hostedZoneId, name: record.name, type: record.type, records: [] };
      if (reading.error === undefined) findings.push(...checkRecordPair(zone, record, reading, allPromoted));
    }
  }
  if (readings.recordsNotRead !== undefined) findings.push(...(readings.recordFindings ?? []));
  findings.push(...checkClaims(readings.claims));
  return findings;
};

/** One line per finding, for logs, reasons, Slack and the CLI. */
export const describeFinding = (finding: PreflightFinding): string =>
  `${finding.resource}: expected ${finding.expected}, found ${finding.found}. Fix: ${finding.fix}`;
