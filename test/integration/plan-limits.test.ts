import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlanFile } from '../../shared/plan/load';
import { MAX_DATABASES_PER_PLAN, MAX_RECORDS_PER_PLAN } from '../../shared/plan/schema';
import { runDrill } from '../../sim/drill';
import { PAYLOAD_LIMIT_BYTES } from '../../sim/local-runner';
import { PUT_EVENTS_LIMIT_BYTES, putEventsEntryBytes } from '../../sim/sdk-plugin';
import { planAtSize } from '../support/plan-limits';

/**
 * The plan-size limits (shared/plan/schema.ts) are what keeps every runbook's state inside Step Functions' payload
 * quota: a state over it fails the execution where it stands, after its changes (States.DataLimitExceeded, which no
 * Catch or redrive gets past). A game day runs each runbook that carries the plan's databases and records (failover,
 * fence, reprotect, failback); on a plan at both limits with every name at its longest, each must leave a quarter
 * of the quota free.
 */
const HEADROOM = 0.75;

describe('a plan at the size limits', () => {
  let dir: string;
  /** The example plan grown to both limits with every name at its longest, as a plan file of the tests' own. */
  let planFile: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchback-plan-limits-'));
    planFile = join(dir, 'at-limits.yml');
    const plan = planAtSize(loadPlanFile(join(__dirname, '..', '..', 'plans', 'example.yml')), {
      databases: MAX_DATABASES_PER_PLAN,
      records: MAX_RECORDS_PER_PLAN,
    });
    // JSON is YAML: the plan file is the plan as data.
    writeFileSync(planFile, JSON.stringify(plan));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("fails over within budget, and fences every record, while the account's other tools take 6 of Route 53's 10 requests a second", async () => {
    // Assess, preflight and the DNS switch read each of the 20 record pairs; Route 53 leaves the run 4
    // requests a second, one at a time (scenario route53-api-busy). The reads are paced (shared/aws/paced-reads.ts).
    // The fence then fences the old region's 20 records at once: the zone's 10 maintenance-target records in one
    // change batch, the 10 inverted health checks one Map iteration each; its record steps retry a throttled request
    // long enough for all of them to get through (statemachines/fence.asl.json).

    // Act
    const { report, world } = await runDrill({ planFile, scenario: 'route53-api-busy', seed: 1, slackPreview: false });

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.withinBudgets).toBe(true);
    expect(report.throttledCalls?.['Route 53 ListResourceRecordSets']).toBeGreaterThan(0);
    expect(report.throttledCalls?.['Route 53 ChangeResourceRecordSets']).toBeGreaterThan(0);
    // The old region stays down: the fence fences the records and waits for the databases, as without the busy API.
    expect(report.legs.map((leg) => [leg.action, leg.outcome, leg.failure])).toEqual([
      ['failover', 'recovered', undefined],
      ['fence', 'deferred', undefined],
    ]);
    expect(report.legs[1]?.deferral?.fenced).toHaveLength(MAX_RECORDS_PER_PLAN);
    // Assess read the 40 databases' standbys and their replicated backups in one RDS request of each kind (shared/aws/
    // rds.ts): RDS's request rate is the account's, in each Region, and a request per database took 80 of it.
    const assessReads = world.calls.filter((call) => call.fn === 'assess' && call.client === 'RDSClient');
    expect(assessReads.map((call) => call.operation).sort()).toEqual([
      'DescribeDBClusters',
      'DescribeDBInstanceAutomatedBackups',
      'DescribeDBInstances',
      'DescribeGlobalClusters',
    ]);
  });

  it("fails over within budget while the account's other tools take 10 of the RDS API's 12 requests a second", async () => {
    // Assess reads the 40 databases in a few requests (shared/aws/rds.ts); the promotion Map then reads and promotes
    // each on its own, 80 requests with 2 a second left to the run: a throttled request, read or promote call, is
    // tried again in the function (shared/aws/rds-calls.ts), not only by the state machine, which reads again first.

    // Act
    const { report } = await runDrill({ planFile, scenario: 'rds-api-busy', seed: 1, slackPreview: false });

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.withinBudgets).toBe(true);
    expect(report.throttledCalls?.['RDS PromoteReadReplica in us-west-2']).toBeGreaterThan(0);
    expect(report.throttledCalls?.['RDS FailoverGlobalCluster in us-west-2']).toBeGreaterThan(0);
  });

  it('goes through every runbook of a game day with each state, and each event it puts, under three quarters of their quotas', async () => {
    // Act
    const { report, world } = await runDrill({ planFile, scenario: 'game-day', seed: 1, slackPreview: false });

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.legs.map((leg) => [leg.action, leg.outcome])).toEqual([
      ['failover', 'recovered'],
      ['fence', 'recovered'],
      ['reprotect', 'recovered'],
      ['failback', 'recovered'],
      ['fence', 'recovered'],
      ['reprotect', 'recovered'],
    ]);
    // The plan's readiness ran on its schedule and was kept every time, though this plan is not in plans/ (every
    // step's calls on its resources denied by the deployment's roles): its item stays under DynamoDB's 400 KB.
    expect(report.warnings.filter((warning) => warning.startsWith('scheduled readiness failed'))).toEqual([]);
    expect(report.readiness?.findings.filter((finding) => finding.check === 'role-permission').length).toBeGreaterThan(
      0,
    );
    expect(Buffer.byteLength(JSON.stringify(report.readiness))).toBeLessThan(400 * 1024);
    const states = report.legs.map((leg) => ({ leg: leg.action, ...leg.largestState }));
    expect(states.every((state) => state.bytes !== undefined && state.state !== undefined)).toBe(true);
    const over = states.filter((state) => (state.bytes ?? Number.POSITIVE_INFINITY) > HEADROOM * PAYLOAD_LIMIT_BYTES);
    expect(over).toEqual([]);
    // Every event the runbooks put on the bus (what Slack and subscribers hear) fits PutEvents' entry limit as well.
    const entries = world.bus.events
      .filter((record) => record.via === 'put-events')
      .map((record) => ({
        detailType: record.event['detail-type'],
        bytes: putEventsEntryBytes({
          Source: record.event.source,
          DetailType: record.event['detail-type'],
          Detail: JSON.stringify(record.event.detail),
          Resources: record.event.resources,
        }),
      }));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((entry) => entry.bytes > HEADROOM * PUT_EVENTS_LIMIT_BYTES)).toEqual([]);
    // Route 53 throttles the account's API requests past its request rate (ROUTE53_REQUEST_QUOTAS): the game day's
    // busiest second (the fence's, 33 requests) stays within its burst of 50. RDS throttles
    // past 300 and then 12 a second per Region (RDS_REQUEST_QUOTA): the promotion polls, 60 reads each here, are spaced
    // to average 6 a second (shared/domain/polling.ts); at one every 2 s RDS throttled over 1,000 of them.
    expect(world.route53.requestRate.throttled.size).toBe(0);
    // Nothing is refused: Route 53 refuses a change to a zone that still processes the last one
    // (PriorRequestNotComplete), and each fence changes the zone's 10 maintenance-target records in one change batch
    // (recordFenceBatches), one change per fence leg, where one batch per record, all at once, was refused 43 times.
    expect(report.throttledCalls ?? {}).toEqual({});
    const recordChanges = world.calls.filter(
      (call) => call.fn === 'fence-record' && call.operation === 'ChangeResourceRecordSets',
    );
    expect(recordChanges).toHaveLength(2);
  });
});
