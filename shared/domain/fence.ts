import type { Plan, RecordFence } from '../plan/schema';
import { endpointOrder } from './dns-switch';
import type { ClusterEndpoint } from './ports';
import type { ActionRecord } from './run';
import type { DatabaseCopy, DatabaseTopology, DnsFence, OldPrimaryState, Topology } from './topology';

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

/** How often the fence retry runs: serverless.yml's FenceRetrySchedule, `rate(5 minutes)` (what people are told). */
export const FENCE_RETRY_MINUTES = 5;

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

/** One record of the old region to keep out of DNS: the plan's record pair, the old region's set identifier. */
export interface RecordFenceTarget {
  /** `zone|name|type|setIdentifier`, the key of the topology's `dnsFences`. */
  key: string;
  hostedZoneId: string;
  name: string;
  type: string;
  setIdentifier: string;
  /** The old region, whose record this is. */
  region: string;
  fence: RecordFence;
  /** routing-control-off: the old region's routing control, and the cluster endpoints in the order to try them. */
  routingControl?: { arn: string; endpoints: ClusterEndpoint[] };
  /** health-check-inverted: the old region record's health check, as the plan names it. */
  healthCheckId?: string;
}

/** What one check of one record found or did, in its batch's result; `done` once it needs no more checks. */
export interface DnsFenceResult {
  key: string;
  /** fenced: the record answers the maintenance target and the change is INSYNC; unreachable: Route 53's API did not answer. */
  state: 'fenced' | 'unreachable' | 'unknown';
  done: boolean;
  pollSeconds: number;
  checks: number;
  detail: string;
  checkedAt: string;
  verifiedAt?: string;
  /** The change that points the record at the maintenance target, until it is INSYNC. */
  changeId?: string;
  /** The values the record answered before the fence. */
  replaced: string[];
  /** health-check-inverted: the record's health check and its `Inverted` before the fence (what a failback restores). */
  healthCheck?: { id: string; inverted: boolean };
  actions: ActionRecord[];
}

/**
 * What one "Fence Record Batch" step found or did for its batch of records; `done` (every record done) ends its
 * polling. Its records go to "Record Fence" as the other steps' results do.
 */
export interface DnsFenceBatchResult {
  done: boolean;
  pollSeconds: number;
  records: DnsFenceResult[];
}

/**
 * The record fence targets in the batches the fence's Map runs side by side: a hosted zone's maintenance-target
 * records together, changed in one change batch (Route 53 refuses a change to a zone that still processes the last
 * one, PriorRequestNotComplete, so one edit per record at once would be refused), and each record of another method
 * (a routing control, a health check: no zone change) in a batch of its own. In the targets' order.
 */
export const recordFenceBatches = (targets: readonly RecordFenceTarget[]): RecordFenceTarget[][] => {
  const batches: RecordFenceTarget[][] = [];
  const byZone = new Map<string, RecordFenceTarget[]>();
  for (const target of targets) {
    if (target.fence.method !== 'maintenance-target') {
      batches.push([target]);
      continue;
    }
    const batch = byZone.get(target.hostedZoneId);
    if (batch) {
      batch.push(target);
    } else {
      const created = [target];
      byZone.set(target.hostedZoneId, created);
      batches.push(created);
    }
  }
  return batches;
};

/** `Z123|api.example.com|CNAME|api-us-east-1` */
export const recordKey = (hostedZoneId: string, name: string, type: string, setIdentifier: string): string =>
  `${hostedZoneId.replace(/^\/hostedzone\//, '')}|${name.toLowerCase().replace(/\.$/, '')}|${type}|${setIdentifier}`;

/** The region an old primary is in, while one awaits fencing or is fenced (every database left the same region). */
export const oldRegionOf = (topology: Topology): string | undefined =>
  topology.databases.find((db) => db.oldPrimary && db.oldPrimary.region !== topology.activeRegion)?.oldPrimary?.region;

/**
 * The records of the old region that the plan fences (`dns[].records[].fence`) and the topology does not list as
 * fenced yet. The old region's record is the one with that region's set identifier: the primary's when the plan's
 * primary region is the old one, else the standby's.
 */
