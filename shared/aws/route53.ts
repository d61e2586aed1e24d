import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { dnsName } from '../domain/dns-answers';
import type { HealthCheckStatus } from '../domain/health-checks';
import type {
  FailoverRecordSet,
  HealthCheckInversion,
  HealthCheckPort,
  Route53Port,
  Route53ReadPort,
} from '../domain/ports';
import type { RecordSetReading } from '../domain/preflight';
import { awsErrorName, toSwitchbackError } from './aws-errors';
import { PacedReads } from './paced-reads';
import { route53Client } from './sdk/route53';

/** Route 53 returns names fully qualified (trailing dot), lower-case, with `*` as `\052`. */
const normalizeName = (name: string): string => name.replace(/\\052/g, '*').replace(/\.$/, '').toLowerCase();

/**
 * How an adapter paces its Route 53 reads: 5 in flight at most (half the account's 10 a second, which other callers
 * share), and a throttled read tried again for up to 15 s after its first try (the functions that read most, assess
 * and preflight, have 30 s, and a read to a us-east-1 that does not answer takes 2 x 5 s: shared/aws/sdk/registry.ts).
 * Each function builds its adapters once per container, so the bound is per function, in Lambda as in a drill.
 */
const READ_PACING = { maxInFlight: 5, budgetMs: 15_000, firstPauseMs: 500 };

/**
 * The reads of Route53Port over the Route 53 API, and its health checks' (Route53Adapter adds the changes). Record edits are control-plane calls served from us-east-1 only
 * (aws-facts.md: Route 53 Developer Guide), hence `route53Client()` pinned to ROUTE53_REGION; when us-east-1 is
 * the region that failed, Route 53 Application Recovery Controller routing controls are the data-plane alternative
 * (on/off switches on five regional endpoints, aws-facts.md: ARC Developer Guide). Throttling and
 * PriorRequestNotComplete (the same zone changed too soon) become ThrottledError, which the ASL retries with
 * backoff and jitter (aws-facts.md: Route 53 Developer Guide, "Throttling of API requests").
 */
export class Route53Reader implements Route53ReadPort {
  protected readonly client: () => Route53Client;
  protected readonly reads: PacedReads;

  /**
   * @param deps.client - the Route 53 client; defaults to the shared one (built once).
   * @param deps.reads - how reads are paced; defaults to the adapter's own (READ_PACING).
   */
  constructor(deps: { client?: () => Route53Client; reads?: PacedReads } = {}) {
    this.client = deps.client ?? (() => route53Client());
    this.reads = deps.reads ?? new PacedReads(READ_PACING);
  }

  /**
   * The failover records (those with a `Failover` role) named `name` of type `type`, reading from that name on
   * (StartRecordName/StartRecordType) and following pages while they still hold that name and type.
   */
  async listFailoverRecords(hostedZoneId: string, name: string, type: string): Promise<FailoverRecordSet[]> {
    const records = await this.listNamed(hostedZoneId, name, type);
    return records.flatMap((record) => {
      const failover = toFailoverRecord(record);
      return failover ? [failover] : [];
    });
  }

  /** Every record named `name` of type `type`, whatever its routing policy, as the preflight reads it. */
  async listRecordSets(hostedZoneId: string, name: string, type: string): Promise<RecordSetReading[]> {
    const records = await this.listNamed(hostedZoneId, name, type);
    return records.map(toRecordReading);
  }

  private async listNamed(hostedZoneId: string, name: string, type: string): Promise<ResourceRecordSet[]> {
    const wanted = normalizeName(name);
    const found: ResourceRecordSet[] = [];
    let start: { name?: string; type?: string; identifier?: string } = { name, type };
    try {
      for (;;) {
        const page = start;
        const out = await this.reads.run(() =>
          this.client().send(
            new ListResourceRecordSetsCommand({
              HostedZoneId: hostedZoneId,
              StartRecordName: page.name,
              StartRecordType: page.type as RRType | undefined,
              StartRecordIdentifier: page.identifier,
            }),
          ),
        );
        let past = false;
        for (const record of out.ResourceRecordSets ?? []) {
          if (normalizeName(record.Name ?? '') !== wanted || record.Type !== type) {
            // Listing is ordered by name then type: the first other record means ours are all read.
            past = true;
            break;
          }
          found.push(record);
        }
        if (past || !out.IsTruncated) return found;
        start = { name: out.NextRecordName, type: out.NextRecordType, identifier: out.NextRecordIdentifier };
      }
    } catch (error) {
      throw toSwitchbackError('route53', 'ListResourceRecordSets', error);
    }
  }

  /** A health check's interval and failure threshold; undefined when it does not exist (readiness). */
  async getHealthCheck(id: string): Promise<{ intervalSeconds: number; failureThreshold: number } | undefined> {
    try {
      const out = await this.reads.run(() => this.client().send(new GetHealthCheckCommand({ HealthCheckId: id })));
      const config = out.HealthCheck?.HealthCheckConfig;
      // Route 53 defaults: 30 s interval, 3 failures (Route 53 API, HealthCheckConfig).
      return { intervalSeconds: config?.RequestInterval ?? 30, failureThreshold: config?.FailureThreshold ?? 3 };
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchHealthCheck') return undefined;
      throw toSwitchbackError('route53', 'GetHealthCheck', error);
    }
  }

