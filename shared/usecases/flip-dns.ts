import { endpointOrder, SWITCH_METRIC, switchAlarmInSync, wantedSwitchAlarmState } from '../domain/dns-switch';
import { recordKey } from '../domain/fence';
import { pollSeconds } from '../domain/polling';
import type {
  ActionLog,
  EventsPort,
  FailoverRecordSet,
  HealthCheckPort,
  LedgerPort,
  Route53Port,
  RoutingControlPort,
  RoutingControlState,
  SwitchAlarmPort,
} from '../domain/ports';
import {
  type ActionRecord,
  DETAIL_TYPES,
  type DnsResult,
  lockOwnerOf,
  type PhaseChangedDetail,
  type PromotionResult,
  type RunContext,
} from '../domain/run';
import type { DnsFence } from '../domain/topology';
import { DnsFlipError } from '../errors';
import type { FailoverRecord, HostedZone, Plan } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import { markPhaseReached } from './mark-phase';

export interface FlipDnsDeps {
  route53: Route53Port;
  /** Health checks the fence inverted (`health-check-inverted`): put back when their record becomes PRIMARY again. */
  healthChecks?: HealthCheckPort;
  /** ARC routing controls (plans with dnsSwitch.method `arc-routing-control`). */
  routingControls: RoutingControlPort;
  /** The switch alarm's metric and state (plans with dnsSwitch.method `alarm-health-check`). */
  switchAlarm: SwitchAlarmPort;
  ledger: Pick<LedgerPort, 'assertLock' | 'markPhase' | 'getTopology'>;
  actions: ActionLog;
  events: EventsPort;
  clock: Clock;
  log: Log;
  /** Region that serves Route 53 record edits (us-east-1), for the action records. */
  route53Region: string;
}

export interface FlipDnsInput {
  run: RunContext;
  plan: Plan;
  promotions: PromotionResult[];
}

/** Short facts for people about each promoted database, for the "promote succeeded" event. */
export const promotionFacts = (promotions: readonly PromotionResult[]): string[] =>
  promotions.map((promotion) => {
    const where = `${promotion.newPrimary.identifier} in ${promotion.newPrimary.region}`;
    const how = promotion.alreadyPromoted ? 'already promoted' : `${promotion.actions.length} action(s)`;
    const lag = promotion.lagSecondsAtPromotion === null ? 'lag unknown' : `lag ${promotion.lagSecondsAtPromotion} s`;
    const dryRun = promotion.actions.some((action) => action.dryRun) ? ', dry run' : '';
    return `${promotion.databaseId} writable (${where}; ${how}; ${lag}${dryRun})`;
  });

/** The time the last database became writable: the end of the promote phase. */
const promoteEndedAt = (promotions: readonly PromotionResult[], fallback: string): string =>
  promotions.reduce<string>((latest, promotion) => {
    const at = promotion.writableAt;
    return at && at > latest ? at : latest;
  }, '') || fallback;

/** A failback moves DNS back to the plan's primary region; every other runbook that flips DNS moves it to the standby. */
const isFailback = (run: Pick<RunContext, 'action'>): boolean => run.action === 'failback';

/** Publishes a Phase Changed event (best effort: EventsPort never throws). */
export const publishPhase = (events: EventsPort, detail: PhaseChangedDetail): Promise<void> =>
  events.publish(DETAIL_TYPES.phaseChanged, detail);

interface ZonePlan {
  zone: HostedZone;
  upserts: FailoverRecordSet[];
  alreadyFlipped: boolean;
}

/**
 * Reads one pair's records and returns the UPSERTs that swap the roles (standby PRIMARY, old primary SECONDARY),
 * keeping every other field of each record as it is; none when the pair is already flipped.
 */
