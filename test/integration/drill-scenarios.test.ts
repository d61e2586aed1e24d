import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReadinessCommand } from '../../cli/commands/readiness';
import { drillExitCode } from '../../cli/drill-exit-codes';
import {
  type Allowance,
  type Call,
  compareGrants,
  grantsByFunction,
  type TemplateLike,
} from '../../scripts/iam-grants';
import { DynamoLedger } from '../../shared/aws/ledger';
import { ReadinessFunction } from '../../shared/aws/readiness-function';
import { StepFunctionsWorkflow } from '../../shared/aws/workflow';
import { livePathCalls } from '../../shared/domain/live-path';
import type { PhaseChangedDetail, RecoveryFailedDetail, RunRecord } from '../../shared/domain/run';
import { STEP_FUNCTIONS, stepPermissions } from '../../shared/domain/step-permissions';
import { loadPlanFile } from '../../shared/plan/load';
import { VirtualClock } from '../../sim/clock';
import { legDnsDisagreements } from '../../sim/dns-answers';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';
import type { LocalRunner } from '../../sim/local-runner';
import { loadFunctionHandler, outsideInvocation } from '../../sim/local-runner';
import { type DrillProgress, ProgressDisplay, summaryTable } from '../../sim/progress';
import { criticalPathRatio, type DrillReport, withoutWall } from '../../sim/report';
import { renderReportHtml } from '../../sim/report-html';
import { isPlanLevelScenario, SCENARIO_NAMES } from '../../sim/scenarios';
import { DRILL_OPERATOR_ARN, reprotectedStandby, type World } from '../../sim/world';
import { packagedTemplate } from '../support/packaged-template';
import { recordedDrills } from '../support/recorded-drills';
import { fakeDeps } from '../unit/cli/support';

/**
 * The whole local drill, in-process: the simulated AWS, the real state machine and handlers, the ledger on
 * dynalite. Each drill replays minutes of virtual time in well under 2 s of wall time.
 *
 * Two suites in one file, since they run the same drills: the scenario tests below assert on the reports of the
 * example plan's drills, and the IAM check at the end runs every scenario of every plan with an SDK plugin that
 * records each call per function role. A drill of the same plan, scenario and options runs once for both
 * (test/support/recorded-drills.ts).
 */