  /**
   * What Route 53's checkers see of a health check's endpoint now (readiness, the verify steps): a report that starts
   * with "Success" reached it; undefined when the health check does not exist.
   */
  async getHealthCheckStatus(id: string): Promise<HealthCheckStatus | undefined> {
    try {
      const out = await this.reads.run(() =>
        this.client().send(new GetHealthCheckStatusCommand({ HealthCheckId: id })),
      );
      const reports = (out.HealthCheckObservations ?? []).map((observation) => observation.StatusReport?.Status ?? '');
      const failure = reports.find((report) => !report.startsWith('Success'));
      return {
        checkers: reports.length,
        healthyCheckers: reports.filter((report) => report.startsWith('Success')).length,
        ...(failure ? { failure } : {}),
      };
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchHealthCheck') return undefined;
      throw toSwitchbackError('route53', 'GetHealthCheckStatus', error);
    }
  }

  /** A health check's `Inverted` and version (for an UpdateHealthCheck that loses no concurrent edit). */
  async getInversion(id: string): Promise<HealthCheckInversion | undefined> {
    try {
      const out = await this.reads.run(() => this.client().send(new GetHealthCheckCommand({ HealthCheckId: id })));
      return {
        inverted: out.HealthCheck?.HealthCheckConfig?.Inverted === true,
        version: out.HealthCheck?.HealthCheckVersion ?? 1,
      };
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchHealthCheck') return undefined;
      throw toSwitchbackError('route53', 'GetHealthCheck', error);
    }
  }

  async getChangeStatus(changeId: string): Promise<'PENDING' | 'INSYNC'> {
    try {
      const out = await this.reads.run(() => this.client().send(new GetChangeCommand({ Id: changeId })));
      return out.ChangeInfo?.Status === 'INSYNC' ? 'INSYNC' : 'PENDING';
    } catch (error) {
      throw toSwitchbackError('route53', 'GetChange', error);
    }
  }
}

/**
 * Route53Reader and the changes: record UPSERTs and health checks' `Inverted`. Only the steps that change records or
 * health checks build one; the steps that only read build a Route53Reader, whose bundle carries none of their code.
 */
export class Route53Adapter extends Route53Reader implements Route53Port, HealthCheckPort {
  /** One ChangeResourceRecordSets batch that UPSERTs every record as given; returns the change id. */
  async upsertRecords(hostedZoneId: string, records: FailoverRecordSet[], comment: string): Promise<string> {
    try {
      const out = await this.client().send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          ChangeBatch: {
            // Route 53 takes at most 256 characters of comment.
            Comment: comment.slice(0, 256),
            Changes: records.map((record) => ({
              Action: 'UPSERT',
              ResourceRecordSet: {
                ...(record.rest as Partial<ResourceRecordSet>),
                Name: record.name,
                Type: record.type as RRType,
                SetIdentifier: record.setIdentifier,
                Failover: record.failover,
              },
            })),
          },
        }),
      );
      const id = out.ChangeInfo?.Id;
      if (!id) throw new Error('ChangeResourceRecordSets answered without a change id');
      return id;
    } catch (error) {
      throw toSwitchbackError('route53', 'ChangeResourceRecordSets', error);
    }
  }

  /**
   * UpdateHealthCheck with `Inverted` only, at `version` (Route 53 refuses it with HealthCheckVersionMismatch when
   * someone changed the check since it was read).
   */
  async setInverted(id: string, inverted: boolean, version: number): Promise<void> {
    try {
      await this.client().send(
        new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: inverted, HealthCheckVersion: version }),
      );
    } catch (error) {
      throw toSwitchbackError('route53', 'UpdateHealthCheck', error);
    }
  }
}

/** A record with a Failover role, split into what the flip changes and everything it must keep. */
const toFailoverRecord = (record: ResourceRecordSet): FailoverRecordSet | undefined => {
  const { Name, Type, SetIdentifier, Failover, ...rest } = record;
  if (!Name || !Type || !SetIdentifier || (Failover !== 'PRIMARY' && Failover !== 'SECONDARY')) return undefined;
  return { name: Name, type: Type, setIdentifier: SetIdentifier, failover: Failover, rest: { ...rest } };
};

/** The routing policy of a record, from the field that only that policy sets (Route 53 API, ResourceRecordSet). */
const routingOf = (record: ResourceRecordSet): string => {
  if (record.Failover) return 'failover';
  if (record.Weight !== undefined) return 'weighted';
  if (record.Region) return 'latency';
  if (record.GeoLocation) return 'geolocation';
  if (record.GeoProximityLocation) return 'geoproximity';
  if (record.MultiValueAnswer !== undefined) return 'multivalue';
  if (record.CidrRoutingConfig) return 'cidr';
  return 'simple';
};

const toRecordReading = (record: ResourceRecordSet): RecordSetReading => ({
  ...(record.SetIdentifier ? { setIdentifier: record.SetIdentifier } : {}),
  routing: routingOf(record),
  ...(record.Failover === 'PRIMARY' || record.Failover === 'SECONDARY' ? { failover: record.Failover } : {}),
  ...(record.TTL !== undefined ? { ttl: record.TTL } : {}),
  ...(record.HealthCheckId ? { healthCheckId: record.HealthCheckId } : {}),
  alias: record.AliasTarget !== undefined,
  ...(record.AliasTarget ? { evaluateTargetHealth: record.AliasTarget.EvaluateTargetHealth === true } : {}),
  target: record.AliasTarget
    ? { alias: dnsName(record.AliasTarget.DNSName ?? '') }
    : { values: (record.ResourceRecords ?? []).flatMap((value) => (value.Value ? [value.Value] : [])) },
});
