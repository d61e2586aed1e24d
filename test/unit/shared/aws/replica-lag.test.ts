import 'aws-sdk-client-mock-jest';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchReplicaLag } from '../../../../shared/aws/replica-lag';
import { ThrottledError } from '../../../../shared/errors';

const cloudWatch = mockClient(CloudWatchClient);
const at = new Date('2026-11-25T18:10:00.000Z');

const lagFor = () => {
  const regions: string[] = [];
  const lag = new CloudWatchReplicaLag({
    clientFor: (region) => {
      regions.push(region);
      return new CloudWatchClient({ region });
    },
  });
  return { lag, regions };
};

describe('CloudWatchReplicaLag', () => {
  beforeEach(() => {
    cloudWatch.reset();
  });

  it('asks for the Maximum ReplicaLag per minute over the 10 minutes before `at` in the replica region', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const { lag, regions } = lagFor();

    // Act
    await lag.rdsReplicaLagSeconds('us-west-2', 'orders-replica', at);

    // Assess
    expect(regions).toEqual(['us-west-2']);
    expect(cloudWatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date('2026-11-25T18:00:00.000Z'),
      EndTime: at,
      MetricDataQueries: [
        expect.objectContaining({
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'ReplicaLag',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-replica' }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        }),
      ],
    });
  });

  it('returns the newest ReplicaLag in seconds when datapoints are not in time order', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'lag',
          Timestamps: [
            new Date('2026-11-25T18:07:00.000Z'),
            new Date('2026-11-25T18:09:00.000Z'),
            new Date('2026-11-25T18:08:00.000Z'),
          ],
          Values: [40, 12, 90],
        },
      ],
    });
    const { lag } = lagFor();

    // Act
    const seconds = await lag.rdsReplicaLagSeconds('us-west-2', 'orders-replica', at);

    // Assess
    expect(seconds).toBe(12);
  });

  it('counts only the minutes that began at or after `since` (a failback reads the lag after pausing writes)', async () => {
    // Prepare: the minute of 18:09 read 0 (a quiet minute); writes paused at 18:09:30, inside it
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'lag',
          Timestamps: [new Date('2026-11-25T18:08:00.000Z'), new Date('2026-11-25T18:09:00.000Z')],
          Values: [2, 0],
        },
      ],
    });
    const { lag } = lagFor();

    // Act
    const any = await lag.rdsReplicaLagSeconds('us-west-2', 'orders-replica', at);
    const sincePause = await lag.rdsReplicaLagSeconds(
      'us-west-2',
      'orders-replica',
      at,
      new Date('2026-11-25T18:09:30Z'),
    );
    const sinceEarlier = await lag.rdsReplicaLagSeconds(
      'us-west-2',
      'orders-replica',
      at,
      new Date('2026-11-25T18:08:30Z'),
    );

    // Assess: the 0 of the minute the pause fell in does not count for a reading since the pause: none yet
    expect(any).toBe(0);
    expect(sincePause).toBeUndefined();
    expect(sinceEarlier).toBe(0);
  });

  it('converts AuroraGlobalDBRPOLag from milliseconds to seconds for the secondary cluster', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'lag', Timestamps: [new Date('2026-11-25T18:09:00.000Z')], Values: [1500] }],
    });
    const { lag } = lagFor();

    // Act
    const seconds = await lag.auroraRpoLagSeconds('eu-west-1', 'payments-secondary', at);

    // Assess
    expect(seconds).toBe(1.5);
    expect(cloudWatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      MetricDataQueries: [
        expect.objectContaining({
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'AuroraGlobalDBRPOLag',
              Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'payments-secondary' }],
            },
          }),
        }),
      ],
    });
  });

  it('returns undefined when the window holds no datapoint', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'lag', Timestamps: [], Values: [] }] });
    const { lag } = lagFor();

    // Act
    const results = await Promise.all([
      lag.rdsReplicaLagSeconds('us-west-2', 'orders-replica', at),
      lag.auroraRpoLagSeconds('us-west-2', 'payments-secondary', at),
    ]);

    // Assess
    expect(results).toEqual([undefined, undefined]);
  });

  it('throws ThrottledError when CloudWatch throttles', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const { lag } = lagFor();

    // Act
    const reading = lag.rdsReplicaLagSeconds('us-west-2', 'orders-replica', at);

    // Assess
    await expect(reading).rejects.toThrow(ThrottledError);
  });
});
