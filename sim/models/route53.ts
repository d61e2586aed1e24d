import type {
  Change,
  ChangeInfo,
  HealthCheck,
  HealthCheckObservation,
  HealthCheckRegion,
  ListResourceRecordSetsRequest,
  ListResourceRecordSetsResponse,
  ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import type { Scheduler } from '../clock';
import { awsError } from '../errors';
import type { Random } from '../random';
import type { TimingModel } from '../timing';
import type { HealthChecks } from './health';
import { type RequestQuota, RequestRateLimits } from './rate-limit';

/**
 * Route 53: hosted zones with failover record pairs, ChangeResourceRecordSets validated like Route 53 (the whole
 * batch at once), changes PENDING then INSYNC after the modelled delay, GetHealthCheckStatus, and `resolve`, which
 * answers like failover routing from what has propagated (INSYNC): PRIMARY when its health check is healthy, else
 * SECONDARY, and PRIMARY again when all are unhealthy (fail-open, Route 53 Developer Guide, "Troubleshooting DNS
 * failover").
 */

/**
 * Where Route 53's API (record edits, GetChange, health-check reads) is served: us-east-1 only, whatever region the
 * client names (aws-facts.md: Route 53 Developer Guide, control and data plane; SDK v3 endpoint rules sign it for
 * us-east-1). DNS answers and health checks are the data plane and do not depend on it.
 */
export const ROUTE53_CONTROL_REGION = 'us-east-1';

/**
 * Route 53's request-rate quotas, per account (aws-facts.md; Route 53 Developer Guide, "Throttling for Amazon Route 53
 * API requests"): a token bucket of 50 requests refilled at 10 a second for all the account's requests together, and
 * one per operation, 50 and 10 unless the guide lists the operation with its own (GetHealthCheckStatus: 4 and 1).
 * Every caller in the account shares them: the console, other tools, and this product. The change-throughput quota
 * (record changes a second) is not modelled.
 */
export const ROUTE53_REQUEST_QUOTAS: {
  account: RequestQuota;
  defaultOperation: RequestQuota;
  operations: Record<string, RequestQuota>;
} = {
  account: { capacity: 50, refillPerSecond: 10 },
  defaultOperation: { capacity: 50, refillPerSecond: 10 },
  operations: { GetHealthCheckStatus: { capacity: 4, refillPerSecond: 1 } },
};

/** Route 53 names are absolute and case-insensitive: `API.Example.com` -> `api.example.com.` */
export const normalizeName = (name: string): string => `${name.toLowerCase().replace(/\.$/, '')}.`;

const zoneIdOf = (id: string): string => id.replace(/^\/hostedzone\//, '');

/** Route 53 lists records by name with labels reversed (com.example.api), then type, then set identifier. */
const sortKey = (record: { Name?: string; Type?: string; SetIdentifier?: string }): string[] => [
  normalizeName(record.Name ?? '')
    .slice(0, -1)
    .split('.')
    .reverse()
    .join('.'),
  record.Type ?? '',
  record.SetIdentifier ?? '',
];

const compareKeys = (a: string[], b: string[]): number => {
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

const identity = (r: ResourceRecordSet): string => `${normalizeName(r.Name ?? '')}|${r.Type}|${r.SetIdentifier ?? ''}`;

/** A record as text with sorted keys, to compare a DELETE with the stored record whatever the key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, field: unknown) =>
    field && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : field,
  );

const describe = (r: ResourceRecordSet): string =>
  `[name='${normalizeName(r.Name ?? '')}', type='${r.Type}'${r.SetIdentifier ? `, set-identifier='${r.SetIdentifier}'` : ''}]`;

export interface Zone {
  id: string;
  name: string;
  /** What ListResourceRecordSets returns: every accepted change applied. */
  records: ResourceRecordSet[];
  /** What DNS answers: the records as of the newest INSYNC change. */
  served: ResourceRecordSet[];
}

export interface ChangeRecord {
  id: string;
  zoneId: string;
  submittedMs: number;
  inSyncMs: number;
  comment?: string;
  changes: Change[];
}

/** One answer of `resolve`. */
export interface Resolution {
  name: string;
  setIdentifier?: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  values: string[];
  /** Region the answer points at, when the value is a known regional endpoint. */
  region?: string;
  /** True when every record was unhealthy and Route 53 failed open. */
  failedOpen: boolean;
}

/**
 * How long Route 53 takes to process an accepted change batch before it takes the next one for the same zone: a
 * request that arrives sooner is rejected with PriorRequestNotComplete (Route 53 API Reference, ChangeResourceRecordSets
 * errors: "If Amazon Route 53 can't process a request before the next request arrives, it will reject subsequent
 * requests for the same hosted zone"). AWS publishes no figure: a modelling choice.
 */
export const ZONE_CHANGE_PROCESSING_MS = 200;

export class Route53Model {
  readonly zones = new Map<string, Zone>();
  readonly changes: ChangeRecord[] = [];
  /** Scripted answers for the next ChangeResourceRecordSets calls (AWS error codes), consumed in order. */
  readonly changeFaults: string[] = [];
  private readonly regionOfValue = new Map<string, string>();
  /** Per zone: until when the last accepted change is still being processed (PriorRequestNotComplete before then). */
  private readonly busyUntil = new Map<string, number>();
  /** Per zone: the changes refused with PriorRequestNotComplete (the drill's report counts them as throttled). */
  readonly busyRefusals = new Map<string, number>();
  /** Health of checks that are not endpoint checks (ARC's routing control checks); undefined: not one of them. */
  healthOf: (healthCheckId: string) => boolean | undefined = () => undefined;
  /**
   * The configuration of a health check that watches no endpoint (the world sets it): an ARC routing control's
   * (`RECOVERY_CONTROL`) or a CloudWatch alarm's (`CLOUDWATCH_METRIC`). Route 53 answers GetHealthCheck for those too.
   */
  otherHealthCheck: (healthCheckId: string) => HealthCheck['HealthCheckConfig'] | undefined = () => undefined;
  /** The account's Route 53 request rate: what every API request takes a token from, and what it throttled. */
  readonly requestRate: RequestRateLimits;

  constructor(
    private readonly clock: Scheduler,
    private readonly timing: TimingModel,
    private readonly random: Random,
    private readonly healthChecks: HealthChecks,
  ) {
    this.requestRate = new RequestRateLimits(ROUTE53_REQUEST_QUOTAS, () => clock.now());
  }

  /**
   * One API request of `operation` against the account's request-rate quotas: admitted, or Route 53's Throttling
   * (HTTP 400, "Rate exceeded"), as the guide words it.
   */
  admitRequest(operation: string): void {
    if (!this.requestRate.admit(operation)) {
      throw awsError('Route53Client', { code: 'Throttling', message: 'Rate exceeded' });
    }
  }

  /** Adds a hosted zone; `name` is its apex. */
  addZone(id: string, name: string): Zone {
    const zoneId = zoneIdOf(id);
    const apex = normalizeName(name);
    const records: ResourceRecordSet[] = [
      {
        Name: apex,
        Type: 'NS',
        TTL: 172800,
        ResourceRecords: [1, 2, 3, 4].map((n) => ({ Value: `ns-${n}.awsdns-sim.net.` })),
      },
      {
        Name: apex,
        Type: 'SOA',
        TTL: 900,
        ResourceRecords: [{ Value: 'ns-1.awsdns-sim.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }],
      },
    ];
    const zone = { id: zoneId, name: apex, records, served: structuredClone(records) };
    this.zones.set(zoneId, zone);
    return zone;
  }

  /** Remembers which region a record value points at (for `resolve`). */
  registerEndpoint(value: string, region: string): void {
    this.regionOfValue.set(value, region);
  }

  /** Adds a record as it exists before the drill (no change id). */
  seedRecord(zoneId: string, record: ResourceRecordSet): void {
    const zone = this.zone(zoneId);
    zone.records.push(structuredClone(record));
    zone.served.push(structuredClone(record));
  }

  /** ListResourceRecordSets: sorted as Route 53 does, from StartRecordName/Type/Identifier, MaxItems per page. */
  list(input: ListResourceRecordSetsRequest): Omit<ListResourceRecordSetsResponse, '$metadata'> {
    const zone = this.zone(input.HostedZoneId ?? '');
    if (input.StartRecordType && !input.StartRecordName) {
      throw awsError('Route53Client', {
        code: 'InvalidInput',
        message: 'The input is not valid: StartRecordType requires StartRecordName.',
      });
    }
    const max = Math.min(Number(input.MaxItems ?? 300) || 300, 300);
    const sorted = [...zone.records].sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
    const start = input.StartRecordName
      ? sortKey({
          Name: input.StartRecordName,
          Type: input.StartRecordType ?? '',
          SetIdentifier: input.StartRecordIdentifier ?? '',
        })
      : undefined;
    const from = start ? sorted.filter((record) => compareKeys(sortKey(record), start) >= 0) : sorted;
    const page = from.slice(0, max);
    const next = from[max];
    return {
      ResourceRecordSets: structuredClone(page),
      IsTruncated: next !== undefined,
      MaxItems: max,
      NextRecordName: next?.Name,
      NextRecordType: next?.Type,
      NextRecordIdentifier: next?.SetIdentifier,
    };
  }

  /**
   * ChangeResourceRecordSets: validates the whole batch like Route 53 (CREATE of an existing record, DELETE of a
   * missing or different one, names outside the zone, two PRIMARY or two SECONDARY records for a name and type,
   * missing TTL or values) and applies it atomically; the change is PENDING until the modelled INSYNC delay.
   */
  change(hostedZoneId: string, changes: Change[], comment?: string): ChangeInfo {
    const fault = this.changeFaults.shift();
    if (fault) {
      throw awsError('Route53Client', {
        code: fault,
        message:
          fault === 'PriorRequestNotComplete'
            ? 'The request was rejected because Route 53 was still processing a prior request.'
            : 'Rate exceeded',
      });
    }
    const zone = this.zone(hostedZoneId);
    const busyUntil = this.busyUntil.get(zone.id) ?? 0;
    if (this.clock.now() < busyUntil) {
      this.busyRefusals.set(zone.id, (this.busyRefusals.get(zone.id) ?? 0) + 1);
      throw awsError('Route53Client', {
        code: 'PriorRequestNotComplete',
        message: 'The request was rejected because Route 53 was still processing a prior request.',
      });
    }
    if (changes.length === 0) {
      throw awsError('Route53Client', {
        code: 'InvalidInput',
        message: 'ChangeBatch must contain at least one change.',
      });
    }
    const problems: string[] = [];
    const next = structuredClone(zone.records);
    const touched = new Map<string, string>();
    for (const change of changes) {
      const record = change.ResourceRecordSet;
      if (!record?.Name || !record.Type) {
        problems.push('Each change needs a ResourceRecordSet with Name and Type.');
        continue;
      }
      const key = identity(record);
      // A DELETE followed by a CREATE of the same record is the documented way to replace it in one batch.
      const previous = touched.get(key);
      if (previous !== undefined && !(previous === 'DELETE' && change.Action === 'CREATE')) {
        problems.push(`The batch changes ${describe(record)} more than once.`);
      }
      touched.set(key, String(change.Action));
      const name = normalizeName(record.Name);
      if (name !== zone.name && !name.endsWith(`.${zone.name}`)) {
        problems.push(`RRSet with DNS name ${name} is not permitted in zone ${zone.name}`);
        continue;
      }
      if (
        change.Action !== 'DELETE' &&
        !record.AliasTarget &&
        (record.TTL === undefined || !record.ResourceRecords?.length)
      ) {
        problems.push(`Invalid Resource Record: ${describe(record)} needs TTL and ResourceRecords.`);
        continue;
      }
      if (record.Failover && !record.SetIdentifier) {
        problems.push(`Invalid Resource Record: ${describe(record)} has Failover but no SetIdentifier.`);
        continue;
      }
      const index = next.findIndex((existing) => identity(existing) === key);
      const stored = { ...structuredClone(record), Name: name };
      if (change.Action === 'CREATE') {
        if (index >= 0) problems.push(`Tried to create resource record set ${describe(record)} but it already exists`);
        else next.push(stored);
      } else if (change.Action === 'UPSERT') {
        if (index >= 0) next[index] = stored;
        else next.push(stored);
      } else if (change.Action === 'DELETE') {
        const existing = index >= 0 ? next[index] : undefined;
        if (!existing) {
          problems.push(`Tried to delete resource record set ${describe(record)} but it was not found`);
        } else if (canonical(existing) !== canonical(stored)) {
          problems.push(
            `Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`,
          );
        } else next.splice(index, 1);
      } else {
        problems.push(`Unknown change action ${String(change.Action)}: expected CREATE, DELETE or UPSERT.`);
      }
    }
    problems.push(...this.failoverProblems(next));
    if (problems.length > 0) {
      throw awsError('Route53Client', {
        code: 'InvalidChangeBatch',
        message: problems.join('; '),
        fields: { messages: problems },
      });
    }
    zone.records = next;
    const now = this.clock.now();
    const id = `C${this.random.hexAt('route53-change', this.changes.length, 20).toUpperCase()}`;
    const record: ChangeRecord = {
      id,
      zoneId: zone.id,
      submittedMs: now,
      inSyncMs: now + this.timing.route53.changeInSyncSeconds * 1000,
      comment,
      changes: structuredClone(changes),
    };
    this.changes.push(record);
    this.busyUntil.set(zone.id, this.clock.now() + ZONE_CHANGE_PROCESSING_MS);
    const snapshot = structuredClone(next);
    this.clock.schedule(record.inSyncMs, () => {
      zone.served = snapshot;
    });
    return this.changeInfo(record, now);
  }

  /** GetChange: PENDING until the modelled delay has passed, then INSYNC. Accepts "/change/C…" or "C…". */
  getChange(id: string): ChangeInfo {
    const bare = id.replace(/^\/change\//, '');
    const record = this.changes.find((c) => c.id === bare);
    if (!record) {
      throw awsError('Route53Client', {
        code: 'NoSuchChange',
        message: `A change with the specified change ID does not exist: ${id}`,
        status: 404,
      });
    }
    return this.changeInfo(record, this.clock.now());
  }

  /** GetHealthCheckStatus: one observation per checker region, as Route 53 reports them. */
  /**
   * GetHealthCheck: an HTTPS check of the region's endpoint, with the timing model's interval and threshold; or a
   * routing control's or an alarm's health check (`otherHealthCheck`).
   */
  healthCheck(id: string): HealthCheck {
    const check = this.healthChecks.byId(id);
    const other = check ? undefined : this.otherHealthCheck(id);
    if (other)
      return { Id: id, CallerReference: `switchback-sim-${id}`, HealthCheckVersion: 1, HealthCheckConfig: other };
    if (!check) {
      throw awsError('Route53Client', {
        code: 'NoSuchHealthCheck',
        message: `No health check exists with the specified ID ${id}.`,
        status: 404,
      });
    }
    return {
      Id: check.id,
      CallerReference: `switchback-sim-${check.id}`,
      HealthCheckVersion: check.version,
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: check.endpoint,
        RequestInterval: this.timing.healthCheck.intervalSeconds,
        FailureThreshold: this.timing.healthCheck.failureThreshold,
        Inverted: check.inverted,
      },
    };
  }

  /**
   * UpdateHealthCheck of `Inverted` (the only field Switchback updates): refused with HealthCheckVersionMismatch
   * when `HealthCheckVersion` is given and is not the current one, as Route 53 does; takes effect at once in what
   * Route 53 reports (DNS answers, HealthCheckStatus).
   */
  updateHealthCheck(input: { HealthCheckId?: string; HealthCheckVersion?: number; Inverted?: boolean }): HealthCheck {
    const check = this.healthChecks.byId(String(input.HealthCheckId));
    if (!check) {
      throw awsError('Route53Client', {
        code: 'NoSuchHealthCheck',
        message: `No health check exists with the specified ID ${String(input.HealthCheckId)}.`,
        status: 404,
      });
    }
    if (input.HealthCheckVersion !== undefined && input.HealthCheckVersion !== check.version) {
      throw awsError('Route53Client', {
        code: 'HealthCheckVersionMismatch',
        message: `The value of HealthCheckVersion in the request (${input.HealthCheckVersion}) doesn't match the current version (${check.version}).`,
        status: 409,
      });
    }
    if (input.Inverted !== undefined) check.setInverted(input.Inverted, this.clock.now());
    return this.healthCheck(check.id);
  }

  healthCheckStatus(id: string): HealthCheckObservation[] {
    const check = this.healthChecks.byId(id);
    if (!check) {
      throw awsError('Route53Client', {
        code: 'NoSuchHealthCheck',
        message: `No health check exists with the specified ID ${id}.`,
        status: 404,
      });
    }
    const sample = check.lastSampleAt(this.clock.now());
    const checkers = [
      'us-east-1',
      'us-west-1',
      'us-west-2',
      'eu-west-1',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-northeast-1',
      'sa-east-1',
    ];
    return checkers.slice(0, this.timing.healthCheck.checkerCount).map((region, index) => ({
      Region: region as HealthCheckRegion,
      IPAddress: `15.177.${index * 8}.${10 + index}`,
      StatusReport: {
        Status: (sample === undefined ? check.healthyAt(this.clock.now()) : sample.healthyShare > 0)
          ? 'Success: HTTP Status Code 200, OK'
          : 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.',
        CheckedTime: new Date(sample?.atMs ?? this.clock.now()),
      },
    }));
  }

  /**
   * What DNS answers for `name` now (failover routing over the propagated records): PRIMARY if its health check
   * is healthy (or it has none), else a healthy SECONDARY, else PRIMARY (fail-open). Undefined if no record.
   */
  resolve(name: string, type?: string): Resolution | undefined {
    const wanted = normalizeName(name);
    const zone = [...this.zones.values()].find((z) => wanted === z.name || wanted.endsWith(`.${z.name}`));
    if (!zone) return undefined;
    const records = zone.served.filter(
      (r) => normalizeName(r.Name ?? '') === wanted && (type ? r.Type === type : r.Type !== 'NS' && r.Type !== 'SOA'),
    );
    if (records.length === 0) return undefined;
    const healthy = (r: ResourceRecordSet): boolean => {
      if (!r.HealthCheckId) return true;
      return this.healthOf(r.HealthCheckId) ?? this.healthChecks.byId(r.HealthCheckId)?.reportedHealthy ?? true;
    };
    const primary = records.find((r) => r.Failover === 'PRIMARY');
    const secondary = records.find((r) => r.Failover === 'SECONDARY');
    let chosen: ResourceRecordSet | undefined;
    let failedOpen = false;
    if (!primary && !secondary) chosen = records[0];
    else if (primary && healthy(primary)) chosen = primary;
    else if (secondary && healthy(secondary)) chosen = secondary;
    else {
      chosen = primary ?? secondary;
      failedOpen = true;
    }
    if (!chosen) return undefined;
    const values = (chosen.ResourceRecords ?? []).map((v) => v.Value ?? '');
    return {
      name: wanted,
      setIdentifier: chosen.SetIdentifier,
      failover: chosen.Failover,
      values,
      region: values.map((v) => this.regionOfValue.get(v)).find((r) => r !== undefined),
      failedOpen,
    };
  }

  private zone(id: string): Zone {
    const zone = this.zones.get(zoneIdOf(id));
    if (!zone) {
      throw awsError('Route53Client', {
        code: 'NoSuchHostedZone',
        message: `No hosted zone found with ID: ${zoneIdOf(id)}`,
        status: 404,
      });
    }
    return zone;
  }

  private changeInfo(record: ChangeRecord, now: number): ChangeInfo {
    return {
      Id: `/change/${record.id}`,
      Status: now >= record.inSyncMs ? 'INSYNC' : 'PENDING',
      SubmittedAt: new Date(record.submittedMs),
      Comment: record.comment,
    };
  }

  /** Route 53 allows one PRIMARY and one SECONDARY per name and type, and no mix with non-failover records. */
  private failoverProblems(records: ResourceRecordSet[]): string[] {
    const problems: string[] = [];
    const groups = new Map<string, ResourceRecordSet[]>();
    for (const r of records) {
      const key = `${normalizeName(r.Name ?? '')}|${r.Type}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, group] of groups) {
      const failover = group.filter((r) => r.Failover);
      if (failover.length === 0) continue;
      const [name, type] = key.split('|');
      if (failover.length !== group.length) {
        problems.push(`RRSet with DNS name ${name}, type ${type} cannot mix failover and non-failover records`);
      }
      for (const role of ['PRIMARY', 'SECONDARY'] as const) {
        if (failover.filter((r) => r.Failover === role).length > 1) {
          problems.push(`RRSet with DNS name ${name}, type ${type} has more than one record with Failover ${role}`);
        }
      }
    }
    return problems;
  }
}