export const recordFenceTargets = (plan: Plan, topology: Topology): RecordFenceTarget[] => {
  const region = oldRegionOf(topology);
  if (!region || (region !== plan.regions.primary && region !== plan.regions.standby)) return [];
  const fenced = new Set((topology.dnsFences ?? []).filter((f) => f.region === region).map((f) => f.record));
  return plan.dns.flatMap((zone) =>
    zone.records.flatMap((record) => {
      if (!record.fence) return [];
      const setIdentifier = region === plan.regions.primary ? record.primarySetIdentifier : record.standbySetIdentifier;
      const key = recordKey(zone.hostedZoneId, record.name, record.type, setIdentifier);
      if (fenced.has(key)) return [];
      const fence = record.fence;
      const oldIsPrimary = region === plan.regions.primary;
      const dnsSwitch = plan.dnsSwitch;
      // A plan that switches DNS without Route 53's API (ARC, a switch alarm) fails over onto the standby region's
      // record as it stands, with us-east-1 away: a maintenance target there (after a failback) would be what the next
      // failover switches users to, and only Route 53's API could give it its values back. Its record stays as it is.
      if (fence.method === 'maintenance-target' && dnsSwitch.method !== 'route53-records' && !oldIsPrimary) return [];
      // The active region's endpoint first, the old region's and us-east-1's last (endpointOrder's rule, turned to
      // whichever way the last change of writer went).
      const active = oldIsPrimary ? plan.regions.standby : plan.regions.primary;
      return [
        {
          key,
          hostedZoneId: zone.hostedZoneId.replace(/^\/hostedzone\//, ''),
          name: record.name,
          type: record.type,
          setIdentifier,
          region,
          fence,
          ...(fence.method === 'routing-control-off' && dnsSwitch.method === 'arc-routing-control'
            ? {
                routingControl: {
                  arn: oldIsPrimary ? dnsSwitch.routingControls.primary : dnsSwitch.routingControls.standby,
                  endpoints: endpointOrder(dnsSwitch.clusterEndpoints, { primary: region, standby: active }),
                },
              }
            : {}),
          ...(fence.method === 'health-check-inverted'
            ? { healthCheckId: oldIsPrimary ? fence.primaryHealthCheckId : fence.standbyHealthCheckId }
            : {}),
        },
      ];
    }),
  );
};

/** What the fence does to one record, in the words of an assessment: "to point at maintenance.example.com". */
export const recordFenceIntent = (target: RecordFenceTarget): string => {
  if (target.fence.method === 'maintenance-target') return `to point at ${target.fence.value}`;
  if (target.fence.method === 'routing-control-off') {
    return `to keep routing control ${target.routingControl?.arn ?? '(none)'} Off (ARC's data plane)`;
  }
  return `to invert health check ${target.healthCheckId ?? '(none)'}`;
};

/** The plan's record pairs that have no fence: after a failover, the old region's record can answer again. */
export const unfencedRecordNames = (plan: Plan): string[] =>
  plan.dns.flatMap((zone) =>
    zone.records.filter((record) => !record.fence).map((record) => `${record.name} ${record.type}`),
  );

/** Whether the topology still has an old primary or a record of the plan to fence (what the fence retry looks at). */
export const needsFence = (plan: Plan, topology: Topology): boolean =>
  fenceTargets(topology, {}).length > 0 || recordFenceTargets(plan, topology).length > 0;

/** The topology once the fence results are in: each old primary's state, and since when; the fenced records. */
export const topologyAfterFence = (
  topology: Topology,
  results: readonly FenceResult[],
  change: { at: string; incidentId: string },
  records: readonly DnsFenceResult[] = [],
  targets: readonly RecordFenceTarget[] = [],
): Topology => {
  const byId = new Map(results.map((result) => [result.databaseId, result]));
  const regionOf = new Map(targets.map((target) => [target.key, target.region]));
  const fencedNow: DnsFence[] = records.flatMap((result) => {
    const region = regionOf.get(result.key);
    return result.state === 'fenced' && region
      ? [
          {
            record: result.key,
            region,
            state: 'fenced' as const,
            since: result.verifiedAt ?? result.checkedAt,
            replaced: result.replaced,
            ...(result.healthCheck ? { healthCheck: result.healthCheck } : {}),
          },
        ]
      : [];
  });
  const keep = (topology.dnsFences ?? []).filter((f) => !fencedNow.some((now) => now.record === f.record));
  const dnsFences = [...keep, ...fencedNow];
  return {
    ...topology,
    ...(dnsFences.length > 0 ? { dnsFences } : {}),
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

/**
 * How a fence run that did not verify everything ends. A run started by Switchback (after the failover, or the fence
 * retry) that found the old region not answering is `deferred`: nobody has anything to fix, the retry fences once
 * the region answers. A run a person started stays `failed` (they asked for it and want the reason), and so does any
 * result that is not "did not answer" (a stop still under way after the checks, a refusal): those need a look.
 */
export const unverifiedFenceOutcome = (
  trigger: { type: string },
  unverified: readonly Pick<FenceResult | DnsFenceResult, 'state'>[],
): 'deferred' | 'failed' =>
  trigger.type === 'automatic' && unverified.every((result) => result.state === 'unreachable') ? 'deferred' : 'failed';
