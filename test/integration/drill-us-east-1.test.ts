import { join } from 'node:path';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';

/**
 * The drill of a whole us-east-1 outage: the region of both example plans' primary, of Route 53's API and of the
 * HealthCheckStatus alarms. What the product does there, told honestly by the simulator.
 */

const PLANS = join(__dirname, '..', '..', 'plans');
const RECORDS_PLAN = join(PLANS, 'example.yml');
const ARC_PLAN = join(PLANS, 'example-arc.yml');
const PROMOTIONS = ['PromoteReadReplica', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster'];

/** Plain drills (no options) that several tests only read: each run once per plan, whichever test asks first. */
const plain = new Map<string, Promise<DrillResult>>();

const drill = (planFile: string, options: Partial<DrillOptions> = {}): Promise<DrillResult> => {
  const run = () => runDrill({ planFile, scenario: 'us-east-1-outage', seed: 1, slackPreview: false, ...options });
  if (Object.keys(options).length > 0) return run();
  const result = plain.get(planFile) ?? run();
  plain.set(planFile, result);
  return result;
};

jest.setTimeout(30_000);

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
      // The only us-east-1 calls are the fence's, which the failover starts once it recovered (its reads of the old
      // primaries, which time out): after recovery, and not on the live path.
      const recoveredAt = Date.parse(report.legs[0]?.endedAt ?? '');
      const east = world.calls.slice(world.preflightCalls).filter((call) => call.region === 'us-east-1');
      expect(east.length).toBeGreaterThan(0);
      expect(east.filter((call) => !call.fn?.includes('fence') || call.atMs <= recoveredAt)).toEqual([]);
      expect(report.actions.map((action) => [action.operation, action.region])).toEqual(
        expect.arrayContaining([['UpdateRoutingControlStates', 'us-west-2']]),
      );
      expect(report.actions.map((action) => action.operation)).not.toContain('ChangeResourceRecordSets');
      expect(world.resolve('www.storefront.example.com')).toMatchObject({ failover: 'SECONDARY', region: 'us-west-2' });
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

  it('keeps answering DNS for the dead primary until the routing controls switch (ARC records follow the controls)', async () => {
    // Prepare
    let answerBeforeRun: unknown;
    const onWorld: DrillOptions['onWorld'] = (world) => {
      world.clock.schedule(world.t0Ms + 4 * 60_000, () => {
        answerBeforeRun = world.resolve('www.storefront.example.com');
      });
    };

    // Act
    await drill(ARC_PLAN, { onWorld });

    // Assess
    expect(answerBeforeRun).toMatchObject({ failover: 'PRIMARY', region: 'us-east-1' });
  });
});
