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

const drill = (planFile: string, options: Partial<DrillOptions> = {}): Promise<DrillResult> =>
  runDrill({ planFile, scenario: 'us-east-1-outage', seed: 1, slackPreview: false, ...options });

jest.setTimeout(30_000);

describe('runDrill --scenario us-east-1-outage', () => {
  describe('with a route53-records plan (plans/example.yml)', () => {
    it('stops before any database change, says why, and leaves the run redrivable', async () => {
      // Act
      const { report, runner, lockHolder, world } = await drill(RECORDS_PLAN);

      // Assess
      expect(world.alarms.transitions()).toEqual([]);
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
      // Until the failover ended: the fence it starts afterwards tries the old region (never waited on by recovery).
      const recoveredAt = Date.parse(report.legs[0]?.endedAt ?? '');
      expect(world.liveCalls.filter((call) => call.region === 'us-east-1' && call.atMs <= recoveredAt)).toEqual([]);
      // The only us-east-1 calls are the fence's, after recovery (its reads of the old primaries, which time out).
      const fenceCalls = world.liveCalls.filter((call) => call.region === 'us-east-1' && call.atMs > recoveredAt);
      expect(fenceCalls.map((call) => call.client)).toEqual(fenceCalls.map(() => 'RDSClient'));
      expect(report.callsByRegion).toEqual({ 'us-west-2': expect.any(Number), 'us-east-1': fenceCalls.length });
      expect(report.actions.map((action) => [action.operation, action.region])).toEqual(
        expect.arrayContaining([['UpdateRoutingControlStates', 'us-west-2']]),
      );
      expect(report.actions.map((action) => action.operation)).not.toContain('ChangeResourceRecordSets');
      expect(world.resolve('www.storefront.example.com')).toMatchObject({ failover: 'SECONDARY', region: 'us-west-2' });
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
      // Until the failover ended: the fence it starts afterwards tries the old region (never waited on by recovery).
      const recoveredAt = Date.parse(report.legs[0]?.endedAt ?? '');
      expect(world.liveCalls.filter((call) => call.region === 'us-east-1' && call.atMs <= recoveredAt)).toEqual([]);
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
