import { endpointOrder } from '../domain/dns-switch';
import type { Route53Port, RoutingControlPort, SwitchAlarmPort } from '../domain/ports';
import type { RunContext } from '../domain/run';
import { DnsSwitchUnavailableError, EndpointUnreachableError } from '../errors';
import type { Plan } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

export interface CheckDnsSwitchDeps {
  route53: Route53Port;
  routingControls: RoutingControlPort;
  switchAlarm: SwitchAlarmPort;
  clock: Clock;
  log: Log;
}

export interface CheckDnsSwitchInput {
  run: RunContext;
  plan: Plan;
}

/** What "Check DNS Switch" found: the switch's API answered, from where. */
export interface DnsSwitchCheck {
  method: Plan['dnsSwitch']['method'];
  /** Region of the endpoint that answered (us-east-1 for Route 53's API, the standby region's CloudWatch for a switch alarm). */
  answeredFrom: string;
  checkedAt: string;
}

const ROUTE53_DOWN =
  "Route 53's API (its control plane, served from us-east-1 only) does not answer ListResourceRecordSets, so the " +
  'failover records cannot be changed now.';

/**
 * "Check DNS Switch", before any database changes: can the plan's DNS switch be made now? It reads what the switch
 * will write, through the same API: the first failover record pair of each hosted zone (`route53-records`), the
 * two routing controls on the cluster's endpoints (`arc-routing-control`), or the switch alarm in the standby
 * region (`alarm-health-check`; a missing alarm stops the run here too, since publishing would move nothing). When that API does not answer within the
 * clients' timeouts it throws DnsSwitchUnavailableError, which says why and that no database was changed: the run
 * stops there (after the ASL's bounded retries), recorded, instead of promoting databases that no DNS change could
 * follow: a failover is redriven; a failback lifts its write pause and is started again (a redrive would go on
 * without the pause: statemachines/failback.asl.json "Resume Writes After Error").
 */
export const checkDnsSwitch = async ({ run, plan }: CheckDnsSwitchInput, deps: CheckDnsSwitchDeps) => {
  const dnsSwitch = plan.dnsSwitch;
  try {
    let answeredFrom: string;
    if (dnsSwitch.method === 'arc-routing-control') {
      const endpoints = endpointOrder(dnsSwitch.clusterEndpoints, run.regions);
      const read = await deps.routingControls.getStates(endpoints, [
        dnsSwitch.routingControls.standby,
        dnsSwitch.routingControls.primary,
      ]);
      answeredFrom = read.region;
    } else if (dnsSwitch.method === 'alarm-health-check') {
      answeredFrom = plan.regions.standby;
      const alarm = await deps.switchAlarm.state(answeredFrom, dnsSwitch.alarmName);
      if (alarm === undefined) {
        throw new DnsSwitchUnavailableError(
          `Plan ${plan.app} switches DNS with the CloudWatch alarm "${dnsSwitch.alarmName}", which does not exist in ` +
            `${answeredFrom}: publishing "primary out" would move no DNS answer. No database was changed. Create the ` +
            'alarm and its Route 53 health check (README, "DNS switch on a CloudWatch alarm") or fix ' +
            'dnsSwitch.alarmName, then redrive this run.',
        );
      }
    } else {
      for (const zone of plan.dns) {
        const [pair] = zone.records;
        if (pair) await deps.route53.listFailoverRecords(zone.hostedZoneId, pair.name, pair.type);
      }
      answeredFrom = 'us-east-1';
    }
    if (run.action === 'failback' && dnsSwitch.method !== 'route53-records') {
      // Flip DNS Back gives the records the fence pointed at maintenance their values back, through Route 53's API,
      // before it switches: that API must answer too, before any database moves.
      for (const zone of plan.dns) {
        for (const pair of zone.records.filter((record) => record.fence?.method === 'maintenance-target')) {
          await deps.route53.listFailoverRecords(zone.hostedZoneId, pair.name, pair.type);
        }
      }
    }
    const check: DnsSwitchCheck = { method: dnsSwitch.method, answeredFrom, checkedAt: deps.clock.now().toISOString() };
    deps.log.info('dns switch reachable', { ...check });
    return check;
  } catch (error) {
    if (!(error instanceof EndpointUnreachableError)) throw error;
    const why =
      error.service === 'route53' && dnsSwitch.method !== 'route53-records'
        ? "Route 53's API (its control plane, served from us-east-1 only) does not answer ListResourceRecordSets, so " +
          'the records the fence pointed at maintenance cannot get their values back now, which the failback does ' +
          'before it switches.'
        : dnsSwitch.method === 'arc-routing-control'
          ? `No endpoint of the ARC cluster answers (${error.operation}), so the routing controls cannot be switched now.`
          : dnsSwitch.method === 'alarm-health-check'
            ? `CloudWatch in ${plan.regions.standby} does not answer (${error.operation}), so "primary out" cannot be ` +
              "published now; Route 53 keeps the health check's last known status meanwhile, so DNS stays where it is."
            : ROUTE53_DOWN;
    const fix =
      error.service === 'route53' && dnsSwitch.method !== 'route53-records'
        ? "Start the failback again once Route 53's API answers."
        : dnsSwitch.method === 'route53-records'
          ? "Redrive this run once Route 53's API answers, or give the plan dnsSwitch.method arc-routing-control or " +
            'alarm-health-check, neither of which depends on us-east-1.'
          : dnsSwitch.method === 'alarm-health-check'
            ? `Redrive this run once CloudWatch in ${plan.regions.standby} answers.`
            : 'Redrive this run once an endpoint answers.';
    throw new DnsSwitchUnavailableError(
      `Plan ${plan.app} switches DNS with ${dnsSwitch.method}: ${why} No database was changed. ${fix}`,
      error,
    );
  }
};