const ROOT = join(__dirname, '..', '..');
const PLAN = join(ROOT, 'plans', 'example.yml');
const MUTATING_RDS = ['PromoteReadReplica', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster'];

const drills = recordedDrills();

/**
 * A drill of the example plan, seed 1, no Slack preview. With no options but an answer it is the IAM check's drill
 * of that scenario (run once, whichever asks first); other options make a drill of its own, not recorded.
 */
const drill = (scenario: string, options: Partial<DrillOptions> = {}): Promise<DrillResult> => {
  const { answer, ...others } = options;
  if (Object.keys(others).length === 0) return drills.shared(PLAN, scenario, answer ? { answer } : {});
  return runDrill({ planFile: PLAN, scenario, seed: 1, slackPreview: false, ...options });
};

/** The incident of an earlier failover whose execution no longer exists but whose lock was never released. */
const ORPHAN = 'earlier-failover';
const orphanedLockDrills = new Map<string, Promise<DrillResult>>();

/**
 * Leaves the plan's lock as an earlier run's Assess would have left it, held with its record in progress, by an
 * execution Step Functions does not know: its end never reached on-run-failed (EventBridge delivers status changes on
 * a best-effort basis), so nothing released it. Outside any function's invocation: the calls are no handler's.
 */
const leaveOrphan = (world: World, planFile: string, incidentId: string): Promise<void> =>
  outsideInvocation(async () => {
    const plan = loadPlanFile(planFile);
    const owner = {
      incidentId,
      executionArn: `arn:aws:states:${plan.regions.standby}:${world.account}:execution:switchback-drill-failover:${incidentId}`,
    };
    const ledger = new DynamoLedger();
    const at = new Date().toISOString();
    const { epoch } = await ledger.acquireLock(plan.app, owner, new Date());
    const run = {
      ...owner,
      plan: plan.app,
      action: 'failover' as const,
      mode: 'live' as const,
      reason: 'an earlier failover',
      requestedBy: 'ops@example.com',
      trigger: { type: 'manual' as const },
      regions: { ...plan.regions },
      impactStartedAt: at,
      startedAt: at,
      epoch,
    };
    await ledger.putRun({ run, outcome: 'in-progress', phases: [], actions: [], warnings: [], endedAt: at });
  });

/**
 * A region-outage drill of a plan whose lock is orphaned (leaveOrphan) a second in, before the outage. Run once per
 * plan, for the scenario test and the IAM check.
 */
const orphanedLockDrill = (planFile: string): Promise<DrillResult> => {
  let result = orphanedLockDrills.get(planFile);
  if (!result) {
    const plan = loadPlanFile(planFile);
    result = drills.own({
      planFile,
      scenario: 'region-outage',
      seed: 1,
      slackPreview: false,
      onWorld: (world) => {
        world.clock.schedule(world.t0Ms + 1000, () => {
          // Real I/O (the drill's DynamoDB): virtual time waits for it.
          if (!(world.clock instanceof VirtualClock)) throw new Error('the drill runs on a virtual clock');
          void world.clock.track(leaveOrphan(world, planFile, `${plan.app}-${ORPHAN}`), 'the orphaned lock');
        });
      },
    });
    orphanedLockDrills.set(planFile, result);
  }
  return result;
};

let stoppedGameDay: Promise<DrillResult> | undefined;
/**
 * The example plan's game day, with the lock orphaned (leaveOrphan) just before each runbook starts, the game day's
 * own and each leg's, so that every runbook's Assess meets one; and the RDS replica its first reprotect makes stays
 * 45 s behind, so the failback leg never sees zero lag and stops (blocked) with nothing promoted, and the game day
 * fails at that leg. Run once, for the scenario tests and the IAM check.
 */
const stoppedGameDayWithOrphans = (): Promise<DrillResult> => {
  stoppedGameDay ??= drills.own({
    planFile: PLAN,
    scenario: 'game-day',
    seed: 1,
    slackPreview: false,
    onWorld: (world) => {
      const start = world.stepFunctions.startExecution.bind(world.stepFunctions);
      let orphans = 0;
      world.stepFunctions.startExecution = async (request) => {
        orphans += 1;
        await leaveOrphan(world, PLAN, `orders-orphan-${orphans}`);
        return start(request);
      };
      const createReadReplica = world.rds.createReadReplica.bind(world.rds);
      world.rds.createReadReplica = (region, input) => {
        const made = createReadReplica(region, input);
        const replica = world.rds.find(region, String(input.DBInstanceIdentifier));
        if (replica) replica.faults.lagSeconds = 45;
        return made;
      };
    },
  });
  return stoppedGameDay;
};

// Whole drills: the first also loads every handler (over 30 s wall on a loaded machine); this only catches a hang.
jest.setTimeout(120_000);

describe('runDrill', () => {
  it('recovers within the RTO and RPO budgets when the primary region goes down', async () => {
    // Act
    const { report } = await drill('region-outage');

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.rto).toEqual(expect.objectContaining({ budgetSeconds: 900, withinBudget: true }));
    expect(report.rpo).toEqual(expect.objectContaining({ budgetSeconds: 60, withinBudget: true }));
    expect(report.phases.map((phase) => phase.name)).toEqual(['detect', 'decide', 'promote', 'dns', 'verify']);
    // The record keeps what Verify Recovery checked: both databases, and for each record pair what DNS answers and
    // the serving record's health check, every one passed.
    expect(report.checks?.filter((check) => !check.ok)).toEqual([]);
    expect(report.checks?.filter((check) => check.name.startsWith('dns answer')).map((check) => check.detail)).toEqual([
      `DNS answers us-west-2's record "api-us-west-2" (us-west-2.api.orders.example.com) for api.orders.example.com CNAME`,
      `DNS answers us-west-2's record "checkout-us-west-2" (us-west-2.checkout.orders.example.com) for checkout.orders.example.com CNAME`,
    ]);
    expect(report.checks).toHaveLength(12);
    // The failover's changes, then its fence (started after recovery): the old region's api record pointed at the
    // maintenance target, its checkout record's health check inverted; its databases do not answer (recorded
    // unreachable, see topology.after).
    expect(report.actions.map((action) => `${action.operation} ${action.target}`)).toEqual([
      'PromoteReadReplica orders-db-replica',
      'FailoverGlobalCluster catalog-global',
      'ChangeResourceRecordSets Z0123456789ORDERSAPI',
      'ChangeResourceRecordSets Z0123456789ORDERSAPI',
      'UpdateHealthCheck healthcheck/3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d Inverted=true',
    ]);
    // The fence the failover started cannot reach us-east-1: deferred to the retry, not failed.
    expect(report.legs.map((leg) => [leg.action, leg.outcome])).toEqual([
      ['failover', 'recovered'],
      ['fence', 'deferred'],
    ]);
    expect(report.legs[1]?.failure).toBeUndefined();
    expect(report.legs[1]?.deferral).toMatchObject({ region: 'us-east-1', retryMinutes: 5, changed: true });
    // The deferral's line names each database and record once: what waits for us-east-1, then what is fenced.
    const deferred = report.events.filter((event) => event.detailType === 'Run Deferred');
    expect(deferred.map((event) => event.summary.split('; '))).toEqual([
      [
        'us-east-1 does not answer, the fence retry tries again every 5 minutes',
        'waiting: orders-db: us-east-1 did not answer: orders-db (us-east-1) not fenced yet',
        'waiting: catalog: us-east-1 did not answer: catalog-east (us-east-1) not fenced yet',
        'fenced: api.orders.example.com CNAME "api-us-east-1" (us-east-1) answers maintenance.orders.example.com (change INSYNC)',
        'fenced: checkout.orders.example.com CNAME "checkout-us-east-1" (us-east-1): health check 3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d inverted and reads Inverted',
      ],
    ]);
    expect(criticalPathRatio(report)).toBeGreaterThanOrEqual(1);
    expect(report.timeline[0]).toMatchObject({ state: 'Assess Failover', event: 'entered' });
    expect(report.events.map((event) => event.detailType)).toContain('Recovery Completed');
    expect(report.phasesOf).toBeUndefined();
    // Each phase change says whose it is when it is not the failover's: the fence decides after the recovery.
    const phaseChanges = report.events.filter((event) => event.detailType === 'Phase Changed');
    expect(phaseChanges.map((event) => event.summary)).toEqual([
      'detect succeeded',
      'decide started',
      'decide succeeded',
      'promote started',
      'promote started',
      'promote succeeded',
      'dns started',
      'dns succeeded',
      'verify started',
      'verify succeeded',
      'fence: decide succeeded',
      'fence: fence started',
      'fence: fence succeeded',
    ]);
    expect(report.topology.before).toMatchObject({
      activeRegion: 'us-east-1',
      databases: [
        { id: 'orders-db', writer: { identifier: 'orders-db' }, standby: { identifier: 'orders-db-replica' } },
        { id: 'catalog', writer: { identifier: 'catalog-east' }, standby: { identifier: 'catalog-west' } },
      ],
    });
    expect(report.topology.after).toMatchObject({
      activeRegion: 'us-west-2',
      databases: [
        {
          id: 'orders-db',
          writer: { identifier: 'orders-db-replica' },
          standby: null,
          oldPrimary: { state: 'unreachable' },
        },
        { id: 'catalog', writer: { identifier: 'catalog-west' }, standby: null, oldPrimary: { state: 'unreachable' } },
      ],
    });
    expect(report.topology.after.dnsFences?.map((fence) => fence.record)).toEqual([
      'Z0123456789ORDERSAPI|api.orders.example.com|CNAME|api-us-east-1',
      'Z0123456789ORDERSAPI|checkout.orders.example.com|CNAME|checkout-us-east-1',
    ]);
  });

  it('settles a lock whose execution ended unheard, records that run, and recovers, saying so', async () => {
    // Act
    const { report, world, lockHolder } = await orphanedLockDrill(PLAN);

    // Assess: the failover was not held off by the orphan (before, no failover started at all)
    expect(report.outcome).toBe('recovered');
    expect(report.rto?.withinBudget).toBe(true);
    expect(report.actions.map((action) => action.operation)).toContain('PromoteReadReplica');
    expect(report.warnings).toContainEqual(
      expect.stringMatching(
        /^the plan's lock was held by orders-earlier-failover \(epoch 1, taken 20\d\d-[-:.\dTZ]+\), whose execution no longer exists without releasing it \(its end never reached on-run-failed\): recorded that run's end and released its lock$/,
      ),
    );
    // The earlier run is recorded as on-run-failed would have: failed, with no redrive (Step Functions no longer
    // knows its execution)
    const failed = world.bus.events
      .map((record) => record.event)
      .filter((event) => event['detail-type'] === 'Recovery Failed')
      .map((event) => event.detail as RecoveryFailedDetail);
    expect(failed.map((detail) => [detail.run.incidentId, detail.failure?.error, detail.redrive])).toEqual([
      ['orders-earlier-failover', 'ExecutionNotFound', undefined],
    ]);
    expect(lockHolder).toBeNull();
  });

  it('settles an orphaned lock in each runbook a game day starts: the game day, its failover, fence, reprotect and failback', async () => {
    // Act
    const { world } = await stoppedGameDayWithOrphans();

    // Assess: each Assess met an orphan and recorded its run as on-run-failed would have (Step Functions no longer
    // knows its execution), then went on
    const failed = world.bus.events
      .map((record) => record.event)
      .filter((event) => event['detail-type'] === 'Recovery Failed')
      .map((event) => event.detail as RecoveryFailedDetail);
    expect(
      failed
        .filter((detail) => detail.run.incidentId.startsWith('orders-orphan-'))
        .map((detail) => [detail.run.incidentId, detail.failure?.error]),
    ).toEqual([1, 2, 3, 4, 5].map((n) => [`orders-orphan-${n}`, 'ExecutionNotFound']));
    // Each runbook's Assess says what it settled, first among its decide phase's facts; the failover's, among its
    // run's warnings
    const settledBy = "the plan's lock was held by";
    const decided = world.bus.events
      .map((record) => record.event.detail as PhaseChangedDetail)
      .filter((detail) => detail.phase === 'decide' && (detail.facts?.[0] ?? '').startsWith(settledBy));
    expect(decided.map((detail) => detail.run.action)).toEqual(['game-day', 'fence', 'reprotect', 'failback']);
    const failoverLeg = world.bus.events
      .map((record) => record.event)
      .find(
        (event) =>
          event['detail-type'] === 'Recovery Completed' && (event.detail as RunRecord).run.action === 'failover',
      );
    expect((failoverLeg?.detail as RunRecord | undefined)?.warnings).toContainEqual(
      expect.stringMatching(/^the plan's lock was held by orders-orphan-2 /),
    );
  }, 120_000);

  it('keeps the fence off the RTO path: the same RTO with the fence during the failover and without it', async () => {
    // Prepare: the example plan with fence.duringFailover off
    const dir = await mkdtemp(join(tmpdir(), 'switchback-fence-off-'));
    const planFile = join(dir, 'example.yml');
    await writeFile(planFile, `${await readFile(PLAN, 'utf8')}\nfence: { duringFailover: false }\n`);

    // Act
    const withFence = (await drill('region-outage')).report;
    const without = (await drill('region-outage', { planFile })).report;

    // Assess: the fence ran in one and not the other; recovery took exactly as long
    expect(withFence.legs.map((leg) => leg.action)).toEqual(['failover', 'fence']);
    expect(without.legs.map((leg) => leg.action)).toEqual(['failover']);
    expect(withFence.rto?.actualSeconds).toBeGreaterThan(0);
    expect(withFence.rto).toEqual(without.rto);
    expect(withFence.phases).toEqual(without.phases);
    // The fence started only after the failover's recovery was recorded.
    const failoverEnd = withFence.legs[0]?.endedAt ?? '';
    expect((withFence.legs[1]?.startedAt ?? '') > failoverEnd).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails its DNS check, exit code 4, when DNS stops answering the standby after the run said it recovered', async () => {
    // Prepare: at T+08:10, five seconds after the recovery, someone deletes the standby region's failover records
    // (nothing the product reads after the recovery tells it)
    const deleteStandbyRecords = (world: World) => {
      world.clock.schedule(world.t0Ms + 490_000, () => {
        for (const zone of world.route53.zones.values()) {
          // The failover made them PRIMARY: the records of the standby region, by set identifier (api-us-west-2)
          const standby = (record: { SetIdentifier?: string }) => record.SetIdentifier?.endsWith('-us-west-2') === true;
          zone.records = zone.records.filter((record) => !standby(record));
          zone.served = zone.served.filter((record) => !standby(record));
        }
      });
    };

    // Act: a drill of its own, not among the recorded drills whose DNS check must pass (the IAM check below)
    const { report } = await runDrill({
      planFile: PLAN,
      scenario: 'region-outage',
      seed: 1,
      slackPreview: false,
      onWorld: deleteStandbyRecords,
    });

    // Assess: the run's own claim stands, and the drill says it is not what users reach
    expect(report.outcome).toBe('recovered');
    expect(report.topology.after.activeRegion).toBe('us-west-2');
    expect(report.dns?.disagreements).toHaveLength(2);
    expect(report.dns?.disagreements[0]).toMatch(
      /^the run says us-west-2 serves, but DNS answers .* for api\.orders\.example\.com CNAME/,
    );
    expect(drillExitCode(report)).toBe(4);
    // Each leg's DNS is read when it ends: the failover's (T+08:05) before the records went, answering us-west-2;
    // the deferred fence claims no recovery, so nothing is held against it
    const [failover, fence] = report.legs;
    expect(failover?.dns?.answers.map((answer) => answer.region)).toEqual(['us-west-2', 'us-west-2']);
    expect(failover?.dns?.disagreements).toEqual([]);
    expect([fence?.outcome, fence?.dns?.disagreements]).toEqual(['deferred', []]);
    expect(report.dns?.answers.map((answer) => answer.region)).toEqual([null, 'us-east-1']);
    expect(summaryTable(report)).toContain('DNS CHECK FAILED: the run says us-west-2 serves');
    const html = renderReportHtml(report);
    expect(html).toContain('but the DNS check failed: users do not reach us-west-2</span>');
    expect(html).toContain('<h2>DNS answers when the drill ended</h2>');
    expect(html).toContain(
      '<p class="bad">DNS check failed: the run says us-west-2 serves, but DNS answers us-east-1 for checkout.orders.example.com CNAME</p>',
    );
  });

  it('fails its writer check, exit code 4, when the promoted database stops taking writes after the run said it recovered', async () => {
    // Prepare: at T+08:10, five seconds after the recovery, someone stops the promoted RDS instance
    const stopPromoted = (world: World) => {
      world.clock.schedule(world.t0Ms + 490_000, () => {
        world.rds.stopInstance('us-west-2', 'orders-db-replica');
      });
    };

    // Act: a drill of its own, not among the recorded drills whose checks must pass (the IAM check below)
    const { report } = await runDrill({
      planFile: PLAN,
      scenario: 'region-outage',
      seed: 1,
      slackPreview: false,
      onWorld: stopPromoted,
    });

    // Assess: the run's claim stands; DNS still answers the standby; the writer check says writes do not land there
    expect(report.outcome).toBe('recovered');
    expect(report.dns?.disagreements).toEqual([]);
    expect(report.writers?.disagreements).toEqual([
      expect.stringMatching(
        /^the run says us-west-2 serves, but orders-db's writer orders-db-replica \(us-west-2\) takes no writes: stopp(ing|ed)$/,
      ),
    ]);
    expect(report.writers?.writers.find((reading) => reading.database === 'catalog')?.writable).toBe(true);
    expect(drillExitCode(report)).toBe(4);
    expect(summaryTable(report)).toContain(
      "WRITER CHECK FAILED: the run says us-west-2 serves, but orders-db's writer",
    );
    expect(renderReportHtml(report)).toContain('but the writer check failed: writes do not land in us-west-2</span>');
  });

  it('stops at the approval question without any promotion call when the replica lags past the RPO budget', async () => {
    // Act
    const { report, runner } = await drill('lagging-replica');

    // Assess
    expect(report.outcome).toBe('awaiting-approval');
    expect(report.actions.filter((action) => MUTATING_RDS.includes(action.operation))).toEqual([]);
    expect(runner.pendingTasks()).toEqual([expect.objectContaining({ state: 'Request Approval', delivered: true })]);
    expect(report.events.map((event) => event.detailType)).toContain('Approval Requested');
  });

  it('recovers after the person approves when the drill answers --approve', async () => {
    // Act
    const { report, world } = await drill('lagging-replica', { answer: 'approve' });

    // Assess
    expect(report.outcome).toBe('recovered');
    // The approver is the principal STS named for the drill's credentials, as `switchback approve` records it.
    const completed = world.bus.events.find((record) => record.event['detail-type'] === 'Recovery Completed');
    expect((completed?.event.detail as { approval?: unknown } | undefined)?.approval).toMatchObject({
      approved: true,
      by: DRILL_OPERATOR_ARN,
    });
    expect(report.rpo).toEqual(expect.objectContaining({ withinBudget: false }));
    expect(report.actions.map((action) => action.operation)).toEqual(
      expect.arrayContaining(['PromoteReadReplica', 'FailoverGlobalCluster', 'ChangeResourceRecordSets']),
    );
  });

  it('records a denied run without any change when the drill answers --deny', async () => {
    // Act
    const { report } = await drill('lagging-replica', { answer: 'deny' });

    // Assess
    expect(report.outcome).toBe('denied');
    expect(report.actions).toEqual([]);
  });

  describe('a standby whose endpoint fails its health check (standby-unhealthy)', () => {
    it("asks a person before any change, with what the plan's scheduled readiness found, DNS as it was", async () => {
      // Act
      const { report, world, runner } = await drill('standby-unhealthy');

      // Assess: readiness found it a second in, from Route 53's checkers (GetHealthCheckStatus), and the report says so.
      const standbyCheck = world.healthChecks.of('us-west-2').id;
      expect(report.readiness?.at).toMatch(/^2026-01-15T\d\d:\d\d:01\.000Z$/);
      expect(report.readiness?.ready).toBe(false);
      expect(report.readiness?.findings.filter((finding) => !finding.warning)).toEqual([
        expect.objectContaining({ check: 'standby-health-check', resource: `route53:healthcheck/${standbyCheck}` }),
      ]);
      const changed = world.bus.events.find((record) => record.event['detail-type'] === 'Readiness Changed');
      expect((changed?.event.detail as { appeared?: unknown[] } | undefined)?.appeared).toContainEqual(
        expect.objectContaining({
          check: 'standby-health-check',
          resource: `route53:healthcheck/${standbyCheck}`,
          found: expect.stringMatching(/^unhealthy: 0 of 8 checkers reach it \("Failure: Connection timed out\./),
        }),
      );
      // The failover asked, though the replica lag (a few seconds) is within the RPO, and changed nothing. The
      // question fits a Slack message's line (300 characters).
      expect(report.outcome).toBe('awaiting-approval');
      expect(runner.pendingTasks()).toEqual([expect.objectContaining({ state: 'Request Approval', delivered: true })]);
      const asked = world.bus.events.find((record) => record.event['detail-type'] === 'Approval Requested');
      expect((asked?.event.detail as { reasons?: string[] } | undefined)?.reasons).toEqual([
        expect.stringMatching(
          new RegExp(
            `^a failover would move traffic to the us-west-2 endpoint, which failed its Route 53 health check at the plan's readiness of 2026-01-15T\\d\\d:\\d\\d:01\\.000Z \\(route53:healthcheck/${standbyCheck}: unhealthy: 0 of 8 checkers reach it\\); approve once it passes$`,
          ),
        ),
      ]);
      const question = (asked?.event.detail as { reasons?: string[] } | undefined)?.reasons?.[0] ?? '';
      expect(question.length).toBeLessThanOrEqual(300);
      expect(report.actions).toEqual([]);
      // Both regions' checks fail: Route 53 answers the primary region's records as if all were healthy.
      expect(report.dns?.answers.map((answer) => [answer.region, answer.failedOpen])).toEqual([
        ['us-east-1', true],
        ['us-east-1', true],
      ]);
    });

    it('approved, promotes and switches, then Verify Recovery fails the run: DNS answers the standby only by failing open, exit 4', async () => {
      // Act
      const { report, lockHolder } = await drill('standby-unhealthy', { answer: 'approve' });

      // Assess: the databases were promoted and the records switched, but the run does not claim a recovery. DNS
      // answers the standby's records only because both regions' health checks fail (Route 53 fails open), which
      // lasts until the old region's check passes or the fence changes its record: Verify Recovery reads the answer
      // and the serving record's health check, and says what to fix.
      expect(report.outcome).toBe('failed');
      expect(report.failure).toEqual(expect.objectContaining({ phase: 'verify', error: 'VerificationFailedError' }));
      expect(report.actions.map((action) => action.operation)).toEqual(
        expect.arrayContaining(['PromoteReadReplica', 'ChangeResourceRecordSets']),
      );
      for (const name of ['api', 'checkout']) {
        expect(report.failure?.cause).toContain(
          `${name}.orders.example.com CNAME: DNS answers us-west-2 only because no record of the pair is healthy (Route 53 fails open)`,
        );
      }
      expect(report.failure?.cause).toContain("make us-west-2's endpoint pass its health check");
      // The record keeps the phases it went through, from its steps' marks: decide lasted until the approval (2
      // minutes after the alarm), then promote and DNS; verify failed after looking again for 30 s.
      expect(report.phases.map((phase) => phase.name)).toEqual(['detect', 'decide', 'promote', 'dns']);
      expect(report.phases.find((phase) => phase.name === 'decide')?.seconds).toBeGreaterThanOrEqual(120);
      expect(report.failure?.seconds).toBe(30);
      // The drill's own reading of DNS agrees: the standby, failed open; the run claims nothing for it to dispute.
      expect(report.dns?.answers.map((answer) => [answer.region, answer.failedOpen])).toEqual([
        ['us-west-2', true],
        ['us-west-2', true],
      ]);
      expect(report.dns?.disagreements).toEqual([]);
      // The failover happened, and the record says so: the topology has the standby region serving and each old
      // primary waiting for the fence retry (on-run-failed), not the primary region with its standbys.
      expect(report.topology.after.activeRegion).toBe('us-west-2');
      expect(report.topology.after.databases.map((db) => [db.writer.identifier, db.oldPrimary?.state])).toEqual([
        ['orders-db-replica', 'unknown'],
        ['catalog-west', 'unknown'],
      ]);
      expect(report.warnings).toContain(
        'the databases were promoted and DNS switched before verify failed: the topology records us-west-2 serving, and the fence retry fences the old primaries in us-east-1 within 5 minutes',
      );
      // What the fence retry is for: the old RDS primary is still available, and takes writes once its region answers.
      expect(report.writers?.oldPrimaries.map((reading) => [reading.copy, reading.fence, reading.writable])).toEqual([
        ['orders-db (us-east-1)', 'unknown', true],
        ['catalog-east (us-east-1)', 'unknown', false],
      ]);
      expect(lockHolder).toBeNull();
      expect(drillExitCode(report)).toBe(4);
    });
  });

  it("settles a failover that failed in verify unheard by the fence retry: its record, its move in the topology, its old primaries' fence", async () => {
    // Prepare: the standby-unhealthy failover, approved, fails in Verify Recovery; its status-change event never
    // reaches on-run-failed (EventBridge delivers them on a best-effort basis). The fence retry's first tick at least
    // 5 minutes after the end (it leaves a run that ended sooner to on-run-failed's tries), 7 minutes on here, is
    // what comes instead.
    const tick = (world: World) => ({
      version: '0',
      id: 'fence-retry-tick',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: world.account,
      time: new Date().toISOString(),
      region: 'us-west-2',
      resources: [`arn:aws:events:us-west-2:${world.account}:rule/switchback-drill-fence-retry`],
      detail: {},
    });
    const unheard: string[] = [];

    // Act
    const { report, lockHolder } = await drills.own({
      planFile: PLAN,
      scenario: 'standby-unhealthy',
      seed: 1,
      slackPreview: false,
      answer: 'approve',
      onWorld: (world, runner) => {
        const invoke = runner.invoke.bind(runner);
        runner.invoke = async (name, payload, options) => {
          if (name !== 'on-run-failed') return invoke(name, payload, options);
          unheard.push((payload as { detail: { name: string } }).detail.name);
          await new Promise((resolve) => setTimeout(resolve, 7 * 60_000));
          return invoke('start-fence', tick(world), { viaStateMachine: false });
        };
      },
    });

    // Assess: on-run-failed heard nothing; the fence run the retry started settled the orphan in its Assess, as
    // on-run-failed would have: the failover recorded failed in verify, the topology with the standby region serving
    expect(unheard).toHaveLength(1);
    expect(report.incidentId).toBe(unheard[0]);
    expect(report.outcome).toBe('failed');
    expect(report.failure).toEqual(expect.objectContaining({ phase: 'verify', error: 'VerificationFailedError' }));
    expect(report.warnings).toContain(
      'the databases were promoted and DNS switched before verify failed: the topology records us-west-2 serving, and the fence retry fences the old primaries in us-east-1 within 5 minutes',
    );
    expect(report.legs.map((leg) => leg.action)).toEqual(['failover', 'fence']);
    // The fence read that topology and went for the old primaries: us-east-1 is still down, so it found them
    // unreachable and deferred them to the next retries (without it, nothing would have fenced them)
    expect(report.legs.map((leg) => [leg.action, leg.outcome])).toEqual([
      ['failover', 'failed'],
      ['fence', 'deferred'],
    ]);
    expect(report.topology.after.activeRegion).toBe('us-west-2');
    expect(report.topology.after.databases.map((db) => [db.id, db.oldPrimary?.state])).toEqual([
      ['orders-db', 'unreachable'],
      ['catalog', 'unreachable'],
    ]);
    expect(lockHolder).toBeNull();
  });

  it('fails in the promote phase, records why and releases the lock when the promotion fails', async () => {
    // Act
    const { report, lockHolder } = await drill('promotion-fails');

    // Assess
    expect(report.outcome).toBe('failed');
    expect(report.failure).toEqual(expect.objectContaining({ phase: 'promote', error: 'PromotionFailedError' }));
    expect(report.events.map((event) => event.detailType)).toContain('Recovery Failed');
    expect(lockHolder).toBeNull();
    // When promote began (the step marked it, after decide) and how long it ran until the failure: about 3 minutes,
    // the RDS replica's promotion before it failed
    const decided = Date.parse(report.phases.find((phase) => phase.name === 'decide')?.endedAt ?? '');
    const began = Date.parse(report.failure?.startedAt ?? '');
    expect(began - decided).toBeGreaterThanOrEqual(0);
    expect(began - decided).toBeLessThan(5_000);
    expect(report.failure?.seconds).toBeGreaterThan(120);
    expect(report.failure?.seconds).toBeLessThan(300);
  });

  it('recovers and warns about backups when the backups are stale', async () => {
    // Act
    const { report } = await drill('stale-backups');
    const { report: normal } = await drill('region-outage');

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.warnings.length).toBeGreaterThan(normal.warnings.length);
    expect(report.warnings.join('\n')).toMatch(/backup/i);
  });

  it('makes exactly one successful change per hosted zone when Route 53 throttles the first attempts', async () => {
    // Act
    const { report } = await drill('dns-throttled');

    // Assess
    // The failover's own changes (its fence, started after it ended, changes the old region's records once more).
    const failoverEnd = report.legs[0]?.endedAt ?? '';
    const changes = report.actions.filter(
      (action) => action.operation === 'ChangeResourceRecordSets' && action.at <= failoverEnd,
    );
    expect(report.outcome).toBe('recovered');
    expect(changes.map((change) => change.error ?? 'accepted')).toEqual([
      'Throttling',
      'PriorRequestNotComplete',
      'accepted',
    ]);
    expect(changes.filter((change) => !change.error).map((change) => change.target)).toEqual(['Z0123456789ORDERSAPI']);
  });

  it("recovers within budget while the account's other tools take 6 of Route 53's 10 requests a second, naming what was throttled", async () => {
    // Act
    // One drill at a time: each installs the process's virtual clock.
    const { report } = await drill('route53-api-busy');
    const { report: normal } = await drill('region-outage');

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.withinBudgets).toBe(true);
    // Route 53 throttled some of the run's requests; the SDK's own retries and the state machine's took them again.
    const throttled = Object.entries(report.throttledCalls ?? {});
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every(([call, count]) => call.startsWith('Route 53 ') && count > 0)).toBe(true);
    expect(normal.throttledCalls).toBeUndefined();
    // The same DNS change lands; what the throttling cost the RTO is seconds, not minutes.
    const changes = (r: typeof report) =>
      r.actions.filter((a) => a.operation === 'ChangeResourceRecordSets' && !a.error).map((a) => a.target);
    expect(changes(report)).toEqual(changes(normal));
    expect((report.rto?.actualSeconds ?? 0) - (normal.rto?.actualSeconds ?? 0)).toBeLessThan(60);
  });

  it("recovers within budget while the account's other tools take 10 of the RDS API's 12 requests a second, naming what was throttled", async () => {
    // Act (one drill at a time: each installs the process's virtual clock)
    const { report } = await drill('rds-api-busy');
    const { report: normal } = await drill('region-outage');

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.withinBudgets).toBe(true);
    // RDS throttled reads and promotions; the reads' own retries (RDS_READ_PACING), the SDK's and the state
    // machine's took them again.
    const throttled = Object.keys(report.throttledCalls ?? {});
    expect(throttled).toEqual(expect.arrayContaining(['RDS DescribeGlobalClusters in us-west-2']));
    expect(throttled.every((call) => call.startsWith('RDS '))).toBe(true);
    expect(normal.throttledCalls).toBeUndefined();
    // The same promotions land; what the throttling cost the RTO is seconds, not minutes.
    const promotions = (r: typeof report) =>
      r.actions
        .filter((a) => MUTATING_RDS.includes(a.operation) && !a.error)
        .map((a) => a.target)
        .sort();
    expect(promotions(report)).toEqual(promotions(normal));
    expect((report.rto?.actualSeconds ?? 0) - (normal.rto?.actualSeconds ?? 0)).toBeLessThan(90);
  });

  it("switches the routing controls on the cluster's next endpoint when other applications' failovers take all the standby endpoint's writes", async () => {
    // Act: the ARC plan; the IAM check's drills of arc-cluster-busy and region-outage (one at a time: each installs
    // the process's virtual clock)
    const arcPlan = join(ROOT, 'plans', 'example-arc.yml');
    const { report, world } = await drills.shared(arcPlan, 'arc-cluster-busy');
    const { report: normal } = await drills.shared(arcPlan, 'region-outage');

    // Assess: the us-west-2 endpoint refused the switch (3 writes a second, all taken), eu-west-1 took it
    expect(report.outcome).toBe('recovered');
    expect(report.withinBudgets).toBe(true);
    expect(report.throttledCalls).toEqual({ 'ARC writes to the us-west-2 cluster endpoint': 1 });
    expect(normal.throttledCalls).toBeUndefined();
    const writes = world.liveCalls.filter((call) => call.operation === 'UpdateRoutingControlStates');
    expect(writes.map((call) => [call.fn, call.region])).toEqual([
      ['flip-dns', 'us-west-2'],
      ['flip-dns', 'eu-west-1'],
    ]);
    expect(report.actions).toContainEqual(
      expect.objectContaining({ operation: 'UpdateRoutingControlStates', region: 'eu-west-1' }),
    );
    expect(world.resolve('www.storefront.example.com')).toMatchObject({ failover: 'SECONDARY', region: 'us-west-2' });
    // The next endpoint answers at once: the throttle costs the RTO nothing measurable.
    expect(report.rto?.actualSeconds).toBe(normal.rto?.actualSeconds);
  });

  it('fences the returning old primary: records during the failover, the databases by the retry, then no DNS answer or write reaches it', async () => {
    // Act
    const { report, lockHolder, world } = await drill('old-primary-returns');

    // Assess: the failover's fence (region down), two retries while it is down, the retry that fences; then none
    expect(report.outcome).toBe('recovered');
    expect(report.legs.map((leg) => [leg.action, leg.incidentId, leg.outcome])).toEqual([
      ['failover', report.incidentId, 'recovered'],
      ['fence', `${report.incidentId}-fence`, 'deferred'],
      ['fence', 'orders-fence-retry-20260115T0430Z', 'deferred'],
      ['fence', 'orders-fence-retry-20260115T0435Z', 'deferred'],
      ['fence', 'orders-fence-retry-20260115T0440Z', 'recovered'],
    ]);
    expect(report.legs.map((leg) => leg.failure)).toEqual(report.legs.map(() => undefined));
    // The failover's fence fenced the records and says what waits; the retries found nothing new (no Slack post).
    expect(report.legs[1]?.deferral?.fenced).toHaveLength(2);
    expect(report.legs[1]?.deferral?.waiting).toContainEqual(
      expect.stringContaining('orders-db: us-east-1 did not answer'),
    );
    expect(report.legs.slice(1, 4).map((leg) => leg.deferral?.changed)).toEqual([true, false, false]);
    // Each attempt while the region was down took seconds (the modelled connect timeouts), not minutes.
    for (const leg of report.legs.slice(2, 4)) {
      expect(Date.parse(leg.endedAt ?? '') - Date.parse(leg.startedAt)).toBeLessThan(30_000);
    }
    expect(report.actions.filter((action) => action.operation === 'StopDBInstance')).toEqual([
      expect.objectContaining({ target: 'orders-db', region: 'us-east-1' }),
    ]);
    // The records were fenced once, by the failover's fence; the retries changed no record again.
    expect(report.actions.filter((action) => action.operation === 'ChangeResourceRecordSets')).toHaveLength(2);
    expect(report.actions.filter((action) => action.operation === 'UpdateHealthCheck')).toHaveLength(1);
    expect(report.topology.after.databases.map((db) => [db.id, db.oldPrimary?.state])).toEqual([
      ['orders-db', 'fenced'],
      ['catalog', 'rejoined'],
    ]);
    expect(report.fence).toMatchObject({
      oldRegion: 'us-east-1',
      verifiedAt: report.topology.after.databases[0]?.oldPrimary?.since,
      recordsWithoutFence: [],
      afterFence: { dnsAnswersToOldRegion: 0, writesToOldPrimary: 0 },
    });
    expect(report.fence?.records).toHaveLength(2);
    // checkout's fence inverted us-east-1's health check: it reads unhealthy now that the region answers again.
    expect(report.topology.after.dnsFences?.[1]).toMatchObject({
      healthCheck: { id: '3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d', inverted: false },
    });
    const east = world.healthChecks.of('us-east-1');
    expect([east.healthy, east.inverted, east.reportedHealthy]).toEqual([true, true, false]);
    // Probes every minute from the verification to the end, through the new primary's own outage at 30 minutes:
    // DNS never answers the old region: its records read unhealthy (the inverted check, which both of the old
    // region's records carry in this world), so with the new primary down too Route 53 fails open to the PRIMARY
    // records, the new primary's, and never to a SECONDARY of the old region.
    expect(report.fence?.afterFence.probes).toBeGreaterThanOrEqual(20);
    expect(report.fence?.afterFence.answers).toEqual([
      'api.orders.example.com CNAME -> us-west-2.api.orders.example.com',
      'checkout.orders.example.com CNAME -> us-west-2.checkout.orders.example.com',
    ]);
    expect(report.fence?.verdict).toContain('0 DNS answers and 0 writes reached us-east-1');
    // The drill's own reading agrees with the topology: neither old primary takes writes
    expect(report.writers?.oldPrimaries.map((reading) => [reading.copy, reading.fence, reading.writable])).toEqual([
      ['orders-db (us-east-1)', 'fenced', false],
      ['catalog-east (us-east-1)', 'rejoined', false],
    ]);
    expect(lockHolder).toBeNull();
  });

  it('reports a fence retry that found the fence still running as that runbook, already handled (Route 53 INSYNC in 130 s)', async () => {
    // Act: INSYNC at the slow end of what users report (sim/timing.ts), so the failover's fence still polls its
    // record changes when the fence retry's first slot comes
    const { report } = await drill('old-primary-returns', { timing: { route53: { changeInSyncSeconds: 130 } } });

    // Assess: the retry ended in "Already Handled" (the plan's lock was held) and recorded no run
    const overlapping = report.legs.filter((leg) => leg.outcome === 'already-handled');
    expect(overlapping).toEqual([
      expect.objectContaining({ action: 'fence', incidentId: expect.stringMatching(/^orders-fence-retry-/) }),
    ]);
    const first = report.legs.find((leg) => leg.incidentId === `${report.incidentId}-fence`);
    expect(Date.parse(overlapping[0]?.startedAt ?? '')).toBeLessThan(Date.parse(first?.endedAt ?? ''));
    // It ended with its execution, at once, long before the fence it found
    expect(Date.parse(overlapping[0]?.endedAt ?? '')).toBeLessThan(Date.parse(first?.endedAt ?? ''));
    expect(report.legs.map((leg) => leg.action)).not.toContain('unknown');
    expect(report.outcome).toBe('recovered');
  });

  it('without a record fence, DNS answers the old region again when the new primary fails (what the fence prevents)', async () => {
    // Prepare: the example plan with its record fences taken out
    const dir = await mkdtemp(join(tmpdir(), 'switchback-no-record-fence-'));
    const planFile = join(dir, 'example.yml');
    const text = await readFile(PLAN, 'utf8');
    await writeFile(
      planFile,
      text
        .replace(/^\s*fence: \{ method: maintenance-target.*$/gm, '')
        .replace(/^\s*fence:\n(\s+(method|primaryHealthCheckId|standbyHealthCheckId): .*\n)+/gm, ''),
    );

    // Act
    const { report } = await drill('old-primary-returns', { planFile });

    // Assess: the databases are fenced, but the old region's records answer again once the new primary fails
    expect(report.fence?.recordsWithoutFence).toEqual([
      'api.orders.example.com CNAME',
      'checkout.orders.example.com CNAME',
    ]);
    expect(report.fence?.afterFence.dnsAnswersToOldRegion).toBeGreaterThan(0);
    // The old primaries are stopped or rejoined (read-only), so no write reaches them.
    expect(report.fence?.afterFence.writesToOldPrimary).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('re-protects after the fence: one snapshot, one encrypted replica in the old region that catches up, Aurora rejoined', async () => {
    // Act
    const { report, world, lockHolder } = await drill('reprotect');

    // Assess
    // The failover's own fence attempt finds the region down (deferred: unreachable); the operator's fence fences.
    expect(report.legs.map((leg) => [leg.action, leg.outcome])).toEqual([
      ['failover', 'recovered'],
      ['fence', 'deferred'],
      ['fence', 'recovered'],
      ['reprotect', 'recovered'],
    ]);
    const made = report.actions.filter((action) =>
      ['CreateDBSnapshot', 'CreateDBInstanceReadReplica', 'CreateDBCluster', 'DeleteDBInstance'].includes(
        action.operation,
      ),
    );
    expect(made.map((action) => `${action.operation} ${action.region}`)).toEqual([
      'CreateDBSnapshot us-east-1',
      'CreateDBInstanceReadReplica us-east-1',
    ]);
    const standby = report.topology.after.databases[0]?.standby;
    expect(standby?.region).toBe('us-east-1');
    expect(standby?.identifier).toMatch(/^orders-db-replica-rp-[0-9a-f]{6}$/);
    expect(report.topology.after.databases[0]?.oldPrimary?.state).toBe('replaced');
    expect(report.topology.after.databases[1]?.standby).toEqual({ region: 'us-east-1', identifier: 'catalog-east' });
    // The new replica replicates from the new primary, encrypted with the plan's key of its region, and its lag
    // fell from the modelled catch-up value to the usual few seconds.
    const replica = world.rds.find('us-east-1', standby?.identifier ?? '');
    const writer = world.rds.find('us-west-2', 'orders-db-replica');
    expect(replica?.sourceArn).toBe(writer?.arn);
    expect(replica?.kmsKeyId).toMatch(/^arn:aws:kms:us-east-1:/);
    const availableMs = replica?.creation?.availableMs ?? 0;
    if (!replica) throw new Error('no replica');
    expect(world.rds.lagSecondsAt(replica, availableMs)).toBe(world.timing.rds.replicaInitialLagSeconds);
    expect(world.rds.lagSecondsAt(replica, world.clock.now())).toBeLessThanOrEqual(
      world.timing.rds.replicaLagMaxSeconds,
    );
    // The snapshot was available before the replica was asked for.
    const snapshot = world.rds.snapshots.find((snap) => snap.region === 'us-east-1');
    const replicaCall = report.actions.find((action) => action.operation === 'CreateDBInstanceReadReplica');
    expect(snapshot?.doneMs).toBeLessThanOrEqual(Date.parse(replicaCall?.at ?? ''));
    expect(lockHolder).toBeNull();
  });

  it('refuses to re-protect, changing nothing, when someone took the old Aurora primary out of the global cluster after the fence', async () => {
    // Prepare: at 25 minutes, after the operator's fence found it rejoined, catalog-east is removed from catalog-global
    // (RemoveFromGlobalCluster): a standalone cluster that takes writes, which the simulator keeps, as Aurora does.
    const onWorld: DrillOptions['onWorld'] = (world) => {
      world.clock.schedule(world.t0Ms + 1500_000, () => world.aurora.detach('catalog-global', 'catalog-east'));
    };

    // Act
    const { report, world } = await drills.own({
      planFile: PLAN,
      scenario: 'reprotect',
      seed: 1,
      slackPreview: false,
      onWorld,
    });

    // Assess
    expect(report.legs.map((leg) => [leg.action, leg.outcome])).toEqual([
      ['failover', 'recovered'],
      ['fence', 'deferred'],
      ['fence', 'recovered'],
      ['reprotect', 'blocked'],
    ]);
    // The blocked run's record, as the bus carried it (Run Blocked): its finding.
    const blocked = world.bus.events.find((record) => record.event['detail-type'] === 'Run Blocked');
    expect((blocked?.event.detail as RunRecord | undefined)?.findings).toEqual([
      expect.objectContaining({
        check: 'old-primary-fenced',
        resource: 'rds:us-east-1:catalog-east',
        found: 'catalog-east (us-east-1) is a standalone cluster, out of the global cluster: it takes writes',
      }),
    ]);
    expect(report.actions.filter((action) => action.at > (report.legs[3]?.startedAt ?? ''))).toEqual([]);
    // What the reprotect read: the cluster is there, with no global cluster, available.
    const [standalone] = world.aurora.describeClusters('us-east-1', 'catalog-east');
    expect(standalone).toMatchObject({ DBClusterIdentifier: 'catalog-east', Status: 'available' });
    expect(standalone?.GlobalClusterIdentifier).toBeUndefined();
  });

  it('fails back to the primary region with RPO 0: writes paused, lag 0, promoted, switched over, DNS back', async () => {
    // Act
    const { report, lockHolder, world } = await drill('failback');

    // Assess: DNS, the new writer and the write pause as the drill ended (the world's virtual time stays there)
    const samples = [
      {
        answeredRegion: world.resolve('api.orders.example.com')?.region,
        eastWritable: world.rds
          .find('us-east-1', reprotectedStandby('orders-db-replica'))
          ?.writableAt(world.clock.now()),
        paused: world.secrets.parameter('/orders/writes')?.value ?? 'none',
      },
    ];

    // Then, re-protecting the other way, the fence and the reprotect it started, named after its incident.
    expect(report.legs).toEqual([
      expect.objectContaining({
        action: 'failback',
        outcome: 'recovered',
        rpo: expect.objectContaining({ actualSeconds: 0 }),
        rto: expect.objectContaining({ withinBudget: true }),
      }),
      expect.objectContaining({ action: 'fence', incidentId: `${report.incidentId}-1-fence`, outcome: 'recovered' }),
      expect.objectContaining({
        action: 'reprotect',
        incidentId: `${report.incidentId}-2-reprotect`,
        outcome: 'recovered',
      }),
    ]);
    // The failback's RTO ends at its verification: the fence and the reprotect after it are not in it.
    const [failback, fence] = report.legs;
    expect(Date.parse(failback?.endedAt ?? '')).toBeLessThanOrEqual(Date.parse(fence?.startedAt ?? ''));
    expect(report.rto?.actualSeconds).toBe(failback?.rto?.actualSeconds);
    expect(report.topology.before.activeRegion).toBe('us-west-2');
    expect(report.topology.after.activeRegion).toBe('us-east-1');
    // Protected again in the other direction: a standby replicating in us-west-2 for every database.
    expect(report.topology.after.databases.map((db) => [db.id, db.writer.region, db.standby?.region])).toEqual([
      ['orders-db', 'us-east-1', 'us-west-2'],
      ['catalog', 'us-east-1', 'us-west-2'],
    ]);
    const replica = report.topology.after.databases[0]?.standby;
    expect(world.rds.find('us-west-2', replica?.identifier ?? '')?.sourceAt(world.clock.now())).toBe(
      `arn:aws:rds:us-east-1:123456789012:db:${reprotectedStandby('orders-db-replica')}`,
    );
    // No fence is left on the records of us-east-1, which serves again.
    expect(report.topology.after.dnsFences?.map((each) => each.region)).toEqual(['us-west-2', 'us-west-2']);
    // The failback's calls, then the fence's (the old writer stopped, the us-west-2 records kept out of DNS: api
    // pointed at its maintenance target, checkout's health check inverted) and the reprotect's (the old writer
    // snapshotted, a new replica made).
    expect(report.actions.map((action) => action.operation)).toEqual([
      'PutParameter',
      'PromoteReadReplica',
      'SwitchoverGlobalCluster',
      'ChangeResourceRecordSets',
      'PutParameter',
      'StopDBInstance',
      'ChangeResourceRecordSets',
      'UpdateHealthCheck',
      'CreateDBSnapshot',
      'CreateDBInstanceReadReplica',
    ]);
    // The promotion came after the write pause, once the standby's ReplicaLag read 0 (a minute later at least).
    const [pause, promote] = report.actions;
    expect(Date.parse(promote?.at ?? '') - Date.parse(pause?.at ?? '')).toBeGreaterThanOrEqual(60_000);
    expect(samples).toEqual([{ answeredRegion: 'us-east-1', eastWritable: true, paused: 'open' }]);
    expect(lockHolder).toBeNull();
  });

  it("keeps each leg's warnings in the report and shows them; the plan's readiness runs on its schedule all along", async () => {
    // Act: the game days of the plans that switch DNS with ARC routing controls and with a switch alarm (the IAM check's
    // drills), each two hours of virtual time.
    const arc = (await drills.shared(join(ROOT, 'plans', 'example-arc.yml'), 'game-day')).report;
    const alarmDrill = await drills.shared(join(ROOT, 'plans', 'example-alarm-dns.yml'), 'game-day');
    const alarm = alarmDrill.report;
    // Two game days three hours apart: some twenty runs of the schedule after the first began.
    const twice = (await drills.shared(join(ROOT, 'plans', 'example-arc.yml'), 'game-day-twice')).report;

    // The alarm plan with its record fence taken out: each fence leg recorded that warning, and the report says whose.
    const dir = await mkdtemp(join(tmpdir(), 'switchback-alarm-no-fence-'));
    const unfencedPlan = join(dir, 'example-alarm-dns.yml');
    const text = await readFile(join(ROOT, 'plans', 'example-alarm-dns.yml'), 'utf8');
    await writeFile(unfencedPlan, text.replace(/^\s*fence: \{ method: maintenance-target.*$/gm, ''));
    const unfenced = (await drill('game-day', { planFile: unfencedPlan })).report;
    await rm(dir, { recursive: true, force: true });

    // Assess
    const fences = unfenced.legs.filter((leg) => leg.action === 'fence');
    expect(fences).toHaveLength(2);
    for (const leg of fences) {
      expect(leg.warnings).toContainEqual(
        'no fence in the plan for api.ledger.example.com CNAME: when the switch alarm leaves the state the switch set ' +
          'it to (its metric published again, the alarm edited), Route 53 answers the old region again (add ' +
          'dns[].records[].fence)',
      );
    }
    const summary = summaryTable(unfenced);
    expect(summary).toContain('Warning (leg 2, fence) no fence in the plan for api.ledger.example.com CNAME');
    expect(summary).toContain('Warning (leg 5, fence) no fence in the plan for api.ledger.example.com CNAME');
    expect(renderReportHtml(unfenced)).toContain(
      '(leg 2, fence) no fence in the plan for api.ledger.example.com CNAME',
    );
    // With its fence, the shipped plan's first fence points the old region's record at maintenance, and its failback
    // gives it its values back (a Route 53 edit: the alarm switch edits no record), before it switches DNS home; the
    // fence after the failback leaves the standby region's record as it is, what the next failover switches to
    // without Route 53's API.
    expect(alarm.legs.flatMap((leg) => leg.warnings ?? []).filter((w) => w.includes('no fence'))).toEqual([]);
    const edits = alarm.actions.filter((action) => action.operation === 'ChangeResourceRecordSets');
    // Two record edits in the whole game day: the first fence's, and the failback's giving the values back.
    expect(edits.map((action) => action.target)).toEqual(['Z0123456789LEDGERAPI', 'Z0123456789LEDGERAPI']);
    expect(alarmDrill.world.resolve('api.ledger.example.com')).toMatchObject({
      failover: 'PRIMARY',
      region: 'us-east-1',
    });
    expect(JSON.stringify(alarmDrill.world.resolve('api.ledger.example.com'))).not.toContain('maintenance');
    // The failback, over an hour after the first readiness, compared what DNS answers with the records of a readiness
    // its schedule (every 15 minutes) ran since: not "more than two of its runs ago".
    for (const report of [arc, alarm, twice]) {
      const failbacks = report.legs.filter((leg) => leg.action === 'failback');
      expect(failbacks.length).toBeGreaterThan(0);
      for (const failback of failbacks) {
        expect(failback.outcome).toBe('recovered');
        expect(failback.warnings ?? []).toEqual([]);
      }
      expect(JSON.stringify(report)).not.toContain('could not compare');
      // The readiness shown is the last before the game day began, not one of its own.
      expect(report.readiness).toBeDefined();
      expect(Date.parse(report.readiness?.at ?? '')).toBeLessThan(Date.parse(report.legs[0]?.startedAt ?? ''));
    }
  });

  it('runs the game-day runbook as one drill: planned failover, fence, reprotect, failback, fence, reprotect, back home and protected with RPO 0', async () => {
    // Act
    const { report, lockHolder, world } = await drill('game-day');

    // Assess
    // Its phases are its failover leg's, the run its RTO is (the game day itself records only its decide).
    expect(report.phasesOf).toEqual({ action: 'failover', incidentId: report.legs[0]?.incidentId });
    expect(report.phases.map((phase) => phase.name)).toEqual(['detect', 'decide', 'promote', 'dns', 'verify']);
    expect(report.legs[0]?.rto).toEqual(report.rto);
    // The fence pointed the old region's records at the maintenance target; the failback gave them their own values
    // back as they became PRIMARY again (DNS answers the primary region, not the maintenance page) and cleared their
    // fences from the topology. The game day's second fence (after the failback) kept the now-standby us-west-2
    // records out of DNS the same way.
    expect(report.topology.after.dnsFences?.map((fence) => fence.region)).toEqual(['us-west-2', 'us-west-2']);
    for (const name of ['api.orders.example.com', 'checkout.orders.example.com']) {
      expect(world.resolve(name)).toMatchObject({ failover: 'PRIMARY', region: 'us-east-1' });
    }
    // checkout's fence inverts the old region record's health check: us-east-1's after the failover, put back by the
    // failback before its record became PRIMARY again, then us-west-2's after the failback.
    expect(
      report.actions.filter((action) => action.operation === 'UpdateHealthCheck').map((action) => action.target),
    ).toEqual([
      'healthcheck/3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d Inverted=true',
      'healthcheck/3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d Inverted=false',
      'healthcheck/8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d Inverted=true',
    ]);
    expect([world.healthChecks.of('us-east-1').inverted, world.healthChecks.of('us-west-2').inverted]).toEqual([
      false,
      true,
    ]);
    expect(report.legs.map((leg) => [leg.action, leg.outcome])).toEqual([
      ['failover', 'recovered'],
      ['fence', 'recovered'],
      ['reprotect', 'recovered'],
      ['failback', 'recovered'],
      ['fence', 'recovered'],
      ['reprotect', 'recovered'],
    ]);
    // Every leg names its action, outcome, RTO and RPO (null for the runbooks that recover nothing: fence, reprotect).
    for (const leg of report.legs) {
      expect(Object.keys(leg)).toEqual(expect.arrayContaining(['action', 'outcome', 'rto', 'rpo']));
    }
    expect(report.legs[3]?.rpo?.actualSeconds).toBe(0);
    // Each leg starts after the previous one ended (the verification window after the failover: 10 minutes).
    const [failover, fence] = report.legs;
    expect(Date.parse(fence?.startedAt ?? '') - Date.parse(failover?.endedAt ?? '')).toBeGreaterThanOrEqual(600_000);
    expect(report.legs.map((leg) => leg.topologyAfter?.activeRegion)).toEqual([
      'us-west-2',
      'us-west-2',
      'us-west-2',
      'us-east-1',
      'us-east-1',
      'us-east-1',
    ]);
    expect(report.topology.after.activeRegion).toBe('us-east-1');
    // Protected again in the other direction: every database has a standby replicating in us-west-2.
    expect(report.topology.after.databases.map((db) => [db.id, db.writer.region, db.standby?.region])).toEqual([
      ['orders-db', 'us-east-1', 'us-west-2'],
      ['catalog', 'us-east-1', 'us-west-2'],
    ]);
    // The planned failover switched Aurora over (no data loss), never failed it over.
    expect(report.actions.map((action) => action.operation)).not.toContain('FailoverGlobalCluster');
    const html = renderReportHtml(report);
    // The lifecycle is one picture: a band per runbook on the virtual clock, the topology before and after each.
    const lifecycle = /<h2>Lifecycle<\/h2>(<svg[\s\S]*?<\/svg>)/.exec(html)?.[1] ?? '';
    expect(lifecycle.match(/<rect /g)).toHaveLength(6);
    expect(lifecycle.match(/>after: </g)).toHaveLength(6);
    expect(lifecycle).toContain('>Before</text>');
    expect(html).not.toContain('<th>Topology before</th>');
    // One incident: the report is the game day's, its legs the runbooks it started.
    expect(report.incidentId).toBe('orders-game-day-1');
    expect(report.legs.map((leg) => leg.incidentId)).toEqual([
      'orders-game-day-1-1-failover',
      'orders-game-day-1-2-fence',
      'orders-game-day-1-3-reprotect',
      'orders-game-day-1-4-failback',
      'orders-game-day-1-5-fence',
      'orders-game-day-1-6-reprotect',
    ]);
    expect(lockHolder).toBeNull();
    // Six runbooks on the simulator: 11-30 s of real time on a loaded machine.
  }, 120_000);

  it('runs a second game day on the copies the first left: both recovered, RPO 0 on both failbacks, back home and protected', async () => {
    // Act
    const { report, lockHolder, world } = await drill('game-day-twice');

    // Assess
    const legs = report.legs.map((leg) => [leg.incidentId, leg.outcome]);
    const expected = ['failover', 'fence', 'reprotect', 'failback', 'fence', 'reprotect'];
    expect(legs).toEqual(
      [1, 2].flatMap((day) =>
        expected.map((action, index) => [`orders-game-day-${day}-${index + 1}-${action}`, 'recovered']),
      ),
    );
    const failbacks = report.legs.filter((leg) => leg.action === 'failback');
    expect(failbacks.map((leg) => leg.rpo?.actualSeconds)).toEqual([0, 0]);
    // The second failover promoted the standby the first game day's last reprotect made, not the plan file's
    // replica (fenced by then): the topology named it.
    const promoted = report.actions
      .filter((action) => action.operation === 'PromoteReadReplica')
      .map((action) => action.target);
    expect(promoted).toHaveLength(4);
    expect(promoted[0]).toBe('orders-db-replica');
    // Every copy is named from the plan's replica: the name does not grow from one game day to the next.
    expect(promoted[2]).toMatch(/^orders-db-replica-rp-[0-9a-f]{6}$/);
    const firstAfter = report.legs[5]?.topologyAfter?.databases.find((db) => db.id === 'orders-db');
    expect(promoted[2]).toBe(firstAfter?.standby?.identifier);
    // Home and protected again: us-east-1 serves, every database has a standby in us-west-2, DNS answers us-east-1.
    expect(report.topology.after.activeRegion).toBe('us-east-1');
    expect(report.topology.after.databases.map((db) => [db.id, db.writer.region, db.standby?.region])).toEqual([
      ['orders-db', 'us-east-1', 'us-west-2'],
      ['catalog', 'us-east-1', 'us-west-2'],
    ]);
    expect(report.topology.after.databases[0]?.writer.identifier).toBe(promoted[3]);
    for (const name of ['api.orders.example.com', 'checkout.orders.example.com']) {
      expect(world.resolve(name)).toMatchObject({ failover: 'PRIMARY', region: 'us-east-1' });
    }
    expect(lockHolder).toBeNull();
  }, 240_000);

  it('records a game day that stops at a leg as failed, with its redrive: serverless.yml routes its end to on-run-failed', async () => {
    // Act: the game day whose failback leg stops (its replica never reaches zero lag)
    const { report, world, lockHolder } = await stoppedGameDayWithOrphans();

    // Assess
    expect(report.legs.map((leg) => [leg.action, leg.outcome])).toEqual([
      ['failover', 'recovered'],
      ['fence', 'recovered'],
      ['reprotect', 'recovered'],
      ['failback', 'blocked'],
    ]);
    // on-run-failed heard the game day's execution fail (the status-change rule routes it): it recorded the game day
    // failed at that leg and said how to redrive it. Before the game day was on the rule nobody heard it end: its
    // record stayed open, and no Recovery Failed was sent for it.
    const failed = world.bus.events
      .map((record) => record.event)
      .filter((event) => event['detail-type'] === 'Recovery Failed')
      .map((event) => event.detail as RecoveryFailedDetail)
      .filter((detail) => detail.run.action === 'game-day');
    expect(failed).toHaveLength(1);
    const [detail] = failed;
    expect(detail?.run.incidentId).toBe('orders-game-day-1');
    expect(detail?.outcome).toBe('failed');
    expect(detail?.failure?.error).toBe('GameDayLegStoppedError');
    expect(detail?.failure?.cause).toContain('orders-game-day-1-4-failback stopped: its run ended blocked');
    expect(detail?.redrive?.command).toMatch(
      /^aws stepfunctions redrive-execution --execution-arn arn:aws:states:[a-z0-9-]+:\d+:execution:switchback-drill-game-day:orders-game-day-1$/,
    );
    // The report is the game day's record as on-run-failed left it.
    expect(report.outcome).toBe('failed');
    expect(report.failure).toMatchObject({ error: 'GameDayLegStoppedError' });
    expect(lockHolder).toBeNull();
  }, 120_000);

  it('stops a failback with nothing promoted when the replica lag never reaches 0', async () => {
    // Act
    const { report } = await drill('failback-lagging');

    // Assess
    expect(report.outcome).toBe('blocked');
    expect(report.actions.map((action) => action.target)).toEqual(['/orders/writes=paused', '/orders/writes=open']);
    expect(report.topology.after.activeRegion).toBe('us-west-2');
  });

  it('tests a restore of every database and says which restored, how fast against the RTO budget, and why one failed', async () => {
    // Act: restore-fails is the IAM check's drill; restore-test runs once here (the IAM check runs it twice)
    const tested = (await drill('restore-test')).report;
    const failed = (await drill('restore-fails')).report;

    // Assess: the example plan's restores take 16m03s and 20m04s against a 15-minute RTO budget
    const evidence = (report: DrillReport) =>
      (report.restoreTests ?? []).map((test) => [test.databaseId, test.passed, test.withinRto, !!test.cleanedUpAt]);
    expect(tested.outcome).toBe('tested');
    expect(evidence(tested)).toEqual([
      ['catalog', true, false, true],
      ['orders-db', true, false, true],
    ]);
    expect(tested.verdict).toBe('restored, over the RTO budget: catalog 20m04s of 15m00s, orders-db 16m03s of 15m00s');
    expect(tested.withinBudgets).toBe(false);
    expect(drillExitCode(tested)).toBe(3);
    expect(tested.events.map((event) => event.summary)).toEqual([
      'orders-db available in 16m03s, over the RTO budget',
      'catalog available in 20m04s, over the RTO budget',
    ]);
    expect(evidence(failed)).toEqual([
      ['catalog', false, undefined, true],
      ['orders-db', false, undefined, true],
    ]);
    expect(failed.verdict).toBe('restore test failed: catalog, orders-db (2 of 2 did not restore)');
    expect(failed.withinBudgets).toBeNull();
    expect(drillExitCode(failed)).toBe(4);
    expect(failed.restoreTests?.[0]?.failure?.cause).toMatch(/ended in status incompatible-option-group/);
    expect(failed.events.map((event) => event.summary)).toEqual([
      'orders-db: RestoreFailedError',
      'catalog: RestoreFailedError',
    ]);
  });

  it('restores only the database the run names (switchback restore-test --database)', async () => {
    // Act
    const { report } = await drill('restore-test', { restoreDatabase: 'catalog' });

    // Assess: an earlier test's leftovers swept (the scenario's), then catalog alone, an Aurora global database whose
    // throwaway is a cluster and an instance
    expect(report.restoreTests?.map((test) => test.databaseId)).toEqual(['catalog']);
    expect(report.actions.map((action) => `${action.operation} ${action.target.replace(/-[0-9a-f]{10}/, '')}`)).toEqual(
      [
        'DeleteDBInstance sbrt-leftover',
        'DeleteDBCluster sbrt-leftover-cluster',
        'RestoreDBClusterToPointInTime sbrt-catalog',
        'CreateDBInstance sbrt-catalog-1',
        'DeleteDBInstance sbrt-catalog-1',
        'DeleteDBCluster sbrt-catalog',
      ],
    );
  });

  // Prepare: look at DNS while the old primary is healthy again (it is up from T+5:00 to T+9:00), after the flip, in
  // the drill the IAM check runs too (a look changes nothing).
  const flappingSamples: { primaryHealthy: boolean; answeredRegion: string | undefined }[] = [];
  drills.observe(PLAN, 'flapping-health', {}, (world) => {
    world.clock.schedule(world.t0Ms + 500_000, () =>
      flappingSamples.push({
        primaryHealthy: world.healthChecks.of(world.plan.regions.primary).healthy,
        answeredRegion: world.resolve('api.orders.example.com')?.region,
      }),
    );
  });

  it('fails over exactly once and never fails back when the primary health flaps', async () => {
    // Prepare: flappingSamples above

    // Act
    const { report, runner, world } = await drill('flapping-health');

    // Assess
    const alarms = world.alarms.transitions().map((transition) => transition.to);
    expect(alarms.filter((state) => state === 'ALARM').length).toBeGreaterThanOrEqual(2);
    expect(world.bus.deliveries.filter((d) => d.subscriber === 'on-health-alarm').length).toBeGreaterThanOrEqual(3);
    expect(runner.list()).toHaveLength(1);
    expect(report.outcome).toBe('recovered');
    expect(report.actions.filter((action) => action.operation === 'PromoteReadReplica')).toHaveLength(1);
    expect(flappingSamples).toEqual([{ primaryHealthy: true, answeredRegion: 'us-west-2' }]);
  });

  it('gives the same report apart from wall-clock fields when replayed with the same seed', async () => {
    // Act: the seed-2 drill the incident id test below reads (whichever asks first runs it), then one of its own
    const first = await sharedDrill(PLAN, 'region-outage', 2);
    const second = await runDrill({ planFile: PLAN, scenario: 'region-outage', seed: 2, slackPreview: false });

    // Assess
    expect(JSON.stringify(withoutWall(second.report))).toBe(JSON.stringify(withoutWall(first.report)));
  });

  it('replays a run whose requests Route 53 throttled, with the same retries and pauses', async () => {
    // Act: the shared drill of the scenario (the throttling test above), then one of its own
    const first = await drill('route53-api-busy');
    const second = await runDrill({ planFile: PLAN, scenario: 'route53-api-busy', seed: 1, slackPreview: false });

    // Assess: the SDK's and the paced reads' pauses are drawn from the drill's seeded Math.random
    expect(first.report.throttledCalls).toBeDefined();
    expect(JSON.stringify(withoutWall(second.report))).toBe(JSON.stringify(withoutWall(first.report)));
    expect(second.world.calls).toEqual(first.world.calls);
  });
});

{
  /**
   * The drill of a whole us-east-1 outage: the region of both example plans' primary, of Route 53's API and of the
   * HealthCheckStatus alarms. What the product does there, told honestly by the simulator.
   */

  const PLANS = join(__dirname, '..', '..', 'plans');
  const RECORDS_PLAN = join(PLANS, 'example.yml');
  const ARC_PLAN = join(PLANS, 'example-arc.yml');
  const PROMOTIONS = ['PromoteReadReplica', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster'];

  /**
   * Plain drills (no options) that several tests only read: the IAM check's drill of the plan's us-east-1-outage, run
   * once whichever asks first; with options, a drill of its own.
   */
  const drill = (planFile: string, options: Partial<DrillOptions> = {}): Promise<DrillResult> =>
    Object.keys(options).length > 0
      ? runDrill({ planFile, scenario: 'us-east-1-outage', seed: 1, slackPreview: false, ...options })
      : drills.shared(planFile, 'us-east-1-outage');

  describe('runDrill --scenario us-east-1-outage', () => {
    describe('with a route53-records plan (plans/example.yml)', () => {
      it('stops before any database change, says why, and leaves the run redrivable', async () => {
        // Act
        const { report, runner, lockHolder, world } = await drill(RECORDS_PLAN);

        // Assess: no prober in this plan, so the operator starts it by hand
        expect(world.alarms.transitions()).toEqual([]);
        expect(world.prober).toBeUndefined();
        expect(report.detection).toEqual({ by: 'operator', signals: [] });
        expect(report.outcome).toBe('failed');
        expect(report.failure).toMatchObject({ phase: 'dns', error: 'DnsSwitchUnavailableError' });
        expect(report.failure?.cause).toContain("Route 53's API (its control plane, served from us-east-1 only)");
        expect(report.failure?.cause).toContain('No database was changed');
        expect(report.actions.filter((action) => PROMOTIONS.includes(action.operation))).toEqual([]);
        expect(world.rds.instances.filter((instance) => instance.promotion)).toEqual([]);
        const checks = report.timeline.filter((t) => t.state === 'Check DNS Switch' && t.event === 'failed');
        expect(checks).toHaveLength(4);
        expect(runner.list()[0]?.status).toBe('FAILED');
        expect(lockHolder).toBeNull();
      });
    });

    describe('with an arc-routing-control plan (plans/example-arc.yml)', () => {
      it('recovers within the RTO budget with no call to us-east-1, and DNS answers the standby', async () => {
        // Act
        const { report, world } = await drill(ARC_PLAN);

        // Assess
        expect(report.outcome).toBe('recovered');
        expect(report.rto).toMatchObject({ withinBudget: true });
        expect(world.liveCalls.filter((call) => call.region === 'us-east-1')).toEqual([]);
        expect(report.callsByRegion).toEqual({ 'us-west-2': expect.any(Number) });
        // The only us-east-1 calls are the scheduled readiness's, before the outage (Route 53's and IAM's APIs), and
        // the fence's, which the failover starts once it recovered (its reads of the old primaries, which time out):
        // after recovery, and not on the live path.
        const recoveredAt = Date.parse(report.legs[0]?.endedAt ?? '');
        const east = world.calls.slice(world.preflightCalls).filter((call) => call.region === 'us-east-1');
        const readiness = east.filter((call) => call.fn === 'readiness');
        expect(readiness.length).toBeGreaterThan(0);
        expect(readiness.filter((call) => world.regions.isDown('us-east-1', call.atMs))).toEqual([]);
        const fence = east.filter((call) => call.fn !== 'readiness');
        expect(fence.length).toBeGreaterThan(0);
        expect(fence.filter((call) => !call.fn?.includes('fence') || call.atMs <= recoveredAt)).toEqual([]);
        expect(report.actions.map((action) => [action.operation, action.region])).toEqual(
          expect.arrayContaining([['UpdateRoutingControlStates', 'us-west-2']]),
        );
        expect(report.actions.map((action) => action.operation)).not.toContain('ChangeResourceRecordSets');
        expect(world.resolve('www.storefront.example.com')).toMatchObject({
          failover: 'SECONDARY',
          region: 'us-west-2',
        });
      });

      it("compares what DNS answers with the records the plan's readiness read before the outage, calling no Route 53 API after it", async () => {
        // Act: the plan's scheduled readiness ran a second in, while us-east-1 still answered (the scenario's); and a
        // region-outage drill of a deployment whose readiness never ran (none on record).
        const { report, world } = await drill(ARC_PLAN);
        const withReadiness = (await drills.shared(ARC_PLAN, 'region-outage')).report;
        const without = (
          await runDrill({
            planFile: ARC_PLAN,
            scenario: 'region-outage',
            seed: 1,
            slackPreview: false,
            scheduledReadiness: false,
          })
        ).report;

        // Assess: Verify Recovery compared the answer with the standby record as readiness read it (DNS's data plane
        // answers from every region); the live path called neither us-east-1 nor Route 53's API.
        expect(report.outcome).toBe('recovered');
        expect(report.checks).toContainEqual({
          name: 'dns answer www.storefront.example.com CNAME',
          ok: true,
          detail: expect.stringMatching(
            /^DNS answers us-west-2's record "www-us-west-2" .* \(the records as the plan's readiness read them at 20\d\d-.*\)$/,
          ),
        });
        expect(JSON.stringify(report)).not.toContain('could not compare what DNS answers');
        expect(world.liveCalls.filter((call) => call.region === 'us-east-1')).toEqual([]);
        expect(world.liveCalls.filter((call) => call.client === 'Route53Client')).toEqual([]);
        // A drill runs the scheduled readiness of such a plan a second in whatever the scenario, as a deployment has
        // one on record when an outage comes: its region-outage compares the answer too. That readiness finds nothing
        // though this file ran the example plan's drills first: each drill's functions start cold, with that drill's
        // wiring (warm ones kept the first drill's, and found plan orders's schedules missing).
        expect(withReadiness.readiness?.findings.filter((finding) => !finding.warning)).toEqual([]);
        expect(withReadiness.readiness).toMatchObject({ ready: true });
        expect(withReadiness.checks).toContainEqual(
          expect.objectContaining({ name: 'dns answer www.storefront.example.com CNAME', ok: true }),
        );
        expect(withReadiness.checks?.filter((check) => !check.ok)).toEqual([]);
        expect(withReadiness.warnings.join('\n')).not.toContain('could not compare');
        // Without a readiness on record, nothing to compare with: a warning that says so, never a pass.
        expect(without.readiness).toBeUndefined();
        expect(without.outcome).toBe('recovered');
        expect(without.checks).toContainEqual(expect.objectContaining({ name: 'dns answers', ok: false }));
        expect(without.warnings).toContainEqual(
          expect.stringContaining(
            "could not compare what DNS answers for plan storefront's records: an arc-routing-control plan's verify calls no Route 53 API (us-east-1) and no readiness of plan storefront is on record",
          ),
        );
      });

      it("goes by the records readiness read before the outage when a scheduled run during it could not reach Route 53's API", async () => {
        // Act: the plan's schedule runs readiness again 200 s in, after us-east-1 went down (60 s) and before the
        // operator starts the failover (360 s): that run takes no answer from Route 53's API.
        const { report } = await drill(ARC_PLAN, {
          onWorld: (world, runner) => {
            world.clock.schedule(world.t0Ms + 200_000, () => {
              void runner.invoke('readiness', { plan: 'storefront' }, { viaStateMachine: false });
            });
          },
        });

        // Assess: that run is the last readiness; it kept the records as the run before the outage read them, so
        // Assess goes by them (and says so, never "every record pair in place" of records it did not read) and Verify
        // compares what DNS answers with them.
        const before = report.readiness?.at;
        expect(before).toBeDefined();
        expect(report.outcome).toBe('recovered');
        expect(report.warnings).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `the plan's readiness at \\S+ found every record pair in place; it kept route53:Z0123456789STOREFRONT/www\\.storefront\\.example\\.com/CNAME as read at ${before} \\(Route 53's API did not answer it\\)$`,
            ),
          ),
        );
        expect(report.checks).toContainEqual({
          name: 'dns answer www.storefront.example.com CNAME',
          ok: true,
          detail: expect.stringContaining(`(the records as the plan's readiness read them at ${before})`),
        });
        expect(JSON.stringify(report)).not.toContain('could not compare');
      });

      it('goes on when a scheduled readiness fails, as the next one comes on schedule, and the report says which failed and how often', async () => {
        // Act: every run of the readiness function fails (a deployment whose readiness code throws).
        const { report } = await drill(ARC_PLAN, {
          loadHandler: async (name) =>
            name === 'readiness'
              ? async () => {
                  throw new Error('the readiness code throws');
                }
              : loadFunctionHandler(name),
        });

        // Assess: the failover went on without a readiness on record (its warnings say so), and the report names
        // the failed scheduled runs once.
        expect(report.outcome).toBe('recovered');
        expect(report.readiness).toBeUndefined();
        expect(report.warnings).toContainEqual(
          expect.stringMatching(
            /^scheduled readiness failed: Error: the readiness code throws \((\d+ times, first )?at \S+\)$/,
          ),
        );
        expect(report.warnings).toContainEqual(
          expect.stringContaining('no readiness of plan storefront is on record: record checks skipped'),
        );
      });

      it('recovers with a warning, never a pass, when its functions get no DNS answer: what users reach was not compared', async () => {
        // Act: from the start, DNS questions from Switchback's functions time out (the drill's own look still answers).
        const { report, world } = await drill(ARC_PLAN, {
          onWorld: (world) => {
            world.dnsUnansweredFromMs = world.t0Ms;
          },
        });

        // Assess: recovered, the answer not compared (the live adapter's error, after its timeout), and a warning that
        // asks for a look with dig; the drill's own DNS check reads that DNS does answer the standby.
        expect(report.outcome).toBe('recovered');
        expect(report.checks).toContainEqual({
          name: 'dns answer www.storefront.example.com CNAME',
          ok: false,
          detail:
            "not compared: asking www.storefront.example.com CNAME's name servers failed (DnsQueryError: www.storefront.example.com NS: the resolver did not answer (ETIMEOUT))",
        });
        expect(report.warnings).toContainEqual(
          expect.stringMatching(
            /^could not compare what DNS answers for www\.storefront\.example\.com CNAME: .*; check with dig$/,
          ),
        );
        expect(report.dns?.disagreements).toEqual([]);
        expect(world.resolve('www.storefront.example.com')).toMatchObject({ region: 'us-west-2' });
      });

      it("verifies the record fence while us-east-1 is down: the old region's routing control reads Off on ARC's data plane", async () => {
        // Act
        const { report, world } = await drill(ARC_PLAN);

        // Assess: the fence the failover started defers the databases (us-east-1 does not answer) but verifies the
        // record at once, through the us-west-2 endpoint, with no Route 53 call and no call to us-east-1
        expect(report.legs.map((leg) => [leg.action, leg.outcome])).toEqual([
          ['failover', 'recovered'],
          ['fence', 'deferred'],
        ]);
        expect(report.legs[1]?.deferral?.fenced).toEqual([
          expect.stringContaining('routingcontrol/east0a1b2c3d already reads Off (endpoint in us-west-2)'),
        ]);
        const fences = report.topology.after.dnsFences ?? [];
        expect(fences).toEqual([
          expect.objectContaining({
            record: 'Z0123456789STOREFRONT|www.storefront.example.com|CNAME|www-us-east-1',
            region: 'us-east-1',
            state: 'fenced',
          }),
        ]);
        const verifiedAt = Date.parse(fences[0]?.since ?? '');
        expect(world.regions.isDown('us-east-1', verifiedAt)).toBe(true);
        const fenceRecordCalls = world.calls.filter((call) => call.fn?.includes('fence-record'));
        expect(fenceRecordCalls.length).toBeGreaterThan(0);
        expect(new Set(fenceRecordCalls.map((call) => `${call.client} ${call.operation} ${call.region}`))).toEqual(
          new Set(['Route53RecoveryClusterClient GetRoutingControlState us-west-2']),
        );
      });

      it('is detected by the standby prober, with no manual start and no Route 53 alarm', async () => {
        // Act
        const { report, world, runner } = await drill(ARC_PLAN);

        // Assess: the Route 53 alarm (us-east-1) never fired; the prober's alarm (us-west-2) did, and started the run
        expect(world.alarms.transitions()).toEqual([]);
        expect(world.prober?.transitions.map((t) => t.to)).toEqual(['ALARM']);
        expect(report.detection).toEqual({
          by: 'prober',
          signals: [
            { alarmName: 'switchback-prober-storefront', kind: 'prober', region: 'us-west-2', at: expect.any(String) },
          ],
        });
        expect(runner.list()).toHaveLength(1);
        expect(report.events.map((event) => event.summary).join('\n')).not.toContain('operator');
        // Before the outage every probe put 1; after it, 0 (each probe waited its 3 s timeout), all in us-west-2.
        const outageAt = world.regions.firstOutage('us-east-1')?.fromMs ?? 0;
        const points = world.prober?.datapoints ?? [];
        expect(points.filter((p) => p.atMs < outageAt).every((p) => p.value === 1)).toBe(true);
        expect(points.filter((p) => p.atMs >= outageAt).every((p) => p.value === 0)).toBe(true);
        expect(points.filter((p) => p.atMs >= outageAt).length).toBeGreaterThanOrEqual(3);
        expect(new Set(points.map((p) => p.region))).toEqual(new Set(['us-west-2']));
        // Detection within the prober's own bound (interval x failures + one interval) after the outage.
        const alarmAt = world.prober?.transitions[0]?.atMs ?? Number.POSITIVE_INFINITY;
        expect((alarmAt - outageAt) / 1000).toBeLessThanOrEqual(240);
        expect(report.rto).toMatchObject({ withinBudget: true });
      });

      it('starts no probe and raises no prober alarm while the standby region itself is down', async () => {
        // Prepare: the standby region (its scheduler, Lambda and CloudWatch) down a minute in, after the drill's preflight
        let downFromMs = 0;
        const onWorld: DrillOptions['onWorld'] = (world) => {
          downFromMs = world.t0Ms + 60_000;
          world.regions.addOutage({ region: 'us-west-2', fromMs: downFromMs });
        };

        // Act
        const { world, report } = await drill(ARC_PLAN, { onWorld });

        // Assess
        const during = world.prober?.invocations.filter((invocation) => invocation.atMs >= downFromMs) ?? [];
        expect(during.length).toBeGreaterThan(0);
        expect(during.every((invocation) => !invocation.ran)).toBe(true);
        expect(world.prober?.datapoints.filter((point) => point.atMs >= downFromMs)).toEqual([]);
        expect(world.prober?.transitions).toEqual([]);
        expect(report.detection?.by).not.toBe('prober');
      });

      it('switches on the next cluster endpoint when the standby region endpoint does not answer', async () => {
        // Prepare: us-west-2's cluster endpoint down as well (a second region's data plane gone).
        const onWorld: DrillOptions['onWorld'] = (world) => {
          const down = world.isServiceDown.bind(world);
          world.isServiceDown = (service, region) =>
            (service === 'arc' && region === 'us-west-2') || down(service, region);
        };

        // Act
        const { report, world } = await drill(ARC_PLAN, { onWorld });

        // Assess
        expect(report.outcome).toBe('recovered');
        expect(report.actions).toContainEqual(
          expect.objectContaining({ operation: 'UpdateRoutingControlStates', region: 'eu-west-1' }),
        );
        expect(world.liveCalls.filter((call) => call.region === 'us-east-1')).toEqual([]);
      });
    });

    // Prepare: what DNS answered four minutes in, before the run, in the shared drill (a look changes nothing)
    let answerBeforeRun: unknown;
    drills.observe(ARC_PLAN, 'us-east-1-outage', {}, (world) => {
      world.clock.schedule(world.t0Ms + 4 * 60_000, () => {
        answerBeforeRun = world.resolve('www.storefront.example.com');
      });
    });

    it('keeps answering DNS for the dead primary until the routing controls switch (ARC records follow the controls)', async () => {
      // Prepare: answerBeforeRun above

      // Act
      await drill(ARC_PLAN);

      // Assess
      expect(answerBeforeRun).toMatchObject({ failover: 'PRIMARY', region: 'us-east-1' });
    });
  });
}