const planPair = async (
  route53: Route53Port,
  zoneId: string,
  pair: FailoverRecord,
  back: boolean,
  fenced: ReadonlyMap<string, string[]> = new Map(),
): Promise<FailoverRecordSet[]> => {
  const records = await route53.listFailoverRecords(zoneId, pair.name, pair.type);
  const find = (setIdentifier: string, role: string): FailoverRecordSet => {
    const record = records.find((candidate) => candidate.setIdentifier === setIdentifier);
    if (!record) {
      throw new DnsFlipError(
        `Hosted zone ${zoneId} has no failover record ${pair.name} ${pair.type} with set identifier ` +
          `"${setIdentifier}" (the plan's ${role}); found: ${records.map((r) => `"${r.setIdentifier}"`).join(', ') || 'none'}. ` +
          "Create it with a Failover routing policy, or fix the plan's dns records.",
      );
    }
    return record;
  };
  const standby = unfence(find(pair.standbySetIdentifier, 'standbySetIdentifier'), zoneId, pair, fenced);
  const primary = unfence(find(pair.primarySetIdentifier, 'primarySetIdentifier'), zoneId, pair, fenced);
  const [next, other] = back ? [primary, standby] : [standby, primary];
  // The record that becomes PRIMARY again answers its own values, not the fence's maintenance target.
  if (next.record.failover === 'PRIMARY' && other.record.failover === 'SECONDARY' && !next.restored) return [];
  return [
    { ...next.record, failover: 'PRIMARY' },
    { ...other.record, failover: 'SECONDARY' },
  ];
};

/**
 * A record the fence pointed at its maintenance target (topology `dnsFences`), with the values it answered before
 * put back; any other record as it is. `restored` says whether it changed.
 */
const unfence = (
  record: FailoverRecordSet,
  zoneId: string,
  pair: FailoverRecord,
  fenced: ReadonlyMap<string, string[]>,
): { record: FailoverRecordSet; restored: boolean } => {
  const replaced = fenced.get(recordKey(zoneId, pair.name, pair.type, record.setIdentifier));
  const values = ((record.rest.ResourceRecords ?? []) as { Value?: string }[]).map((value) => value.Value);
  if (
    !replaced?.length ||
    pair.fence?.method !== 'maintenance-target' ||
    values.length !== 1 ||
    values[0] !== pair.fence.value
  ) {
    return { record, restored: false };
  }
  return {
    record: { ...record, rest: { ...record.rest, ResourceRecords: replaced.map((value) => ({ Value: value })) } },
    restored: true,
  };
};

/**
 * Switches the plan's ARC routing controls: the standby On and the primary Off, in one UpdateRoutingControlStates
 * so that the cluster's safety rules judge the pair together (a rule that keeps at least one control On accepts
 * it; ARC Developer Guide), on the first cluster endpoint that answers (standby region first, the primary region and
 * us-east-1 last). Reads the states first (already switched: no call) and after (the switch must read back).
 */
const switchRoutingControls = async (
  { run, plan }: FlipDnsInput,
  deps: FlipDnsDeps,
): Promise<Pick<DnsResult, 'changes' | 'actions' | 'alreadyFlipped' | 'routingControls'>> => {
  const dnsSwitch = plan.dnsSwitch;
  if (dnsSwitch.method !== 'arc-routing-control') throw new Error('switchRoutingControls needs an ARC plan');
  const endpoints = endpointOrder(dnsSwitch.clusterEndpoints, run.regions);
  // A failback turns them the other way: the primary region's control On, the standby's Off.
  const { standby: toStandby, primary: toPrimary } = dnsSwitch.routingControls;
  const back = isFailback(run);
  const [standby, primary] = back ? [toPrimary, toStandby] : [toStandby, toPrimary];
  const wanted: { arn: string; state: RoutingControlState }[] = [
    { arn: standby, state: 'On' },
    { arn: primary, state: 'Off' },
  ];
  const arns = wanted.map((entry) => entry.arn);
  const matches = (states: Record<string, RoutingControlState>) =>
    wanted.every((entry) => states[entry.arn] === entry.state);
  const before = await deps.routingControls.getStates(endpoints, arns);
  const actions: ActionRecord[] = [];
  const already = matches(before.states);
  let after = before.states;
  if (!already) {
    // The record names the first endpoint tried; the adapter moves on to the next ones when it does not answer.
    const action = await deps.actions.perform(
      {
        service: 'route53-recovery-cluster',
        operation: 'UpdateRoutingControlStates',
        target: `${standby} On, ${primary} Off`,
        region: endpoints[0]?.region ?? run.regions.standby,
      },
      run,
      async () => {
        const { region } = await deps.routingControls.updateStates(endpoints, wanted);
        deps.log.info('routing controls switched', { answeredFrom: region });
      },
    );
    actions.push(action);
    if (!action.dryRun) {
      after = (await deps.routingControls.getStates(endpoints, arns)).states;
      if (!matches(after)) {
        throw new DnsFlipError(
          `The routing controls of plan ${plan.app} read back ${arns.map((arn) => `${arn} ${after[arn]}`).join(', ')} ` +
            `after the switch; expected the ${back ? 'primary' : 'standby'} On and the ${back ? 'standby' : 'primary'} Off. ` +
            'Check the cluster and its safety rules.',
        );
      }
    }
  }
  return {
    changes: [],
    actions,
    alreadyFlipped: already ? arns : [],
    routingControls: arns.map((arn) => ({ arn, state: after[arn] ?? 'Off' })),
  };
};

