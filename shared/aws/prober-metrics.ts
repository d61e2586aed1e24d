import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { ProberMetricsPort } from '../domain/ports';
import { PROBER_METRIC } from '../domain/prober';
import { toSwitchbackError } from './aws-errors';
import { cloudwatchClient } from './sdk/cloudwatch';

/**
 * The prober's metric, put with PutMetricData in the deployment's region (the plans' standby region), where its
 * alarm lives: neither the primary region nor us-east-1 is on this path. PutMetricData rather than an EMF log line:
 * the alarm sees the datapoint as soon as it is put, without the log-to-metric extraction in between.
 */
export class CloudWatchProberMetrics implements ProberMetricsPort {
  readonly #client: () => CloudWatchClient;

  /** @param options.client - the CloudWatch client of the deployment's region; defaults to the shared one. */
  constructor(options: { client?: () => CloudWatchClient } = {}) {
    this.#client = options.client ?? (() => cloudwatchClient());
  }

  async putPrimaryReachable(plan: string, reachable: boolean, at: Date): Promise<void> {
    try {
      await this.#client().send(
        new PutMetricDataCommand({
          Namespace: PROBER_METRIC.namespace,
          MetricData: [
            {
              MetricName: PROBER_METRIC.name,
              Dimensions: [{ Name: PROBER_METRIC.dimension, Value: plan }],
              Timestamp: at,
              Value: reachable ? 1 : 0,
              Unit: 'None',
              // Standard resolution: the alarm's period is whole minutes (the scheduler's finest rate).
              StorageResolution: 60,
            },
          ],
        }),
      );
    } catch (error) {
      throw toSwitchbackError('cloudwatch', 'PutMetricData', error);
    }
  }
}
