import { join } from 'node:path';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';

/**
 * The drill of a whole us-east-1 outage: the region of the example plan's primary, of Route 53's API and of the
 * HealthCheckStatus alarms. What the product does there, told honestly by the simulator.
 */

const EXAMPLE = join(__dirname, '..', '..', 'plans', 'example.yml');

const drill = (planFile: string, options: Partial<DrillOptions> = {}): Promise<DrillResult> =>
  runDrill({ planFile, scenario: 'us-east-1-outage', seed: 1, slackPreview: false, ...options });

jest.setTimeout(30_000);

describe('runDrill --scenario us-east-1-outage', () => {
  it('starts no failover from an alarm and never reaches Route 53 when the plan edits records', async () => {
    // Act
    const { report, world } = await drill(EXAMPLE);

    // Assess
    expect(world.alarms.transitions()).toEqual([]);
    expect(report.outcome).toBe('failed');
    expect(report.actions.filter((a) => a.operation === 'ChangeResourceRecordSets' && !a.error)).toEqual([]);
    expect(world.resolve('api.orders.example.com')).toMatchObject({ failover: 'SECONDARY' });
  });

  it('stops in Flip DNS with EndpointUnreachableError after bounded retries, recorded and redrivable', async () => {
    // Act
    const { report, runner, lockHolder } = await drill(EXAMPLE);

    // Assess
    const flips = report.timeline.filter((t) => t.state === 'Flip DNS' && t.event === 'failed');
    expect(flips.map((t) => t.error)).toEqual(Array(4).fill('EndpointUnreachableError'));
    expect(flips[0]?.cause).toContain('route53 ListResourceRecordSets');
    expect(report.failure).toMatchObject({ error: 'EndpointUnreachableError' });
    expect(runner.list()[0]?.status).toBe('FAILED');
    expect(lockHolder).toBeNull();
  });
});