/**
 * Publishes "primary out" (1; a failback: "primary in", 0) on the plan's PrimaryOut metric in the standby region, whose
 * alarm the Route 53 health check on the primary region's records watches. Reads the alarm first: already in the
 * wanted state (ALARM for a failover, OK for a failback), nothing is published. The alarm changes state only once
 * the datapoint's minute has been evaluated, so the result is not in sync yet: Check DNS Sync reads the alarm back
 * until it is (README, "DNS switch on a CloudWatch alarm": the delay this adds).
 */
const publishSwitchMetric = async (
  { run, plan }: FlipDnsInput,
  deps: FlipDnsDeps,
): Promise<Pick<DnsResult, 'changes' | 'actions' | 'alreadyFlipped' | 'switchAlarm' | 'inSync'>> => {
  const dnsSwitch = plan.dnsSwitch;
  if (dnsSwitch.method !== 'alarm-health-check')
    throw new Error('publishSwitchMetric needs an alarm-health-check plan');
  // The alarm lives where Switchback is deployed and the metric is published: the plan's standby region.
  const region = plan.regions.standby;
  const back = isFailback(run);
  const wanted = wantedSwitchAlarmState(back);
  const before = await deps.switchAlarm.state(region, dnsSwitch.alarmName);
  if (before === undefined) {
    throw new DnsFlipError(
      `Plan ${plan.app} switches DNS with the CloudWatch alarm "${dnsSwitch.alarmName}", which does not exist in ` +
        `${region}. Create it on ${SWITCH_METRIC.namespace} ${SWITCH_METRIC.name} (${SWITCH_METRIC.dimension}=${plan.app}) ` +
        'as the README shows ("DNS switch on a CloudWatch alarm"), or fix dnsSwitch.alarmName.',
    );
  }
  const actions: ActionRecord[] = [];
  const switchAlarm = { name: dnsSwitch.alarmName, region, wanted, state: before.value, since: before.since };
  if (before.value === wanted) {
    // Switched by an earlier attempt: in sync once Route 53 has had the time to read it.
    return {
      changes: [],
      actions,
      alreadyFlipped: [dnsSwitch.alarmName],
      switchAlarm,
      inSync: switchAlarmInSync(switchAlarm, deps.clock.now()),
    };
  }
  const action = await deps.actions.perform(
    {
      service: 'cloudwatch',
      operation: 'PutMetricData',
      target: `${SWITCH_METRIC.namespace} ${SWITCH_METRIC.name} ${SWITCH_METRIC.dimension}=${plan.app}: ${back ? '0 (primary in)' : '1 (primary out)'}`,
      region,
    },
    run,
    () => deps.switchAlarm.publish(region, plan.app, !back),
  );
  actions.push(action);
  return {
    changes: [],
    actions,
    alreadyFlipped: [],
    switchAlarm,
    // A dry run publishes nothing: there is nothing to wait for.
    inSync: action.dryRun,
  };
};