{
  /**
   * The us-east-1 outage drill for a plan that switches DNS with a Route 53 health check on a CloudWatch alarm in the
   * standby region (dnsSwitch.method `alarm-health-check`, plans/example-alarm-dns.yml): what the product does there,
   * told by the simulator, and what it does when the standby region's CloudWatch is down as well.
   */

  const PLAN = join(__dirname, '..', '..', 'plans', 'example-alarm-dns.yml');
  const NAME = 'api.ledger.example.com';
  const PROMOTIONS = ['PromoteReadReplica', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster'];

  /** The IAM check's drill of the plan's us-east-1-outage (run once) without options; with options, one of its own. */
  const drill = (options: Partial<DrillOptions> = {}): Promise<DrillResult> =>
    Object.keys(options).length > 0
      ? runDrill({ planFile: PLAN, scenario: 'us-east-1-outage', seed: 1, slackPreview: false, ...options })
      : drills.shared(PLAN, 'us-east-1-outage');

  describe('runDrill --scenario us-east-1-outage with an alarm-health-check plan (plans/example-alarm-dns.yml)', () => {
    it('recovers within the RTO budget with no call to us-east-1, and DNS answers the standby', async () => {
      // Act
      const { report, world } = await drill();

      // Assess
      expect(report.outcome).toBe('recovered');
      expect(report.rto).toMatchObject({ withinBudget: true });
      expect(world.liveCalls.filter((call) => call.region === 'us-east-1')).toEqual([]);
      expect(report.callsByRegion).toEqual({ 'us-west-2': expect.any(Number) });
      expect(report.actions.map((action) => [action.operation, action.region])).toEqual(
        expect.arrayContaining([['PutMetricData', 'us-west-2']]),
      );
      expect(report.actions.map((action) => action.operation)).not.toContain('ChangeResourceRecordSets');
      expect(world.switchAlarm?.state).toBe('ALARM');
      expect(world.resolve(NAME)).toMatchObject({ failover: 'SECONDARY', region: 'us-west-2', failedOpen: false });
    });

    // Prepare: what DNS answered at each Switchback action of the shared drill (a look changes nothing)
    const answers: { operation: string; region?: string }[] = [];
    drills.observe(PLAN, 'us-east-1-outage', {}, (world) => {
      const record = world.recordAction.bind(world);
      world.recordAction = (action) => {
        record(action);
        answers.push({ operation: action.operation, region: world.resolve(NAME)?.region });
      };
    });

    it('publishes primary out only after the database is writable, and DNS follows the alarm, not the publish', async () => {
      // Prepare: answers above

      // Act
      const { world } = await drill();

      // Assess
      expect(answers).toEqual([
        { operation: 'PromoteReadReplica', region: 'us-east-1' },
        { operation: 'PutMetricData', region: 'us-east-1' },
      ]);
      const published = world.switchAlarm?.datapoints[0]?.atMs ?? 0;
      const alarmed = world.switchAlarm?.transitions[0]?.atMs ?? 0;
      expect(alarmed).toBeGreaterThan(published);
      expect(alarmed - published).toBeLessThanOrEqual(world.timing.alarm.periodSeconds * 1000);
    });

    it('stops before any database change, names the call, and moves no DNS answer when CloudWatch in the standby region is down too', async () => {
      // Prepare: us-west-2's CloudWatch gone as well (the switch alarm's region)
      const onWorld: DrillOptions['onWorld'] = (world) => {
        const down = world.isServiceDown.bind(world);
        world.isServiceDown = (service, region) =>
          (service === 'cloudwatch' && region === 'us-west-2') || down(service, region);
      };

      // Act
      const { report, world, lockHolder } = await drill({ onWorld });

      // Assess
      // Assess reads the replica lag from that CloudWatch too: the run stops there, the first step, redrivable.
      expect(report.outcome).toBe('failed');
      expect(report.failure).toMatchObject({ error: 'EndpointUnreachableError' });
      expect(report.failure?.cause).toContain('cloudwatch GetMetricData got no answer');
      expect(report.actions.filter((action) => PROMOTIONS.includes(action.operation))).toEqual([]);
      expect(world.switchAlarm?.datapoints).toEqual([]);
      expect(world.resolve(NAME)).toMatchObject({ failover: 'PRIMARY', region: 'us-east-1' });
      expect(lockHolder).toBeNull();
    });

    it('returns DNS to the primary region in a failback by publishing primary in (0)', async () => {
      // Act: a world a week after a failover (switch alarm ALARM, the standby serving), failed back
      const { report, world } = await drills.shared(PLAN, 'failback');

      // Assess
      expect(report.outcome).toBe('recovered');
      expect(report.actions).toContainEqual(
        expect.objectContaining({
          operation: 'PutMetricData',
          region: 'us-west-2',
          target: expect.stringContaining('=0'),
        }),
      );
      expect(world.switchAlarm?.state).toBe('OK');
      expect(world.resolve(NAME)).toMatchObject({ failover: 'PRIMARY', region: 'us-east-1' });
    });
  });
}

/**
 * Drift scenarios: the world differs from the plan before the outage. The preflight (Assess) must stop every run
 * before its first change: outcome "blocked", no mutating AWS call, and findings naming the resource and the fix.
 * The drill shows the preflight before it injects the outage. (The example plan's drills, seed 1: the same drills
 * as the tests above and the IAM check, with the progress they recorded.)
 */
describe('drift scenarios', () => {
  it.each([
    ['standby-missing', 'standby-exists', 'rds:us-west-2:orders-db-replica', 'create the cross-region read replica'],
    [
      'record-missing',
      'record-exists',
      'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
      "create the standby region's failover record api-us-west-2",
    ],
    [
      'record-not-failover',
      'record-failover',
      'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
      'replace api-us-west-2 with a failover record',
    ],
    ['replica-backing-up', 'standby-promotable', 'rds:us-west-2:orders-db-replica', 'wait until replica'],
  ])(
    '%s ends blocked with no mutating call and a finding naming the resource and the fix',
    async (scenario, check, resource, fix) => {
      // Act
      const result = await drill(scenario);
      const { report, world, lockHolder } = result;
      const progress = drills.progress(result);

      // Assess
      expect(report.outcome).toBe('blocked');
      expect(report.actions).toEqual([]);
      expect(world.actions).toEqual([]);
      expect(report.findings).toEqual([
        expect.objectContaining({ check, resource, fix: expect.stringContaining(fix) }),
      ]);
      expect(report.events.map((event) => event.detailType)).toContain('Run Blocked');
      expect(lockHolder).toBeNull();
      // The drill showed the same finding before injecting the outage (T+00:00, the outage is at T+01:00).
      const start = progress.find((event) => event.kind === 'start');
      expect(report.preflight).toEqual({
        at: start?.at,
        findings: [expect.objectContaining({ check, resource })],
      });
      const shown = progress.findIndex((event) => event.kind === 'preflight');
      const alarm = progress.findIndex((event) => event.kind === 'milestone' && event.message.includes('is ALARM'));
      expect(shown).toBeGreaterThanOrEqual(0);
      expect(shown).toBeLessThan(alarm);
    },
  );

  // An ARC or alarm-health-check plan's live failover reads no record (Route 53's API is in us-east-1): the plan's
  // scheduled readiness read them before the outage, and its finding stops the run as the preflight's own would.
  // Without it, the run promoted the databases and reported a recovery while DNS still answered the failed region.
  it.each([
    ['example-arc.yml', 'record-missing', 'record-exists', 'www.storefront.example.com', 'www-us-west-2'],
    ['example-arc.yml', 'record-not-failover', 'record-failover', 'www.storefront.example.com', 'www-us-west-2'],
    ['example-alarm-dns.yml', 'record-missing', 'record-exists', 'api.ledger.example.com', 'ledger-us-west-2'],
    ['example-alarm-dns.yml', 'record-not-failover', 'record-failover', 'api.ledger.example.com', 'ledger-us-west-2'],
  ])(
    "%s %s ends blocked by the finding of the plan's scheduled readiness, with no change and DNS as it was",
    async (file, scenario, check, name, standby) => {
      // Prepare
      const planFile = join(ROOT, 'plans', file);
      const { app } = loadPlanFile(planFile);

      // Act
      const { report, world, lockHolder } = await drills.shared(planFile, scenario);

      // Assess
      expect(report.outcome).toBe('blocked');
      // Nothing changed but the standby prober's metric (the ARC plan's detection, every minute).
      expect(world.actions.filter((action) => action.operation !== 'PutMetricData')).toEqual([]);
      expect(report.findings).toEqual([
        expect.objectContaining({
          check,
          resource: expect.stringMatching(new RegExp(`/${name.replaceAll('.', '\\.')}/CNAME/${standby}$`)),
          found: expect.stringMatching(/\(the plan's readiness at 2026-01-15T\d\d:\d\d:01\.000Z\)$/),
          fix: expect.stringContaining(
            `then run the plan's readiness again (every 15 min, or now: switchback readiness --plan ${app} --record)`,
          ),
        }),
      ]);
      expect(report.warnings).toContainEqual(
        expect.stringMatching(
          /^records not read: an .* plan's live failover does not call Route 53's API \(us-east-1\): the plan's readiness at .* found a record finding$/,
        ),
      );
      expect(lockHolder).toBeNull();
      // DNS answers the primary region still: nothing claims a recovery that did not happen.
      expect(world.route53.resolve(name)?.region).toBe('us-east-1');
      // The run itself never called Route 53's API (us-east-1): readiness did, on its schedule, before the outage.
      const assess = world.calls.filter((call) => call.fn === 'assess');
      expect(assess.length).toBeGreaterThan(0);
      expect(assess.filter((call) => call.client === 'Route53Client')).toEqual([]);
      expect(world.calls.some((call) => call.fn === 'readiness' && call.client === 'Route53Client')).toBe(true);
      // Readiness said so when it ran, before the alarm.
      const changed = report.events.find((event) => event.detailType === 'Readiness Changed');
      expect(changed?.summary).toContain(`${app} not ready: `);
      expect(changed?.summary).toContain(check);
      expect(Date.parse(changed?.at ?? '')).toBeLessThan(Date.parse(report.detection?.signals[0]?.at ?? ''));
    },
  );

  it("clears nothing by itself, but `switchback readiness --record` keeps a readiness now that the failover's Assess goes by", async () => {
    // Prepare: a person runs `switchback readiness --plan <file> --record` a second after the scheduled readiness,
    // before the outage. The deployed function is the drill's own readiness handler, invoked through the command's
    // Lambda adapter; the ledger is the drill's.
    const planFile = join(ROOT, 'plans', 'example-arc.yml');
    const { app } = loadPlanFile(planFile);
    const out = await mkdtemp(join(tmpdir(), 'switchback-record-'));
    const cli = fakeDeps({ env: { region: 'us-west-2' } });
    let recorded: Promise<number> | undefined;

    // Act
    const { report } = await drills.own({
      planFile,
      scenario: 'record-missing',
      seed: 1,
      slackPreview: false,
      onWorld: (world, runner) => {
        const lambda = {
          send: async (command: { input: { Payload?: Uint8Array } }) => {
            const event = JSON.parse(new TextDecoder().decode(command.input.Payload));
            const answer = await runner.invoke('readiness', event, { viaStateMachine: false });
            return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) };
          },
        };
        cli.deps.readinessFunction = async (target, functionName) =>
          new ReadinessFunction(functionName, { region: target.region, client: lambda as never });
        cli.deps.ledger = async () => new DynamoLedger();
        world.clock.schedule(world.t0Ms + 2000, () => {
          recorded = outsideInvocation(() =>
            runReadinessCommand(
              { plan: planFile, plans: join(ROOT, 'plans'), record: true, out, stage: 'dev' },
              cli.deps,
            ),
          );
        });
      },
    });
    const code = await recorded;
    await rm(out, { recursive: true, force: true });

    // Assess: the command showed the finding the function kept, and Assess went by that readiness, the newer one
    expect(code).toBe(1);
    const text = cli.out.join('\n');
    expect(text).toContain(`✗ ${app}: NOT READY`);
    expect(text).toMatch(/finding: .*\/CNAME\/www-us-west-2/);
    // Two seconds in: a second after the scheduled readiness (test above: at :01)
    const at = /Recorded: \S+ readiness of (2026-01-15T\d\d:\d\d:02\.000Z) is in the ledger/.exec(text)?.[1];
    expect(text).toContain(
      `Recorded: ${app}'s readiness of ${at} is in the ledger, where a failover's Assess reads it`,
    );
    expect(report.outcome).toBe('blocked');
    expect(report.findings).toEqual([
      expect.objectContaining({
        check: 'record-exists',
        found: expect.stringContaining(`(the plan's readiness at ${at})`),
      }),
    ]);
  });

  it('waits for the busy replica no longer than the plan allows (preflight.maxWaitSeconds, 600 s by default)', async () => {
    // Act
    const { report } = await drill('replica-backing-up');

    // Assess
    const reassessed = report.timeline.filter((t) => t.state === 'Reassess Failover' && t.event === 'entered');
    expect(reassessed.length).toBeGreaterThan(1);
    const decide = report.phases.find((phase) => phase.name === 'decide');
    expect(decide?.seconds).toBeGreaterThanOrEqual(600);
    expect(decide?.seconds).toBeLessThan(700);
  });

  it('refuses the plan-level equal-set-identifiers scenario at plan validation, before anything runs', async () => {
    // Act
    const run = runDrill({ planFile: PLAN, scenario: 'equal-set-identifiers', seed: 1, slackPreview: false });

    // Assess
    await expect(run).rejects.toMatchObject({
      name: 'PlanValidationError',
      message: expect.stringContaining(
        'dns[0].records[0].standbySetIdentifier: equals dns[0].records[0].primarySetIdentifier ("api-us-east-1")',
      ),
    });
  });

  it('shows a passing preflight before the outage when nothing drifted, and recovers', async () => {
    // Act
    const { report } = await drill('region-outage');

    // Assess
    expect(report.preflight?.findings).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(report.outcome).toBe('recovered');
  });
});

/**
 * What a person sees of a drill: the progress lines (a pipe or CI, not a terminal) in time order, each phase
 * change once, each database named; and an incident id of its own per plan, scenario and seed.
 */

/** Another plan (another app): its seed-1 drills are the IAM check's too. */
const OTHER_PLAN = join(ROOT, 'plans', 'example-arc.yml');

/** The progress lines a display in a pipe (not a terminal) shows for these events. */
const progressLinesOf = (events: DrillProgress[]): string[] => {
  let text = '';
  const display = new ProgressDisplay({ write: (chunk: string) => (text += chunk), isTTY: false }, 'title');
  for (const event of events) display.update(event);
  return text.split('\n').filter((line) => line.startsWith('T+'));
};

/** A drill with its progress display attached (a pipe, not a terminal): the report and the progress lines. */
const drillWithProgress = async (planFile: string, scenario: string, seed: number) => {
  const events: DrillProgress[] = [];
  const { report } = await runDrill({
    planFile,
    scenario,
    seed,
    slackPreview: false,
    onProgress: (e) => events.push(e),
  });
  return { report, lines: progressLinesOf(events) };
};

/**
 * Drills that several tests read (the display only watches), each run once per file whichever test asks first:
 * the seed-1 drills of the example plan and OTHER_PLAN are the shared ones above, with the progress they recorded.
 */
const sharedProgress = new Map<string, ReturnType<typeof drillWithProgress>>();
const sharedDrill = (planFile: string, scenario: string, seed: number) => {
  const key = `${planFile} ${scenario} ${seed}`;
  const run =
    sharedProgress.get(key) ??
    ((planFile === PLAN || planFile === OTHER_PLAN) && seed === 1
      ? drills
          .shared(planFile, scenario)
          .then((result) => ({ report: result.report, lines: progressLinesOf(drills.progress(result)) }))
      : drillWithProgress(planFile, scenario, seed));
  sharedProgress.set(key, run);
  return run;
};

const progressLines = async (scenario: string): Promise<string[]> => (await sharedDrill(PLAN, scenario, 1)).lines;

const seconds = (line: string): number => {
  const [, mm, ss] = /^T\+(\d+):(\d+)/.exec(line) ?? [];
  return Number(mm) * 60 + Number(ss);
};

describe('drill progress', () => {
  it('names each database whose promotion started', async () => {
    // Act
    const lines = await progressLines('region-outage');

    // Assess
    const started = lines.filter((line) => line.includes('Promote databases started'));
    expect(started).toHaveLength(2);
    expect(
      started.some((line) => line.endsWith('Promote databases started: orders-db -> orders-db-replica in us-west-2')),
    ).toBe(true);
    expect(
      started.some((line) => line.endsWith('Promote databases started: catalog -> catalog-west in us-west-2')),
    ).toBe(true);
  });

  it('shows each phase change once and never goes back in time when Route 53 throttles and the flip is retried', async () => {
    // Act
    const lines = await progressLines('dns-throttled');

    // Assess
    const phaseLines = lines.map((line) => line.replace(/^T\+\S+\s+/, ''));
    expect(phaseLines.filter((line) => line === 'Flip DNS started')).toHaveLength(1);
    expect(phaseLines.filter((line) => line === 'Promote databases succeeded')).toHaveLength(1);
    const times = lines.map(seconds);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('drill incident ids', () => {
  const idOf = async (planFile: string, scenario: string, seed: number) =>
    (await sharedDrill(planFile, scenario, seed)).report;
  /** A drill of its own, for a replay that must really run again. */
  const freshReport = async (planFile: string, scenario: string, seed: number) =>
    (await drillWithProgress(planFile, scenario, seed)).report;

  it('gives drills of different scenarios, seeds and plans their own incident ids', async () => {
    // Act
    const ids = [
      (await idOf(PLAN, 'region-outage', 1)).incidentId,
      (await idOf(PLAN, 'region-outage', 2)).incidentId,
      (await idOf(PLAN, 'stale-backups', 1)).incidentId,
      (await idOf(OTHER_PLAN, 'region-outage', 1)).incidentId,
    ];

    // Assess
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives the same incident id and the same report apart from wall time when the same plan, scenario and seed rerun', async () => {
    // Act: the shared drill (the IAM check's, recorded), then one of its own, unrecorded
    const first = await idOf(PLAN, 'dns-throttled', 1);
    const second = await freshReport(PLAN, 'dns-throttled', 1);

    // Assess
    expect(second.incidentId).toBe(first.incidentId);
    expect(JSON.stringify(withoutWall(second))).toBe(JSON.stringify(withoutWall(first)));
  });
});

/**
 * `switchback plan audit` is the code's path written down (shared/domain/live-path.ts): every AWS call the product
 * makes in a drill must be on that list, with the region it went to, or the audit would hide a dependency.
 * (Here because the IAM check below runs the same drills.)
 */

const SERVICE_OF: Record<string, string> = {
  RDSClient: 'rds',
  Route53Client: 'route53',
  CloudWatchClient: 'cloudwatch',
  EventBridgeClient: 'events',
  SFNClient: 'states',
  SecretsManagerClient: 'secretsmanager',
  SSMClient: 'ssm',
  Route53RecoveryClusterClient: 'route53-recovery-cluster',
};

describe.each(['example.yml', 'example-arc.yml', 'example-alarm-dns.yml'])('the live path of plans/%s', (file) => {
  it.each(['region-outage', 'us-east-1-outage'])(
    'lists every call the product makes in the %s drill, with its region',
    async (scenario) => {
      // Prepare
      const planFile = join(ROOT, 'plans', file);
      const listed = new Set(
        livePathCalls(loadPlanFile(planFile)).flatMap((call) =>
          [call.dependsOn, ...(call.fallbacks ?? [])].map((region) => `${call.service} ${call.operation} ${region}`),
        ),
      );

      // Act: the IAM check's drill of this plan and scenario
      const { world } = await drills.shared(planFile, scenario);

      // Assess
      const made = new Set(
        world.liveCalls.map((call) => `${SERVICE_OF[call.client]} ${call.operation} ${call.region}`),
      );
      expect(made.size).toBeGreaterThan(0);
      expect([...made].filter((call) => !listed.has(call))).toEqual([]);
    },
  );
});

/**
 * Least privilege, checked against the code: every drill scenario runs the real handlers (for every plan in plans/,
 * approved and denied where a scenario asks, plus a manual live run and a manual dry run), an SDK plugin records
 * each AWS call as the IAM action and resource it needs, per function, and the result must match each function's
 * role in the packaged template (`npm run package` writes it; `npm test` packages before jest). A missing grant
 * fails (AWS would answer AccessDenied), an unused grant fails unless ALLOWANCES below says why no drill can reach
 * the call, and a function that no drill runs fails (add a way to drive it here): new functions and scenarios are
 * covered without edits.
 */

/** `npm run package` packages stage `dev` of service `switchback`. */
const FUNCTION_PREFIX = 'switchback-dev-';
/** The template's deployment region (serverless.yml's default); RDS and Route 53 ARNs name their own regions. */
const DEPLOY_REGION = 'us-west-2';

/** Grants the drill cannot show in use, each with the reason it stays. Keep this list short. */
const ALLOWANCES: Allowance[] = [
  {
    function: '*',
    action: 'logs:CreateLogStream',
    reason: 'the Lambda runtime writes the function logs with its role; no handler code calls CloudWatch Logs',
  },
  {
    function: '*',
    action: 'logs:PutLogEvents',
    reason: 'the Lambda runtime writes the function logs with its role; no handler code calls CloudWatch Logs',
  },
  {
    function: 'on-health-alarm',
    action: 'dynamodb:UpdateItem',
    reason:
      "records a trigger signal's state for plans with a trigger.quorum only (shared/usecases/handle-health-alarm.ts); no shipped plan has one (their primary is us-east-1, where a quorum of their signals would block the failover); test/unit/shared/usecases/handle-health-alarm-quorum.test.ts drives it",
  },
  ...['on-health-alarm', 'on-run-failed', 'notify'].map((name) => ({
    function: name,
    action: 'sqs:SendMessage',
    reason: 'Lambda sends a failed asynchronous invocation to the on-failure destination (the DLQ) with the role',
  })),
  ...['start-restore', 'check-restore'].map((name) => ({
    function: name,
    action: 'rds:AddTagsToResource',
    resource: ':sbrt-',
    reason:
      'RDS authorizes the Tags of a restore or CreateDBInstance as rds:AddTagsToResource on the new resource; the SDK makes no separate call',
  })),
  ...['kms:CreateGrant', 'kms:DescribeKey'].map((action) => ({
    function: 'reprotect-database',
    action,
    reason:
      "RDS uses the KMS key of an encrypted new replica or secondary with the caller's permissions (CreateDBInstanceReadReplica, CreateDBCluster with KmsKeyId); the SDK makes no KMS call",
  })),
  {
    function: 'fail-back-database',
    action: 'rds:SwitchoverGlobalCluster',
    resource: ':cluster:',
    reason:
      "authorized on the global cluster and its member clusters; which members AWS checks cannot be tried without AWS (as promote-database's)",
  },
  ...['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'].map((action) => ({
    function: 'promote-database',
    action,
    resource: ':cluster:',
    reason:
      "both actions authorize on the global cluster and its member clusters; the call names only the target, and which members AWS checks (the current primary's too?) cannot be tried without AWS, so it stays granted",
  })),
];

/**
 * The drift scenarios whose drill also runs the plan's scheduled readiness check (findings change what it reads);
 * the healthy world's readiness runs in the manual live run's drill below, and the record drifts run it themselves
 * (sim/scenario-catalog.ts).
 */
const READINESS_SCENARIOS: string[] = ['standby-missing'];

const planFiles = readdirSync(join(ROOT, 'plans'))
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => join(ROOT, 'plans', file));

/**
 * The scheduled readiness of the plan, as EventBridge Scheduler invokes it (with the plan's name), half a second into
 * a drill: in that drill, not in a drill of its own.
 */
const scheduleReadiness = (planFile: string) => (world: World, runner: LocalRunner) => {
  world.clock.schedule(world.t0Ms + 500, () => {
    void runner.invoke('readiness', { plan: loadPlanFile(planFile).app }, { viaStateMachine: false });
  });
};

describe('the IAM roles of the packaged template', () => {
  let template: TemplateLike;

  // About 24 whole drills per plan in plans/ (those of the example plan shared with the tests above): about a
  // minute of CPU, over 10 minutes of wall time at a load average of 30; then the wait for packaging (up to 15
  // minutes, test/support/packaged-template.ts). This only catches a hang.
  beforeAll(async () => {
    for (const planFile of planFiles) {
      // A plan-level scenario is refused by plan validation before any handler runs: it makes no call.
      for (const scenario of SCENARIO_NAMES.filter((name) => !isPlanLevelScenario(name))) {
        for (const answer of [undefined, 'approve', 'deny'] as const) {
          const { report } =
            answer === undefined && READINESS_SCENARIOS.includes(scenario)
              ? await drills.own({
                  planFile,
                  scenario,
                  seed: 1,
                  slackPreview: false,
                  onWorld: scheduleReadiness(planFile),
                })
              : await drills.shared(planFile, scenario, {
                  ...(answer ? { answer } : {}),
                  // A restore test started twice under the same test id, as a redrive re-enters: the second adopts
                  // the throwaway it finds (Start Restore describes it) and finds it already deleting (Clean Up
                  // describes it). Its first run is the scenario's own.
                  ...(scenario === 'restore-test' ? { restoreRuns: 2 } : {}),
                });
          // Only scenarios that stop at the approval question are run again with an answer.
          if (report.outcome !== 'awaiting-approval') break;
        }
      }
      // A reprotect whose old Aurora primary was taken out of the global cluster after the fence and deleted (it cannot
      // rejoin): the path that adds a new secondary cluster and its instance.
      await drills.own({
        planFile,
        scenario: 'reprotect',
        seed: 1,
        slackPreview: false,
        onWorld: (world) => {
          const plan = loadPlanFile(planFile);
          world.clock.schedule(world.t0Ms + 1500_000, () => {
            for (const db of plan.databases) {
              if (db.kind !== 'aurora-global') continue;
              world.aurora.detach(db.globalCluster, db.primary.cluster);
              world.aurora.deleteDetached(db.primary.region, db.primary.cluster);
            }
          });
        },
      });
      // The fence of an ARC plan that finds the old region's routing control On (a person turned it back On): it turns
      // it Off. The drills' DNS switch always leaves that control Off before the fence comes, so "Fence Record" is
      // driven here as its state machine calls it, in a healthy world: after a failover (the primary region's
      // control), then after a failback (the standby region's).
      const arcPlan = loadPlanFile(planFile);
      const arcSwitch = arcPlan.dnsSwitch;
      const fencedPair = arcPlan.dns
        .flatMap((zone) => zone.records.map((record) => ({ zone, record })))
        .find(({ record }) => record.fence?.method === 'routing-control-off');
      if (arcSwitch.method === 'arc-routing-control' && fencedPair) {
        await drills.own({
          planFile,
          scenario: 'restore-test',
          seed: 1,
          slackPreview: false,
          onWorld: (world, runner) => {
            const incidentId = `${arcPlan.app}-iam-test-fence`;
            const run = {
              incidentId,
              plan: arcPlan.app,
              action: 'fence',
              mode: 'live',
              reason: 'iam test',
              requestedBy: 'iam-test',
              trigger: { type: 'manual' },
              regions: arcPlan.regions,
              impactStartedAt: new Date(world.t0Ms).toISOString(),
              startedAt: new Date(world.t0Ms).toISOString(),
              executionArn: `arn:aws:states:${DEPLOY_REGION}:123456789012:execution:switchback-dev-fence:${incidentId}`,
              epoch: 1,
            };
            const target = (old: 'primary' | 'standby') => ({
              key: `${fencedPair.zone.hostedZoneId}|${fencedPair.record.name}|${fencedPair.record.type}|${old}`,
              hostedZoneId: fencedPair.zone.hostedZoneId,
              name: fencedPair.record.name,
              type: fencedPair.record.type,
              setIdentifier: fencedPair.record[`${old}SetIdentifier`],
              region: arcPlan.regions[old],
              fence: { method: 'routing-control-off' },
              routingControl: { arn: arcSwitch.routingControls[old], endpoints: arcSwitch.clusterEndpoints },
            });
            world.clock.schedule(world.t0Ms + 500, () => {
              void (async () => {
                await runner.invoke('fence-record', { run, targets: [target('primary')] }, { viaStateMachine: false });
                world.arc.update([{ RoutingControlArn: arcSwitch.routingControls.primary, RoutingControlState: 'On' }]);
                await runner.invoke('fence-record', { run, targets: [target('standby')] }, { viaStateMachine: false });
              })();
            });
          },
        });
      }
      // A failover through a lock an earlier execution never released (its end never reached on-run-failed): the
      // alarm intake and Assess read that execution. The path does not depend on the plan's DNS switch: the example
      // plan's drills.
      if (planFile === PLAN) {
        await orphanedLockDrill(planFile);
        // And every runbook's Assess meeting one (the game day's, and each leg's up to the failback).
        await stoppedGameDayWithOrphans();
      }
      // Runs started by a person (switchback run, the console), live and dry, a minute before the region fails:
      // the paths an alarm never takes (an Aurora switchover, a dry run's records).
      const plan = loadPlanFile(planFile).app;
      for (const mode of ['live', 'dry-run']) {
        await drills.own({
          planFile,
          scenario: 'region-outage',
          seed: 1,
          slackPreview: false,
          onWorld: (world, runner) => {
            // The live run's drill also runs the scheduled readiness, half a second in: a healthy world.
            if (mode === 'live') scheduleReadiness(planFile)(world, runner);
            const input = { plan, action: 'failover', mode, reason: 'game day', requestedBy: 'iam-test' };
            world.clock.schedule(world.t0Ms + 1000, () => {
              // As `switchback run` starts it: through the SDK, outside any function.
              void new StepFunctionsWorkflow().startFailover(`manual-${mode}`, input);
            });
          },
        });
      }
    }
    // Read last: `npm test` packages while the drills run.
    template = await packagedTemplate<TemplateLike>();
  });

  it('grant each function exactly the AWS calls its handler makes in the drills', () => {
    // Prepare
    const calls = drills.calls();
    const grants = grantsByFunction(template, FUNCTION_PREFIX, {
      partition: 'aws',
      account: '123456789012',
      region: DEPLOY_REGION,
    });

    // Act
    const problems = compareGrants(calls, grants, ALLOWANCES);

    // Assess
    expect(problems).toEqual([]);
  });

  it('leave DNS answering, and the writers taking writes in, the region the run says serves, in every drill that says it recovered', async () => {
    // Act: every drill of this file (the scenarios of every plan, the game days, the manual runs)
    const results = await drills.all();

    // Assess: the drill's own DNS and writer checks (sim/dns-answers.ts, sim/writer-check.ts) found nothing
    const recovered = results.filter(({ report }) => report.outcome === 'recovered');
    expect(recovered.length).toBeGreaterThan(30);
    expect(recovered.filter(({ report }) => (report.dns?.answers.length ?? 0) === 0)).toEqual([]);
    expect(recovered.filter(({ report }) => (report.writers?.writers.length ?? 0) === 0)).toEqual([]);
    // Each leg's claim too, when it ended (a game day's failover, fence, reprotect and failback)
    const legsChecked = results.flatMap(({ report }) => report.legs.filter((leg) => leg.dns !== undefined));
    expect(legsChecked.length).toBeGreaterThan(100);
    const disagreements = results.flatMap(({ report }) =>
      [
        ...(report.dns?.disagreements ?? []),
        ...(report.writers?.disagreements ?? []),
        ...legDnsDisagreements(report),
      ].map((text) => `${report.plan} ${report.scenario}: ${text}`),
    );
    expect(disagreements).toEqual([]);
  });

  it("list in stepPermissions exactly the calls each role makes on the plans' resources (what readiness simulates)", () => {
    // Prepare: calls on what a plan names (its databases, records, routing controls, alarms, subnet groups, Slack
    // secret) or on what a runbook makes from it (reprotect's new copies, the restore test's throwaways).
    const onPlanResource = (resource: string) =>
      /:rds:|:route53:::hostedzone\/|:route53:::healthcheck\/|\/routingcontrol\/|:cloudwatch:[a-z0-9-]+:\d+:alarm:|:secretsmanager:|:ssm:[a-z0-9-]+:\d+:parameter\//.test(
        resource,
      );
    // And the calls that start or follow a runbook, or put a metric that moves traffic or starts one (on the stack's
    // state machines, and on "*" held to a namespace; the recorder names no resource for them: checked by action).
    const ACTING = ['states:StartExecution', 'states:DescribeExecution', 'cloudwatch:PutMetricData'];
    const calls = new Map<string, Call[]>(
      // Readiness is the one asking: what it may read is its own role's business (the test above).
      [...drills.calls().entries()].flatMap(([name, made]) => {
        if (name === 'readiness') return [];
        const onPlan = made.flatMap((call) => {
          if (ACTING.includes(call.action)) return [{ action: call.action, resources: call.resources ?? [] }];
          const resources = (call.resources ?? []).filter(onPlanResource);
          return resources.length ? [{ action: call.action, resources }] : [];
        });
        return onPlan.length ? [[name, onPlan] as const] : [];
      }),
    );
    // The drill deployment's state machines, as readiness is told them (WIRING_STATE_MACHINE_ARNS).
    const stack = {
      stateMachineArns: ['failover', 'fence', 'reprotect', 'failback', 'game-day', 'restore-test'].map(
        (runbook) => `arn:aws:states:${DEPLOY_REGION}:123456789012:stateMachine:${FUNCTION_PREFIX}${runbook}`,
      ),
    };
    const needed = planFiles.flatMap((file) => stepPermissions(loadPlanFile(file), '123456789012', 'aws', stack));

    // Act
    const problems = compareGrants(
      calls,
      new Map(STEP_FUNCTIONS.map((name) => [name, needed.filter((need) => need.function === name)])),
      [],
    );

    // Assess: every role that calls on a plan's resources is listed (readiness simulates it), and only those.
    expect(problems).toEqual([]);
    expect([...calls.keys()].sort()).toEqual([...STEP_FUNCTIONS].sort());
  });

  it('package every handler in functions/ as a function with its own role', () => {
    // Prepare
    const handlers = readdirSync(join(ROOT, 'functions'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''));

    // Act
    const grants = grantsByFunction(template, FUNCTION_PREFIX, { partition: 'aws', account: '1', region: 'r' });

    // Assess
    expect([...grants.keys()].sort()).toEqual(handlers.sort());
    expect(handlers.filter((name) => grants.get(name) === undefined)).toEqual([]);
  });
});
