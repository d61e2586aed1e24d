import { join } from 'node:path';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';

/**
 * The us-east-1 outage drill for a plan that switches DNS with a Route 53 health check on a CloudWatch alarm in the
 * standby region (dnsSwitch.method `alarm-health-check`, plans/example-alarm-dns.yml): what the product does there,
 * told by the simulator, and what it does when the standby region's CloudWatch is down as well.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example-alarm-dns.yml');
const NAME = 'api.ledger.example.com';
const PROMOTIONS = ['PromoteReadReplica', 'FailoverGlobalCluster', 'SwitchoverGlobalCluster'];

const drill = (options: Partial<DrillOptions> = {}): Promise<DrillResult> =>
  runDrill({ planFile: PLAN, scenario: 'us-east-1-outage', seed: 1, slackPreview: false, ...options });

jest.setTimeout(30_000);

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

  it('publishes primary out only after the database is writable, and DNS follows the alarm, not the publish', async () => {
    // Prepare: what DNS answered at each Switchback action
    const answers: { operation: string; region?: string }[] = [];
    const onWorld: DrillOptions['onWorld'] = (world) => {
      const record = world.recordAction.bind(world);
      world.recordAction = (action) => {
        record(action);
        answers.push({ operation: action.operation, region: world.resolve(NAME)?.region });
      };
    };

    // Act
    const { world } = await drill({ onWorld });

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
    const { report, world } = await runDrill({ planFile: PLAN, scenario: 'failback', seed: 1, slackPreview: false });

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
