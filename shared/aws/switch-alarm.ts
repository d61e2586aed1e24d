import { type CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { SWITCH_METRIC } from '../domain/dns-switch';
import type { SwitchAlarmPort, SwitchAlarmState } from '../domain/ports';
import { toSwitchbackError } from './aws-errors';
import { cloudwatchClient } from './sdk/cloudwatch';

const STATES: readonly SwitchAlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/**
 * SwitchAlarmPort over CloudWatch in the standby region: PutMetricData is CloudWatch's data plane, served by the
 * region itself, and neither call goes to the primary region or to us-east-1. Standard resolution (no
 * StorageResolution): Route 53 health checks do not support alarms on high-resolution metrics (Route 53 API,
 * `AlarmIdentifier`).
 */
export class CloudWatchSwitchAlarm implements SwitchAlarmPort {
  readonly #clientFor: (region: string) => CloudWatchClient;

  /** @param options.clientFor - the CloudWatch client of a region; defaults to the shared ones. */
  constructor(options: { clientFor?: (region: string) => CloudWatchClient } = {}) {
    this.#clientFor = options.clientFor ?? ((region) => cloudwatchClient(region));
  }

  async publish(region: string, plan: string, primaryOut: boolean): Promise<void> {
    try {
      await this.#clientFor(region).send(
        new PutMetricDataCommand({
          Namespace: SWITCH_METRIC.namespace,
          MetricData: [
            {
              MetricName: SWITCH_METRIC.name,
              Dimensions: [{ Name: SWITCH_METRIC.dimension, Value: plan }],
              Value: primaryOut ? 1 : 0,
              Unit: 'Count',
            },
          ],
        }),
      );
    } catch (error) {
      throw toSwitchbackError('cloudwatch', 'PutMetricData', error);
    }
  }

  async state(region: string, alarmName: string): Promise<{ value: SwitchAlarmState; since: string } | undefined> {
    try {
      const out = await this.#clientFor(region).send(
        new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm'] }),
      );
      const alarm = out.MetricAlarms?.find((candidate) => candidate.AlarmName === alarmName);
      const value = STATES.find((state) => state === alarm?.StateValue);
      if (!alarm || !value) return undefined;
      const since = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
      return { value, since: (since ? new Date(since) : new Date(0)).toISOString() };
    } catch (error) {
      throw toSwitchbackError('cloudwatch', 'DescribeAlarms', error);
    }
  }
}
