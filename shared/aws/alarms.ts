import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmReading } from '../domain/readiness';
import { toSwitchbackError } from './aws-errors';
import { cloudwatchClient } from './sdk/cloudwatch';

/**
 * Route 53 health-check metrics (HealthCheckStatus) exist in us-east-1 only (aws-facts.md: Route 53 Developer Guide,
 * "Monitoring health checks using CloudWatch"), so the plans' alarms live there. Readiness reads them; nothing on
 * the failover path waits on this.
 */
export const HEALTH_ALARM_REGION = 'us-east-1';

/**
 * The plans' alarms as readiness reads them (DescribeAlarms): the trigger alarms with the health checks they watch,
 * and, in the standby region, the prober's and the DNS switch's, with what each watches.
 */
export class CloudWatchAlarms {
  readonly #client: () => CloudWatchClient;

  /** @param options.client - the CloudWatch client of us-east-1; defaults to the shared one. */
  constructor(options: { client?: () => CloudWatchClient } = {}) {
    this.#client = options.client ?? (() => cloudwatchClient(HEALTH_ALARM_REGION));
  }

  /** One reading per name, in the order given; an alarm that does not exist has no `alarm`. */
  async describeAlarms(names: readonly string[]): Promise<AlarmReading[]> {
    try {
      // DescribeAlarms takes at most 100 names per call.
      const found = new Map<string, AlarmReading['alarm']>();
      for (let start = 0; start < names.length; start += 100) {
        let token: string | undefined;
        do {
          const out = await this.#client().send(
            new DescribeAlarmsCommand({ AlarmNames: names.slice(start, start + 100), NextToken: token }),
          );
          for (const alarm of out.MetricAlarms ?? []) {
            if (!alarm.AlarmName) continue;
            found.set(alarm.AlarmName, {
              healthCheckIds: (alarm.Dimensions ?? [])
                .filter((dimension) => dimension.Name === 'HealthCheckId' && dimension.Value)
                .map((dimension) => dimension.Value as string),
              periodSeconds: alarm.Period ?? 60,
              evaluationPeriods: alarm.EvaluationPeriods ?? 1,
              metric: {
                ...(alarm.Namespace ? { namespace: alarm.Namespace } : {}),
                ...(alarm.MetricName ? { name: alarm.MetricName } : {}),
                dimensions: (alarm.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })),
                ...(alarm.ComparisonOperator ? { comparison: alarm.ComparisonOperator } : {}),
                ...(alarm.Threshold === undefined ? {} : { threshold: alarm.Threshold }),
                ...(alarm.TreatMissingData ? { treatMissingData: alarm.TreatMissingData } : {}),
              },
            });
          }
          token = out.NextToken;
        } while (token);
      }
      return names.map((name) => {
        const alarm = found.get(name);
        return alarm ? { name, alarm } : { name };
      });
    } catch (error) {
      throw toSwitchbackError('cloudwatch', 'DescribeAlarms', error);
    }
  }
}
