import { SWITCH_METRIC, switchAlarmInSync } from '../domain/dns-switch';
import { pollSeconds } from '../domain/polling';
import type { EventsPort, Route53ReadPort, SwitchAlarmPort } from '../domain/ports';
import type { DnsResult, RunContext } from '../domain/run';
import { DnsFlipError } from '../errors';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import { dnsFacts, publishPhase } from './flip-dns';

export interface CheckDnsSyncDeps {
  route53: Route53ReadPort;
  switchAlarm: SwitchAlarmPort;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

export interface CheckDnsSyncInput {
  run: RunContext;
  /** The previous Flip DNS / Check DNS Sync result. */
  dns: DnsResult;
}

/**
 * How long a switch alarm may take to reach the wanted state after "primary out" was published: ten standard
 * periods of 60 s, far beyond the one period plus Route 53's read that it takes (README, "DNS switch on a CloudWatch
 * alarm"). Past it the alarm does not watch what Switchback publishes (wrong metric, dimension or threshold).
 */
export const SWITCH_ALARM_DEADLINE_SECONDS = 600;

/**
 * What to do once the alarm is fixed: the switch was published once, before the fix, and a redrive of Check DNS Sync
 * (the same input, its deadline long past) publishes nothing, so the alarm needs the switch published again by hand;
 * once it reads the wanted state, a redrive finds DNS switched.
 */
const publishByHand = (alarm: NonNullable<DnsResult['switchAlarm']>, plan: string): string =>
  `publish the switch again (aws cloudwatch put-metric-data --region ${alarm.region} --namespace ${SWITCH_METRIC.namespace} ` +
  `--metric-name ${SWITCH_METRIC.name} --dimensions ${SWITCH_METRIC.dimension}=${plan} --value ${alarm.wanted === 'ALARM' ? 1 : 0}), ` +
  `and once the alarm reads ${alarm.wanted}, redrive this run`;

const readSwitchAlarm = async (
  alarm: NonNullable<DnsResult['switchAlarm']>,
  run: RunContext,
  startedAt: string,
  deps: CheckDnsSyncDeps,
): Promise<NonNullable<DnsResult['switchAlarm']>> => {
  if (alarm.state === alarm.wanted) return alarm;
  const read = await deps.switchAlarm.state(alarm.region, alarm.name);
  if (read === undefined) {
    throw new DnsFlipError(
      `The switch alarm "${alarm.name}" no longer exists in ${alarm.region}: DNS does not follow what was published. ` +
        `Create it again (README, "DNS switch on a CloudWatch alarm"), then ${publishByHand(alarm, run.plan)}.`,
    );
  }
  const waited = (deps.clock.now().getTime() - Date.parse(startedAt)) / 1000;
  if (read.value !== alarm.wanted && waited > SWITCH_ALARM_DEADLINE_SECONDS) {
    throw new DnsFlipError(
      `The switch alarm "${alarm.name}" in ${alarm.region} still reads ${read.value} ${Math.round(waited)} s after the ` +
        `switch was published (expected ${alarm.wanted}): it does not watch the metric Switchback publishes. Check its ` +
        `namespace, metric, dimension and threshold against the README ("DNS switch on a CloudWatch alarm"), then ${publishByHand(alarm, run.plan)}.`,
    );
  }
  return { ...alarm, state: read.value, since: read.since };
};

/**
 * Asks Route 53 whether the DNS flip has reached every authoritative server ("Check DNS Sync" in the failover
 * state machine): GetChange for each change still PENDING. Route 53 designs for <= 60 s (aws-facts.md: Route 53
 * API, GetChange), but 60-130 s is typical and incidents have seen more than 10 minutes, so this only reports,
 * and the state machine keeps waiting. For an `alarm-health-check` plan it reads the switch alarm back instead, until
 * it is in the wanted state (ALARM after a failover, OK after a failback). When all are in sync it sets `inSyncAt`
 * and publishes "dns succeeded".
 */
export const checkDnsSync = async (input: CheckDnsSyncInput, deps: CheckDnsSyncDeps): Promise<DnsResult> => {
  const { run, dns } = input;
  if (dns.inSync) return dns;
  const changes: DnsResult['changes'] = [];
  for (const change of dns.changes) {
    if (change.status === 'INSYNC' || change.changeId === null) {
      changes.push(change);
      continue;
    }
    changes.push({ ...change, status: await deps.route53.getChangeStatus(change.changeId) });
  }
  const switchAlarm = dns.switchAlarm && (await readSwitchAlarm(dns.switchAlarm, run, dns.startedAt, deps));
  const now = deps.clock.now();
  const inSync =
    changes.every((change) => change.status === 'INSYNC') && (!switchAlarm || switchAlarmInSync(switchAlarm, now));
  const result: DnsResult = {
    ...dns,
    ...(switchAlarm ? { switchAlarm } : {}),
    changes,
    inSync,
    pollSeconds: pollSeconds('dns', dns.startedAt, now),
    inSyncAt: inSync ? now.toISOString() : undefined,
  };
  deps.log.debug('dns sync checked', {
    pending: changes.filter((c) => c.status === 'PENDING').length,
    switchAlarm: switchAlarm?.state,
  });
  if (inSync) {
    await publishPhase(deps.events, {
      run,
      phase: 'dns',
      status: 'succeeded',
      at: now.toISOString(),
      facts: dnsFacts(result),
    });
  }
  return result;
};
