import 'aws-sdk-client-mock-jest';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchAlarms } from '../../../../shared/aws/alarms';

const cloudwatch = mockClient(CloudWatchClient);
const adapter = () => new CloudWatchAlarms({ client: () => new CloudWatchClient({ region: 'us-east-1' }) });

describe('CloudWatchAlarms', () => {
  beforeEach(() => cloudwatch.reset());

  it('returns each named alarm with the health checks it watches, and none for an alarm that does not exist', async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'orders-primary-health',
          Dimensions: [{ Name: 'HealthCheckId', Value: 'hc-east' }],
          Period: 60,
          EvaluationPeriods: 2,
        },
      ],
    });

    // Act
    const readings = await adapter().describeAlarms(['orders-primary-health', 'orders-gone']);

    // Assess
    expect(readings).toEqual([
      {
        name: 'orders-primary-health',
        alarm: {
          healthCheckIds: ['hc-east'],
          periodSeconds: 60,
          evaluationPeriods: 2,
          metric: { dimensions: [{ name: 'HealthCheckId', value: 'hc-east' }] },
        },
      },
      { name: 'orders-gone' },
    ]);
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
      AlarmNames: ['orders-primary-health', 'orders-gone'],
    });
  });

  it("returns what an alarm watches and how it judges it: a DNS switch alarm's metric, comparison and missing data", async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'ledger-primary-out',
          Namespace: 'Switchback/DnsSwitch',
          MetricName: 'PrimaryOut',
          Dimensions: [{ Name: 'plan', Value: 'ledger' }],
          Period: 60,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
          TreatMissingData: 'ignore',
        },
      ],
    });

    // Act
    const [reading] = await adapter().describeAlarms(['ledger-primary-out']);

    // Assess
    expect(reading?.alarm?.metric).toEqual({
      namespace: 'Switchback/DnsSwitch',
      name: 'PrimaryOut',
      dimensions: [{ name: 'plan', value: 'ledger' }],
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      treatMissingData: 'ignore',
    });
  });
});
