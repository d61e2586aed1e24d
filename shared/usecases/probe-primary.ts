import type { HealthEndpointPort, ProberMetricsPort } from '../domain/ports';
import { type ProbeResult, primaryReachable } from '../domain/prober';
import { InvalidRunInputError } from '../errors';
import type { PlanRegistry } from '../plan/registry';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

export interface ProbePrimaryDeps {
  plans: PlanRegistry;
  endpoints: HealthEndpointPort;
  metrics: ProberMetricsPort;
  clock: Clock;
  log: Log;
}

export interface ProbeOutcome {
  plan: string;
  reachable: boolean;
  at: string;
  results: ProbeResult[];
}

/**
 * One round of the standby prober for one plan: every health endpoint of `trigger.prober` at once, each with its
 * own timeout, then one datapoint of `Switchback/PrimaryReachable` in the standby region (1 when every endpoint
 * answered as expected). The alarm on that metric (failuresToAlarm rounds in a row) is the prober's signal.
 *
 * @throws InvalidRunInputError naming `plan` when the plan has no `trigger.prober`
 */
export const probePrimary = async (planName: string, deps: ProbePrimaryDeps): Promise<ProbeOutcome> => {
  const plan = deps.plans.get(planName);
  const prober = plan.trigger.prober;
  if (!prober) {
    throw new InvalidRunInputError([
      {
        path: 'plan',
        message: `plan ${plan.app} has no trigger.prober: add one, or remove this plan's prober schedule`,
      },
    ]);
  }
  const at = deps.clock.now();
  const results = await Promise.all(
    prober.endpoints.map((endpoint) => deps.endpoints.probe(endpoint.url, endpoint.expectStatus, prober.timeoutMs)),
  );
  const reachable = primaryReachable(results);
  await deps.metrics.putPrimaryReachable(plan.app, reachable, at);
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) {
    deps.log.warn('primary not reachable', {
      plan: plan.app,
      failed: failed.map((result) => ({ url: result.url, error: result.ok ? undefined : result.error })),
    });
  } else {
    deps.log.info('primary reachable', { plan: plan.app, ms: Math.max(...results.map((result) => result.ms)) });
  }
  return { plan: plan.app, reachable, at: at.toISOString(), results };
};
