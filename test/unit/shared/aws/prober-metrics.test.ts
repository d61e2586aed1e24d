import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchProberMetrics } from '../../../../shared/aws/prober-metrics';

const cloudwatch = mockClient(CloudWatchClient);

describe('CloudWatchProberMetrics', () => {
  beforeEach(() => cloudwatch.reset());

  it('puts one PrimaryReachable datapoint per plan in the Switchback namespace', async () => {
    // Prepare
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const metrics = new CloudWatchProberMetrics({ client: () => new CloudWatchClient({ region: 'us-west-2' }) });
    const at = new Date('2026-11-25T03:04:00.000Z');

    // Act
    await metrics.putPrimaryReachable('orders', false, at);

    // Assess
    expect(cloudwatch.commandCalls(PutMetricDataCommand).map((call) => call.args[0].input)).toEqual([
      {
        Namespace: 'Switchback',
        MetricData: [
          {
            MetricName: 'PrimaryReachable',
            Dimensions: [{ Name: 'plan', Value: 'orders' }],
            Timestamp: at,
            Value: 0,
            Unit: 'None',
            StorageResolution: 60,
          },
        ],
      },
    ]);
  });

  it('throws the named error when CloudWatch refuses', async () => {
    // Prepare
    cloudwatch.on(PutMetricDataCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
    const metrics = new CloudWatchProberMetrics({ client: () => new CloudWatchClient({ region: 'us-west-2' }) });

    // Act, Assess
    await expect(metrics.putPrimaryReachable('orders', true, new Date())).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});
