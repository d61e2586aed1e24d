import type { ClusterEndpoint } from './ports';

/** The region of Route 53's control plane (record edits, GetChange): aws-facts.md, Route 53 Developer Guide. */
export const ROUTE53_CONTROL_PLANE_REGION = 'us-east-1';

/**
 * The order in which to try an ARC cluster's endpoints during a failover: the standby region's first (the region
 * Switchback runs in and is failing over to), then the others as the plan lists them, and last the failed primary
 * region and us-east-1, the two regions a failover must not wait on. All are kept: any of the five can answer
 * (ARC Developer Guide, "Data and control planes for routing control").
 */
export const endpointOrder = (
  endpoints: readonly ClusterEndpoint[],
  regions: { primary: string; standby: string },
): ClusterEndpoint[] => {
  const rank = (endpoint: ClusterEndpoint): number => {
    if (endpoint.region === regions.standby) return 0;
    if (endpoint.region === regions.primary || endpoint.region === ROUTE53_CONTROL_PLANE_REGION) return 2;
    return 1;
  };
  // Array.prototype.sort is stable: equal ranks keep the plan's order.
  return [...endpoints].sort((a, b) => rank(a) - rank(b));
};

/**
 * The metric of `alarm-health-check` plans: Switchback publishes 1 ("primary out") on a failover and 0 ("primary
 * in") on a failback, with PutMetricData in the standby region; the plan's alarm there watches it, and the Route 53
 * health check on the primary region's records watches the alarm. A fixed namespace, so that IAM can hold
 * PutMetricData to it (condition key `cloudwatch:namespace`).
 */
export const SWITCH_METRIC = { namespace: 'Switchback/DnsSwitch', name: 'PrimaryOut', dimension: 'plan' } as const;

/** The alarm state that says DNS is switched: ALARM after a failover (primary out), OK after a failback. */
export const wantedSwitchAlarmState = (back: boolean): 'ALARM' | 'OK' => (back ? 'OK' : 'ALARM');

/**
 * How long an `alarm-health-check` switch takes to show in DNS answers, before the record TTL, as the README and
 * readiness's projected RTO state it:
 * - the alarm: Route 53 supports standard-resolution metrics only (Route 53 API, `AlarmIdentifier`), so the alarm's
 *   period is at least 60 s, and the datapoint published in a minute is evaluated when that minute has ended: up
 *   to one period;
 * - Route 53's health checkers then read the alarm's data stream (Route 53 Developer Guide, "How Route 53
 *   determines whether a health check is healthy"); AWS publishes no figure for that delay, so we state 30 s, the
 *   default interval of an endpoint health check (modelling choice; the drill's timing model uses the same).
 */
export const ALARM_SWITCH_DELAY = { alarmPeriodSeconds: 60, healthCheckReadSeconds: 30 } as const;
export const ALARM_SWITCH_DELAY_SECONDS =
  ALARM_SWITCH_DELAY.alarmPeriodSeconds + ALARM_SWITCH_DELAY.healthCheckReadSeconds;

/**
 * Whether a switch alarm's DNS switch is done: the alarm is in the wanted state, and has been for Route 53's read of
 * its data stream (ALARM_SWITCH_DELAY.healthCheckReadSeconds). The health check's own status is read through Route
 * 53's API in us-east-1 only, which the live path does not call: the stated delay stands in for it.
 */
export const switchAlarmInSync = (
  alarm: { wanted: 'ALARM' | 'OK'; state: string; since: string },
  now: Date,
): boolean =>
  alarm.state === alarm.wanted &&
  now.getTime() - Date.parse(alarm.since) >= ALARM_SWITCH_DELAY.healthCheckReadSeconds * 1000;
