import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AlarmRejection, MetricsPort } from '../domain/ports';
import type { PlanReadiness } from '../domain/readiness';
import type { PhaseName, RunRecord } from '../domain/run';
import { config } from '../runtime/config';
import { type Log, logger } from '../runtime/logger';

/** `promote` -> `PromoteSeconds`: one metric per phase, so each gets its own graph and alarm. */
export const phaseMetricName = (phase: PhaseName): string => `${phase.charAt(0).toUpperCase()}${phase.slice(1)}Seconds`;

/**
 * Recovery metrics as CloudWatch EMF (log lines that CloudWatch turns into metrics, no PutMetricData call on the
 * recovery path): RtoSeconds, RpoSeconds, `<Phase>Seconds`, each with dimensions plan and mode, and a
 * RecoveryOutcome count with an extra outcome dimension.
 *
 * Output is silenced by `POWERTOOLS_METRICS_DISABLED=true` (or `POWERTOOLS_DEV=true` without it), read by
 * Powertools when the Metrics instance is built.
 */
export class EmfMetrics implements MetricsPort {
  readonly #metrics: Metrics;
  // The Powertools logger by default, or any `Log` (tests pass a silent one).
  readonly #log: Log | Logger;

  constructor(options: { metrics?: Metrics; namespace?: string; log?: Log } = {}) {
    this.#metrics =
      options.metrics ??
      new Metrics({ namespace: options.namespace ?? config().METRICS_NAMESPACE, serviceName: 'switchback', logger });
    this.#log = options.log ?? logger;
  }

  /**
   * Emits and flushes the metrics of one run; a run without RTO/RPO (skipped, denied) only counts its outcome.
   * Never throws: a metric that Powertools rejects must not fail the step that records the run.
   */
  recordRun(record: RunRecord): void {
    try {
      this.#emit(record);
    } catch (error) {
      this.#log.warn('metrics not recorded', { errorName: error instanceof Error ? error.name : typeof error });
      this.#metrics.clearMetrics();
      this.#metrics.clearDimensions();
      this.#metrics.clearMetadata();
    }
  }

  /**
   * Emits and flushes one readiness run of a plan, dimension `plan`: PlanReady (1 ready, 0 not; the template's
   * alarm per plan watches it), ProjectedRtoSeconds and, when a lag was measured, ReplicaLagSeconds. Never throws.
   */
  recordReadiness(readiness: PlanReadiness): void {
    const metrics = this.#metrics;
    try {
      metrics.addDimensions({ plan: readiness.plan });
      metrics.addMetric('PlanReady', MetricUnit.Count, readiness.ready ? 1 : 0);
      if (Number.isFinite(readiness.projectedRto.seconds)) {
        metrics.addMetric('ProjectedRtoSeconds', MetricUnit.Seconds, readiness.projectedRto.seconds);
      }
      if (readiness.replicaLagSeconds !== null && Number.isFinite(readiness.replicaLagSeconds)) {
        metrics.addMetric('ReplicaLagSeconds', MetricUnit.Seconds, readiness.replicaLagSeconds);
      }
      metrics.publishStoredMetrics();
    } catch (error) {
      this.#log.warn('metrics not recorded', { errorName: error instanceof Error ? error.name : typeof error });
      metrics.clearMetrics();
      metrics.clearDimensions();
      metrics.clearMetadata();
    }
  }

  /**
   * Counts one alarm event the intake rejected (AlarmEventsRejected, dimension `reason`), so that events lost to
   * a broken rule or a renamed alarm show on a graph and can be alarmed on. Never throws.
   */
  countRejectedAlarmEvent(reason: AlarmRejection): void {
    const metrics = this.#metrics;
    try {
      metrics.addDimensions({ reason });
      metrics.addMetric('AlarmEventsRejected', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    } catch (error) {
      this.#log.warn('metrics not recorded', { errorName: error instanceof Error ? error.name : typeof error });
      metrics.clearMetrics();
      metrics.clearDimensions();
    }
  }

  #emit(record: RunRecord): void {
    const metrics = this.#metrics;
    const dimensions = { plan: record.run.plan, mode: record.run.mode };

    const durations: [string, number][] = [];
    if (record.rto) durations.push(['RtoSeconds', record.rto.actualSeconds]);
    if (record.rpo) durations.push(['RpoSeconds', record.rpo.actualSeconds]);
    for (const phase of record.phases) durations.push([phaseMetricName(phase.name), phase.seconds]);
    const skipped = durations.filter(([, seconds]) => !Number.isFinite(seconds)).map(([name]) => name);
    // EMF serialises NaN as null, which CloudWatch drops with the whole line: leave the bad value out instead.
    if (skipped.length > 0) this.#log.warn('metric values not finite', { metrics: skipped });
    const valid = durations.filter(([, seconds]) => Number.isFinite(seconds));

    // Two flushes: EMF applies a flush's dimensions to all its metrics, and only the outcome count has `outcome`.
    if (valid.length > 0) {
      metrics.addDimensions(dimensions);
      metrics.addMetadata('incidentId', record.run.incidentId);
      for (const [name, seconds] of valid) metrics.addMetric(name, MetricUnit.Seconds, seconds);
      metrics.publishStoredMetrics();
    }

    metrics.addDimensions({ ...dimensions, outcome: record.outcome });
    metrics.addMetadata('incidentId', record.run.incidentId);
    metrics.addMetric('RecoveryOutcome', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  }
}