/**
 * The health checks the fence inverted (topology `dnsFences[].healthCheck`) on the records that become PRIMARY now:
 * each is read and, unless it already has it, given back its `Inverted` from before the fence (UpdateHealthCheck at
 * the version read; Route 53's API, us-east-1). A redriven step finds them restored and makes no call.
 */
const restoreInvertedHealthChecks = async (
  { run, plan }: Pick<FlipDnsInput, 'run' | 'plan'>,
  deps: FlipDnsDeps,
  dnsFences: readonly DnsFence[],
): Promise<ActionRecord[]> => {
  const actions: ActionRecord[] = [];
  const byRecord = new Map(dnsFences.flatMap((f) => (f.healthCheck ? [[f.record, f.healthCheck] as const] : [])));
  if (byRecord.size === 0) return actions;
  const healthChecks = deps.healthChecks;
  if (!healthChecks) throw new Error('flipDns needs deps.healthChecks to restore the health checks the fence inverted');
  for (const zone of plan.dns) {
    for (const pair of zone.records) {
      if (pair.fence?.method !== 'health-check-inverted') continue;
      const setIdentifier = isFailback(run) ? pair.primarySetIdentifier : pair.standbySetIdentifier;
      const check = byRecord.get(recordKey(zone.hostedZoneId, pair.name, pair.type, setIdentifier));
      if (!check) continue;
      const now = await healthChecks.getInversion(check.id);
      if (!now || now.inverted === check.inverted) continue;
      actions.push(
        await deps.actions.perform(
          {
            service: 'route53',
            operation: 'UpdateHealthCheck',
            target: `healthcheck/${check.id} Inverted=${check.inverted}`,
            region: deps.route53Region,
          },
          run,
          () => healthChecks.setInverted(check.id, check.inverted, now.version),
        ),
      );
    }
  }
  return actions;
};

/** Reads every pair of every zone first (a missing record fails before anything changes), then changes each zone. */
const changeZones = async (
  { run, plan }: FlipDnsInput,
  deps: FlipDnsDeps,
): Promise<{ zones: ZonePlan[]; changes: DnsResult['changes']; actions: ActionRecord[] }> => {
  const zones: ZonePlan[] = [];
  const changes: DnsResult['changes'] = [];
  const actions: ActionRecord[] = [];
  // Records the fence kept out of DNS: the one that serves again gets its own values back.
  const fencing = plan.dns.some((zone) => zone.records.some((record) => record.fence));
  const dnsFences = fencing ? ((await deps.ledger.getTopology(plan.app))?.dnsFences ?? []) : [];
  const fenced = new Map(dnsFences.map((f) => [f.record, f.replaced]));
  for (const zone of plan.dns) {
    const upserts: FailoverRecordSet[] = [];
    for (const pair of zone.records) {
      upserts.push(...(await planPair(deps.route53, zone.hostedZoneId, pair, isFailback(run), fenced)));
    }
    zones.push({ zone, upserts, alreadyFlipped: upserts.length === 0 });
  }
  // Once everything is read, before any record moves: a record that became PRIMARY with its health check still
  // inverted would read unhealthy while its region answers, and Route 53 would answer the other region.
  actions.push(...(await restoreInvertedHealthChecks({ run, plan }, deps, dnsFences)));

  for (const { zone, upserts, alreadyFlipped } of zones) {
    if (alreadyFlipped) {
      // Flipped by an earlier attempt of this step; its change may still be propagating, but no id is left to ask.
      changes.push({ hostedZoneId: zone.hostedZoneId, changeId: null, status: 'INSYNC' });
      continue;
    }
    const comment = isFailback(run)
      ? `Switchback ${run.incidentId}: fail ${plan.app} back to ${run.regions.primary}`
      : `Switchback ${run.incidentId}: fail over ${plan.app} to ${run.regions.standby}`;
    const names = upserts.filter((record) => record.failover === 'PRIMARY').map((r) => `${r.name} ${r.type}`);
    const { change, action } = await upsertZone(run, deps, zone.hostedZoneId, upserts, names.join(', '), comment);
    actions.push(action);
    changes.push(change);
  }
  return { zones, changes, actions };
};

