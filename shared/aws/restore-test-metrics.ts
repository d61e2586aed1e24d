import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RestoreTestRecord } from '../domain/restore-test';
import { config } from '../runtime/config';
import { type Log, logger } from '../runtime/logger';

/** The metrics of one restore test, per plan and database (the alarms in serverless.yml watch them). */
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export const RESTORE_TEST_METRICS = {
  seconds: 'RestoreTestSeconds',
  pointAge: 'RestorePointAgeSeconds',
  passed: 'RestoreTestPassed',
} as const;

/** The metric values of one record: what `EmfRestoreTestMetrics` emits (pure, for tests and the report). */
export const restoreTestMetricValues = (record: RestoreTestRecord): [string, Unit, number][] => {
  const values: [string, Unit, number][] = [[RESTORE_TEST_METRICS.passed, MetricUnit.Count, record.passed ? 1 : 0]];
  if (record.secondsToAvailable !== undefined) {
    values.push([RESTORE_TEST_METRICS.seconds, MetricUnit.Seconds, record.secondsToAvailable]);
  }
  if (record.restorePointAgeSeconds !== undefined) {
    values.push([RESTORE_TEST_METRICS.pointAge, MetricUnit.Seconds, record.restorePointAgeSeconds]);
  }
  return values;
};

/**
 * Restore-test metrics as CloudWatch EMF, dimensions plan and database. Silenced by POWERTOOLS_METRICS_DISABLED.
 * Never throws: a metric Powertools rejects must not fail the step that records the test.
 */
export class EmfRestoreTestMetrics {
  readonly #metrics: Metrics;
  readonly #log: Log;

  constructor(options: { metrics?: Metrics; log?: Log } = {}) {
    this.#metrics =
      options.metrics ?? new Metrics({ namespace: config().METRICS_NAMESPACE, serviceName: 'switchback', logger });
    this.#log = options.log ?? logger;
  }

  record(record: RestoreTestRecord): void {
    try {
      this.#metrics.addDimensions({ plan: record.plan, database: record.databaseId });
      this.#metrics.addMetadata('testId', record.testId);
      for (const [name, unit, value] of restoreTestMetricValues(record)) this.#metrics.addMetric(name, unit, value);
      this.#metrics.publishStoredMetrics();
    } catch (error) {
      this.#log.warn('restore test metrics not recorded', { errorName: error instanceof Error ? error.name : 'Error' });
      this.#metrics.clearMetrics();
      this.#metrics.clearDimensions();
    }
  }
}
