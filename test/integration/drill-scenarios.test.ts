import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';
import { criticalPathRatio, withoutWall } from '../../sim/report';
import { renderReportHtml } from '../../sim/report-html';
import { DRILL_OPERATOR_ARN, reprotectedStandby } from '../../sim/world';

/**
 * The whole local drill, in-process: the simulated AWS, the real state machine and handlers, the ledger on
 * dynalite. Each drill replays minutes of virtual time in well under 2 s of wall time.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');
const MUTATING_RDS = ['PromoteReadReplica', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster'];

const drill = (scenario: string, options: Partial<DrillOptions> = {}): Promise<DrillResult> =>
  runDrill({ planFile: PLAN, scenario, seed: 1, slackPreview: false, ...options });

/** The default drill (region-outage, seed 1) that several tests read: run once per file, whichever asks first. */
let regionOutage: Promise<DrillResult> | undefined;
const regionOutageDrill = (): Promise<DrillResult> => {
  regionOutage ??= drill('region-outage');
  return regionOutage;
};

// Whole drills: the first also loads every handler (over 30 s wall on a loaded machine); this only catches a hang.
jest.setTimeout(120_000);

describe('runDrill', () => {
  it('recovers within the RTO and RPO budgets when the primary region goes down', async () => {
    // Act
    const { report } = await regionOutageDrill();

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.rto).toEqual(expect.objectContaining({ budgetSeconds: 900, withinBudget: true }));
    expect(report.rpo).toEqual(expect.objectContaining({ budgetSeconds: 60, withinBudget: true }));
    expect(report.phases.map((phase) => phase.name)).toEqual(['detect', 'decide', 'promote', 'dns', 'verify']);
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
    expect(criticalPathRatio(report)).toBeGreaterThanOrEqual(1);
    expect(report.timeline[0]).toMatchObject({ state: 'Assess Failover', event: 'entered' });
    expect(report.events.map((event) => event.detailType)).toContain('Recovery Completed');
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

  it('keeps the fence off the RTO path: the same RTO with the fence during the failover and without it', async () => {
    // Prepare: the example plan with fence.duringFailover off
    const dir = await mkdtemp(join(tmpdir(), 'switchback-fence-off-'));
    const planFile = join(dir, 'example.yml');
    await writeFile(planFile, `${await readFile(PLAN, 'utf8')}\nfence: { duringFailover: false }\n`);

    // Act
    const withFence = (await regionOutageDrill()).report;
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

  it('fails in the promote phase, records why and releases the lock when the promotion fails', async () => {
    // Act
    const { report, lockHolder } = await drill('promotion-fails');

    // Assess
    expect(report.outcome).toBe('failed');
    expect(report.failure).toEqual(expect.objectContaining({ phase: 'promote', error: 'PromotionFailedError' }));
    expect(report.events.map((event) => event.detailType)).toContain('Recovery Failed');
    expect(lockHolder).toBeNull();
  });

  it('recovers and warns about backups when the backups are stale', async () => {
    // Act
    const { report } = await drill('stale-backups');
    const { report: normal } = await regionOutageDrill();

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

  it('fences the returning old primary: records during the failover, the databases by the retry, then no DNS answer or write reaches it', async () => {
    // Act
    const { report, lockHolder, world } = await drill('old-primary-returns');

    // Assess: the failover's fence (region down), two retries while it is down, the retry that fences; then none
    expect(report.outcome).toBe('recovered');
    expect(report.legs.map((leg) => [leg.action, leg.incidentId, leg.outcome])).toEqual([
      ['failover', report.incidentId, 'recovered'],
      ['fence', `${report.incidentId}-fence`, 'deferred'],
      ['fence', 'orders-fence-retry-20260115T0342Z', 'deferred'],
      ['fence', 'orders-fence-retry-20260115T0347Z', 'deferred'],
      ['fence', 'orders-fence-retry-20260115T0352Z', 'recovered'],
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
    expect(lockHolder).toBeNull();
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

  it('runs the game-day runbook as one drill: planned failover, fence, reprotect, failback, fence, reprotect, back home and protected with RPO 0', async () => {
    // Act
    const { report, lockHolder, world } = await drill('game-day');

    // Assess
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

  it('stops a failback with nothing promoted when the replica lag never reaches 0', async () => {
    // Act
    const { report } = await drill('failback-lagging');

    // Assess
    expect(report.outcome).toBe('blocked');
    expect(report.actions.map((action) => action.target)).toEqual(['/orders/writes=paused', '/orders/writes=open']);
    expect(report.topology.after.activeRegion).toBe('us-west-2');
  });

  it('fails over exactly once and never fails back when the primary health flaps', async () => {
    // Prepare: look at DNS while the old primary is healthy again (it is up from T+5:00 to T+9:00), after the flip.
    const samples: { primaryHealthy: boolean; answeredRegion: string | undefined }[] = [];
    const onWorld = (world: DrillResult['world']) => {
      world.clock.schedule(world.t0Ms + 500_000, () =>
        samples.push({
          primaryHealthy: world.healthChecks.of(world.plan.regions.primary).healthy,
          answeredRegion: world.resolve('api.orders.example.com')?.region,
        }),
      );
    };

    // Act
    const { report, runner, world } = await drill('flapping-health', { onWorld });

    // Assess
    const alarms = world.alarms.transitions().map((transition) => transition.to);
    expect(alarms.filter((state) => state === 'ALARM').length).toBeGreaterThanOrEqual(2);
    expect(world.bus.deliveries.filter((d) => d.subscriber === 'on-health-alarm').length).toBeGreaterThanOrEqual(3);
    expect(runner.list()).toHaveLength(1);
    expect(report.outcome).toBe('recovered');
    expect(report.actions.filter((action) => action.operation === 'PromoteReadReplica')).toHaveLength(1);
    expect(samples).toEqual([{ primaryHealthy: true, answeredRegion: 'us-west-2' }]);
  });

  it('gives the same report apart from wall-clock fields when replayed with the same seed', async () => {
    // Act
    const first = await drill('region-outage', { seed: 7 });
    const second = await drill('region-outage', { seed: 7 });

    // Assess
    expect(JSON.stringify(withoutWall(second.report))).toBe(JSON.stringify(withoutWall(first.report)));
  });
});
