import { awsErrorName } from '../aws/aws-errors';
import { sharedResources } from '../domain/plan-resources';
import type { LedgerPort, RdsPort, Route53Port } from '../domain/ports';
import {
  type ClaimReading,
  type PreflightContext,
  type PreflightFinding,
  type PreflightReadings,
  preflight,
  type RecordPairReading,
  type StandbyReading,
} from '../domain/preflight';
import { EndpointUnreachableError } from '../errors';
import type { PlanRegistry } from '../plan/registry';
import type { Database, Plan } from '../plan/schema';

/** What the preflight reads: the standbys (standby region only), the records, other plans' locks. */
export interface ReadPreflightDeps {
  plans: PlanRegistry;
  rds: Pick<RdsPort, 'describeInstance' | 'describeCluster' | 'describeGlobalCluster'>;
  route53: Pick<Route53Port, 'listRecordSets'>;
  ledger: Pick<LedgerPort, 'getLock'>;
  /**
   * What the live path of a plan that reads no records knows of them: the record findings of the plan's last
   * readiness (Assess passes it: recordsByReadiness; readiness and the drill's preflight read the records themselves,
   * and their bundles leave it out).
   */
  recordsOfReadiness?: (plan: Plan) => Promise<Pick<PreflightReadings, 'recordsNotRead' | 'recordFindings'>>;
}

/**
 * Reads one database's standby from the standby region only (the global-cluster call too, which any region of the
 * global cluster serves): the live path never waits on the region it recovers from.
 */
export const readStandby = async (db: Database, rds: ReadPreflightDeps['rds']): Promise<StandbyReading> => {
  if (db.kind === 'rds-read-replica') {
    return { id: db.id, kind: db.kind, instance: await rds.describeInstance(db.replica.region, db.replica.instance) };
  }
  const [cluster, global] = await Promise.all([
    rds.describeCluster(db.secondary.region, db.secondary.cluster),
    rds.describeGlobalCluster(db.secondary.region, db.globalCluster),
  ]);
  return { id: db.id, kind: db.kind, cluster, global };
};

/** An error as one line for a finding: its name and message. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** `keepErrors`: a pair Route 53 did not answer for is returned with its error (readiness) instead of thrown. */
const readRecords = async (
  plan: Plan,
  route53: ReadPreflightDeps['route53'],
  keepErrors = false,
): Promise<RecordPairReading[]> =>
  Promise.all(
    plan.dns.flatMap((zone) =>
      zone.records.map(async (record) => {
        const base = { hostedZoneId: zone.hostedZoneId, name: record.name, type: record.type };
        try {
          return { ...base, records: await route53.listRecordSets(zone.hostedZoneId, record.name, record.type) };
        } catch (error) {
          // A zone that does not exist holds no record: the record checks say so, with the fix.
          if (awsErrorName(error) === 'NoSuchHostedZone') return { ...base, records: [] };
          if (keepErrors) {
            return {
              ...base,
              records: [],
              error: describeError(error),
              ...(error instanceof EndpointUnreachableError ? { unanswered: true as const } : {}),
            };
          }
          throw error;
        }
      }),
    ),
  );

/** Runs of other plans in progress (they hold their plan's lock) that name resources of this plan. */
const readClaims = async (plan: Plan, deps: ReadPreflightDeps): Promise<ClaimReading[]> => {
  const others = deps.plans.names
    .filter((name) => name !== plan.app)
    .map((name) => ({ other: deps.plans.get(name), shared: sharedResources(plan, deps.plans.get(name)) }))
    .filter(({ shared }) => shared.length > 0);
  const claims = await Promise.all(
    others.map(async ({ other, shared }) => {
      const lock = await deps.ledger.getLock(other.app);
      return lock ? [{ plan: other.app, incidentId: lock.holder, resources: shared.map(([mine]) => mine.label) }] : [];
    }),
  );
  return claims.flat();
};

/**
 * Gathers what the preflight checks (shared/domain/preflight.ts) look at. `standbys` that the caller already read
 * are reused, so that a standby is described once per assessment.
 */
export const readPreflight = async (
  plan: Plan,
  deps: ReadPreflightDeps,
  standbys?: StandbyReading[],
  options: { live?: boolean; keepRecordErrors?: boolean } = {},
): Promise<PreflightReadings> => {
  const [databases, records, claims] = await Promise.all([
    standbys ?? Promise.all(plan.databases.map((db) => readStandby(db, deps.rds))),
    options.keepRecordErrors
      ? readRecords(plan, deps.route53, true).then((pairs) => ({ records: pairs }))
      : readRecordsOnPath(plan, deps, options.live === true),
    readClaims(plan, deps),
  ]);
  return { databases, ...records, claims };
};

/**
 * The records, as the live path may read them. Route 53's API is a control plane served from us-east-1 only: a live
 * failover of an `arc-routing-control` or `alarm-health-check` plan never calls it (the switch does not edit records)
 * and goes by the record findings of the plan's last readiness, read from the ledger in the run's own region, when
 * that readiness is current (`recordsOfReadiness`: Assess gives shared/domain/readiness.ts recordsByReadiness).
 * When Route 53's API does not answer, the record checks are skipped with the reason rather than failing Assess:
 * Check DNS Switch then stops a `route53-records` run before any database change, redrivable.
 */
const readRecordsOnPath = async (
  plan: Plan,
  deps: Pick<ReadPreflightDeps, 'route53' | 'recordsOfReadiness'>,
  live: boolean,
): Promise<Pick<PreflightReadings, 'records' | 'recordsNotRead' | 'recordFindings'>> => {
  if (live && plan.dnsSwitch.method !== 'route53-records') {
    if (!deps.recordsOfReadiness) {
      throw new Error(`the live preflight of an ${plan.dnsSwitch.method} plan needs the records of its readiness`);
    }
    return { records: [], ...(await deps.recordsOfReadiness(plan)) };
  }
  try {
    return { records: await readRecords(plan, deps.route53) };
  } catch (error) {
    if (!live || !(error instanceof EndpointUnreachableError)) throw error;
    return {
      records: [],
      recordsNotRead: `record checks skipped: Route 53's API (us-east-1) did not answer ${error.operation}; Check DNS Switch decides whether DNS can be switched`,
    };
  }
};

/**
 * The preflight of a plan now, outside any run: what Assess would find (readiness and the drill run it before
 * anything happens). A manual run's context (an Aurora switchover) unless told otherwise.
 */
export const runPreflight = async (
  plan: Plan,
  deps: ReadPreflightDeps,
  context: PreflightContext = { switchover: true },
): Promise<PreflightFinding[]> => preflight(plan, await readPreflight(plan, deps), context);
