import type { ProberSettings } from '../plan/schema';

/**
 * The standby prober's pure part: what one round of probes means, and how long the prober takes to see an outage.
 * The use case (shared/usecases/probe-primary.ts) makes the requests; this decides.
 */

/** One health endpoint's answer to one probe. */
export type ProbeResult =
  | { url: string; ok: true; status: number; ms: number }
  | { url: string; ok: false; ms: number; status?: number; error: string };

/** The metric the prober publishes per plan, in the standby region (1: every endpoint answered as expected). */
export const PROBER_METRIC = { namespace: 'Switchback', name: 'PrimaryReachable', dimension: 'plan' } as const;

/**
 * One round's verdict: the primary is reachable only when every endpoint the plan names answered with its expected
 * status in time. The plan names the endpoints whose failure should count; one flaky endpoint is absorbed by
 * `failuresToAlarm` (probes in a row) and, where the plan has one, by the trigger's quorum.
 */
export const primaryReachable = (results: readonly ProbeResult[]): boolean =>
  results.length > 0 && results.every((result) => result.ok);

/**
 * How long the prober takes, at most, to raise its alarm after the primary stops answering: `failuresToAlarm`
 * failed probes, one per `intervalSeconds` (the alarm's period is the interval, one datapoint per probe), plus one
 * period for the first probe after the outage and CloudWatch's evaluation of the last one.
 */
export const proberDetectionSeconds = (prober: Pick<ProberSettings, 'intervalSeconds' | 'failuresToAlarm'>) =>
  prober.intervalSeconds * prober.failuresToAlarm + prober.intervalSeconds;
