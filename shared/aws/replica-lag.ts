import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { ReplicaLagPort } from '../domain/ports';
import { toSwitchbackError } from './aws-errors';
import { cloudwatchClient } from './sdk/cloudwatch';

/** How far back a reading may be: RDS publishes these metrics every minute, so 10 minutes tolerates gaps. */
const WINDOW_MS = 10 * 60 * 1000;
const PERIOD_SECONDS = 60;

/**
 * Replica lag from CloudWatch, read in the standby's region (where the replica publishes it), so the reading
 * needs nothing from the failed region. Metric names and units: aws-facts.md, "Lag metrics" (RDS/Aurora
 * metrics reference): `ReplicaLag` in seconds per DB instance, `AuroraGlobalDBRPOLag` in milliseconds per
 * secondary DB cluster.
 */
export class CloudWatchReplicaLag implements ReplicaLagPort {
  readonly #clientFor: (region: string) => CloudWatchClient;

  constructor(options: { clientFor?: (region: string) => CloudWatchClient } = {}) {
    this.#clientFor = options.clientFor ?? ((region) => cloudwatchClient(region));
  }

  /**
   * Newest `ReplicaLag` (seconds) of an RDS read replica in the 10 minutes before `at`; with `since`, of a minute
   * that began at or after it (each datapoint is the worst lag of the minute its timestamp begins).
   */
  async rdsReplicaLagSeconds(
    region: string,
    replicaIdentifier: string,
    at: Date,
    since?: Date,
  ): Promise<number | undefined> {
    return this.#newest(region, 'ReplicaLag', 'DBInstanceIdentifier', replicaIdentifier, at, since);
  }

  /** Newest `AuroraGlobalDBRPOLag` of a secondary cluster in the 10 minutes before `at`, converted to seconds. */
  async auroraRpoLagSeconds(region: string, secondaryClusterIdentifier: string, at: Date): Promise<number | undefined> {
    const milliseconds = await this.#newest(
      region,
      'AuroraGlobalDBRPOLag',
      'DBClusterIdentifier',
      secondaryClusterIdentifier,
      at,
    );
    return milliseconds === undefined ? undefined : milliseconds / 1000;
  }

  async #newest(
    region: string,
    metricName: string,
    dimensionName: string,
    identifier: string,
    at: Date,
    since?: Date,
  ): Promise<number | undefined> {
    const command = new GetMetricDataCommand({
      StartTime: new Date(at.getTime() - WINDOW_MS),
      EndTime: at,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'lag',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: metricName,
              Dimensions: [{ Name: dimensionName, Value: identifier }],
            },
            Period: PERIOD_SECONDS,
            // The worst lag within each minute: the data at risk is the largest gap, not the average one.
            Stat: 'Maximum',
          },
        },
      ],
    });
    let output: GetMetricDataCommandOutput;
    try {
      output = await this.#clientFor(region).send(command);
    } catch (error) {
      throw toSwitchbackError('cloudwatch', 'GetMetricData', error);
    }
    return newestValue(output.MetricDataResults ?? [], since?.getTime() ?? Number.NEGATIVE_INFINITY);
  }
}

/**
 * The value of the newest datapoint over all results, of those timestamped at or after `sinceMs`; ordering is not
 * trusted, timestamps are compared.
 */
const newestValue = (results: MetricDataResult[], sinceMs: number): number | undefined => {
  let newest: { at: number; value: number } | undefined;
  for (const result of results) {
    const timestamps = result.Timestamps ?? [];
    const values = result.Values ?? [];
    timestamps.forEach((timestamp, index) => {
      const value = values[index];
      const at = new Date(timestamp).getTime();
      if (value === undefined || Number.isNaN(at) || at < sinceMs) return;
      if (!newest || at > newest.at) newest = { at, value };
    });
  }
  return newest?.value;
};
