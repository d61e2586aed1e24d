import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchSwitchAlarm } from '../../../../shared/aws/switch-alarm';
import { EndpointUnreachableError, ThrottledError } from '../../../../shared/errors';

const cloudWatch = mockClient(CloudWatchClient);

const adapter = () => {
  const regions: string[] = [];
  const alarm = new CloudWatchSwitchAlarm({
    clientFor: (region) => {
      regions.push(region);
      return new CloudWatchClient({ region });
    },
  });
  return { alarm, regions };
};

describe('CloudWatchSwitchAlarm', () => {
  beforeEach(() => {
    cloudWatch.reset();
  });

  it('publishes PrimaryOut 1 for the plan in Switchback/DnsSwitch, standard resolution, in the region given', async () => {
    // Prepare
    cloudWatch.on(PutMetricDataCommand).resolves({});
    const { alarm, regions } = adapter();

    // Act
    await alarm.publish('us-west-2', 'ledger', true);

    // Assess
    expect(regions).toEqual(['us-west-2']);
    expect(cloudWatch.commandCalls(PutMetricDataCommand).map((call) => call.args[0].input)).toEqual([
      {
        Namespace: 'Switchback/DnsSwitch',
        MetricData: [
          { MetricName: 'PrimaryOut', Dimensions: [{ Name: 'plan', Value: 'ledger' }], Value: 1, Unit: 'Count' },
        ],
      },
    ]);
  });

  it('reads the alarm state and when it took it, and undefined when no such alarm exists', async () => {
    // Prepare
    const at = new Date('2026-11-25T03:06:00.000Z');
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [{ AlarmName: 'ledger-primary-out', StateValue: 'ALARM', StateTransitionedTimestamp: at }],
      })
      .resolvesOnce({ MetricAlarms: [] });
    const { alarm } = adapter();

    // Act
    const found = await alarm.state('us-west-2', 'ledger-primary-out');
    const missing = await alarm.state('us-west-2', 'ledger-primary-out');

    // Assess
    expect(found).toEqual({ value: 'ALARM', since: at.toISOString() });
    expect(missing).toBeUndefined();
  });

  it('turns no answer into EndpointUnreachableError and throttling into ThrottledError', async () => {
    // Prepare
    cloudWatch
      .on(PutMetricDataCommand)
      .rejects(Object.assign(new Error('timed out'), { name: 'TimeoutError', $metadata: {} }));
    cloudWatch
      .on(DescribeAlarmsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    const { alarm } = adapter();

    // Act
    const publish = alarm.publish('us-west-2', 'ledger', false);
    const read = alarm.state('us-west-2', 'ledger-primary-out');

    // Assess
    await expect(publish).rejects.toThrow(EndpointUnreachableError);
    await expect(read).rejects.toThrow(ThrottledError);
  });
});