/**
 * One ChangeResourceRecordSets of a zone's UPSERTs (Route 53's API), as an action of the run (planned only in a dry
 * run): the change to wait for, PENDING until Check DNS Sync reads it INSYNC.
 */
const upsertZone = async (
  run: RunContext,
  deps: FlipDnsDeps,
  hostedZoneId: string,
  upserts: FailoverRecordSet[],
  what: string,
  comment: string,
): Promise<{ change: DnsResult['changes'][number]; action: ActionRecord }> => {
  let changeId: string | null = null;
  const action = await deps.actions.perform(
    {
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      target: `${hostedZoneId}: ${what}`,
      region: deps.route53Region,
    },
    run,
    async () => {
      changeId = await deps.route53.upsertRecords(hostedZoneId, upserts, comment);
    },
  );
  return { change: { hostedZoneId, changeId, status: action.dryRun ? 'INSYNC' : 'PENDING' }, action };
};

/**
 * A failback of a plan that switches DNS without editing records (ARC routing controls, a switch alarm): the records
 * of the primary region that the fence pointed at their maintenance target get their own values back (topology
 * `dnsFences`), one ChangeResourceRecordSets per zone (Route 53's API), before the switch moves traffic to them;
 * their roles stay as they are. A record that answers its own values already (an earlier attempt) is not changed.
 * Check DNS Sync waits for the changes to be INSYNC.
 */
const restoreFencedRecords = async (
  { run, plan }: Pick<FlipDnsInput, 'run' | 'plan'>,
  deps: FlipDnsDeps,
): Promise<{ changes: DnsResult['changes']; actions: ActionRecord[] }> => {
  const changes: DnsResult['changes'] = [];
  const actions: ActionRecord[] = [];
  const edited = (zone: HostedZone) => zone.records.filter((record) => record.fence?.method === 'maintenance-target');
  if (!isFailback(run) || !plan.dns.some((zone) => edited(zone).length > 0)) return { changes, actions };
  const dnsFences = (await deps.ledger.getTopology(plan.app))?.dnsFences ?? [];
  const fenced = new Map(
    dnsFences.filter((f) => f.region === run.regions.primary && f.replaced?.length).map((f) => [f.record, f.replaced]),
  );
  if (fenced.size === 0) return { changes, actions };
  for (const zone of plan.dns) {
    const upserts: FailoverRecordSet[] = [];
    for (const pair of edited(zone)) {
      const records = await deps.route53.listFailoverRecords(zone.hostedZoneId, pair.name, pair.type);
      const primary = records.find((record) => record.setIdentifier === pair.primarySetIdentifier);
      if (!primary) continue;
      const { record, restored } = unfence(primary, zone.hostedZoneId, pair, fenced);
      if (restored) upserts.push(record);
    }
    if (upserts.length === 0) continue;
    const { change, action } = await upsertZone(
      run,
      deps,
      zone.hostedZoneId,
      upserts,
      upserts.map((r) => `${r.name} ${r.type} "${r.setIdentifier}" unfenced`).join(', '),
      `Switchback ${run.incidentId}: give ${plan.app}'s fenced records in ${run.regions.primary} their values back`,
    );
    actions.push(action);
    changes.push(change);
  }
  return { changes, actions };
};

/**
 * Switches DNS to the standby ("Flip DNS" in the failover state machine) by the plan's `dnsSwitch.method`. With
 * `arc-routing-control`, see switchRoutingControls (no Route 53 call at all). With `route53-records` (the default),
 * flips the plan's Route 53 failover records: per hosted zone, one
 * ChangeResourceRecordSets that UPSERTs both records of every pair, the standby becoming PRIMARY and the old primary
 * SECONDARY, so that Route 53 does not send traffic back by itself when the old primary's health check recovers
 * (aws-facts.md: Route 53 Developer Guide, failover routing). One batch per zone keeps the call count within
 * the Route 53 API rate (aws-facts.md: "Throttling of API requests"). A zone whose pairs are all flipped already
 * makes no call. Everything is read before anything is changed, so a missing record fails the step before any
 * zone is touched. In a dry run no change is made: the planned actions are recorded and the result is in sync.
 */
export const flipDns = async (input: FlipDnsInput, deps: FlipDnsDeps): Promise<DnsResult> => {
  const { run } = input;
  await markPhaseReached(deps, run, 'dns', deps.clock.now().toISOString());
  if (run.mode !== 'dry-run') await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
  const startedAt = deps.clock.now().toISOString();
  // Announced while the records are read and changed, not before: notification never delays recovery.
  const announced = publishPhase(deps.events, {
    run,
    phase: 'promote',
    status: 'succeeded',
    at: promoteEndedAt(input.promotions, startedAt),
    facts: promotionFacts(input.promotions),
  }).then(() => publishPhase(deps.events, { run, phase: 'dns', status: 'started', at: startedAt }));

  // Even when the flip fails, the promote phase did succeed: let its event leave before the step ends.
  const method = input.plan.dnsSwitch.method;
  const switched: Pick<DnsResult, 'changes' | 'actions' | 'alreadyFlipped' | 'routingControls' | 'switchAlarm'> & {
    inSync?: boolean;
  } = await (method === 'route53-records'
    ? changeZones(input, deps).then(({ zones, changes, actions }) => ({
        changes,
        actions,
        alreadyFlipped: zones.filter((zone) => zone.alreadyFlipped).map((zone) => zone.zone.hostedZoneId),
      }))
    : restoreFencedRecords(input, deps).then(async (restored) => {
        const switchedNow = await (method === 'arc-routing-control'
          ? switchRoutingControls(input, deps)
          : publishSwitchMetric(input, deps));
        return {
          ...switchedNow,
          changes: [...restored.changes, ...switchedNow.changes],
          actions: [...restored.actions, ...switchedNow.actions],
        };
      })
  ).finally(() => announced);

  const now = deps.clock.now();
  // Routing controls that read back switched are in sync: ARC has no change to wait for (no GetChange). A switch
  // alarm is in sync once it reads the wanted state.
  const { inSync: switchedInSync, ...outcome } = switched;
  const inSync = (switchedInSync ?? true) && switched.changes.every((change) => change.status === 'INSYNC');
  const result: DnsResult = {
    ...outcome,
    inSync,
    pollSeconds: pollSeconds('dns', startedAt, now),
    startedAt,
    inSyncAt: inSync ? now.toISOString() : undefined,
  };
  deps.log.info('dns flipped', {
    method,
    zones: switched.changes.length,
    alreadyFlipped: result.alreadyFlipped.length,
    inSync,
  });
  if (inSync) {
    // Check DNS Sync will not run: say here that the phase is over.
    await publishPhase(deps.events, {
      run,
      phase: 'dns',
      status: 'succeeded',
      at: result.inSyncAt ?? startedAt,
      facts: dnsFacts(result),
    });
  }
  return result;
};

/** Short facts for people about the DNS flip, for the "dns succeeded" event. */
export const dnsFacts = (dns: DnsResult): string[] => [
  ...(dns.routingControls ?? []).map((control) => `routing control ${control.arn.split('/').pop()} ${control.state}`),
  ...(dns.switchAlarm
    ? [
        `switch alarm ${dns.switchAlarm.name} ${dns.switchAlarm.state}${dns.alreadyFlipped.includes(dns.switchAlarm.name) ? ' (already switched)' : ''}`,
      ]
    : []),
  ...dns.changes.map((change) => {
    if (dns.alreadyFlipped.includes(change.hostedZoneId)) return `${change.hostedZoneId} already flipped`;
    // An ARC or alarm plan changes records only to give the fenced ones their values back (a failback).
    const [done, planned] =
      dns.routingControls || dns.switchAlarm ? ['records unfenced', 'unfence'] : ['flipped', 'flip'];
    if (change.changeId === null) return `${change.hostedZoneId} ${planned} planned (dry run)`;
    return `${change.hostedZoneId} ${done} (${change.changeId}) ${change.status}`;
  }),
];
