import { awsErrorName, isUnreachable } from '../../aws/aws-errors';
import type { DnsFenceResult, RecordFenceTarget } from '../../domain/fence';
import type { ActionLog, HealthCheckPort, LedgerPort, Route53Port, RoutingControlPort } from '../../domain/ports';
import { type ActionRecord, lockOwnerOf, type RunContext } from '../../domain/run';
import { EndpointUnreachableError } from '../../errors';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { FENCE_MAX_CHECKS } from './fence-database';

/** Seconds between two GetChange reads: Route 53 designs a change to be INSYNC within 60 s (aws-facts.md, GetChange). */
export const RECORD_FENCE_POLL_SECONDS = 15;
/** The TTL of a fenced record that was an alias (an alias has none): the failover records' recommended 60 s. */
const FENCED_TTL_SECONDS = 60;

export interface FenceRecordDeps {
  route53: Pick<Route53Port, 'listFailoverRecords' | 'upsertRecords' | 'getChangeStatus'>;
  /** health-check-inverted fences. */
  healthChecks: HealthCheckPort;
  /** routing-control-off fences: ARC's data plane. */
  routingControls: RoutingControlPort;
  ledger: Pick<LedgerPort, 'assertLock'>;
  actions: ActionLog;
  clock: Clock;
  log: Log;
}

export interface FenceRecordInput {
  run: RunContext;
  target: RecordFenceTarget;
  /** The previous check of this record, when the ASL loops back after a Wait. */
  previous?: DnsFenceResult;
}

const valuesOf = (rest: Record<string, unknown>): string[] =>
  ((rest.ResourceRecords ?? []) as { Value?: string }[]).map((record) => record.Value ?? '');

const sameName = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');

type Extra = {
  verified?: boolean;
  changeId?: string;
  replaced?: string[];
  healthCheck?: { id: string; inverted: boolean };
};
type Result = (state: DnsFenceResult['state'], done: boolean, detail: string, extra?: Extra) => DnsFenceResult;

/**
 * "Fence Record": one check (and, when needed, one change) of one record of the old region, by the plan's
 * `dns[].records[].fence.method`: the record pointed at its maintenance target (fenceWithMaintenanceTarget), the
 * old region's routing control kept Off (fenceWithRoutingControl), or the record's health check inverted
 * (fenceWithInvertedHealthCheck). Each reads first (already fenced: verified, no second change), changes only after
 * the lock check (only planned in a dry run), and reads back what it changed: the time it verified is recorded.
 * What does not answer makes the record `unreachable` (recorded, never waited on: the fence retry comes back); a
 * refusal that no retry will change (a safety rule, a health check the record does not carry) ends the step
 * `unknown` with the reason, not fenced yet.
 */
export const fenceRecord = async (input: FenceRecordInput, deps: FenceRecordDeps): Promise<DnsFenceResult> => {
  const { target, previous } = input;
  const now = deps.clock.now().toISOString();
  const checks = (previous?.checks ?? 0) + 1;
  const actions: ActionRecord[] = [...(previous?.actions ?? [])];
  const result: Result = (state, done, detail, extra = {}) => ({
    key: target.key,
    state,
    done: done || checks >= FENCE_MAX_CHECKS,
    pollSeconds: RECORD_FENCE_POLL_SECONDS,
    checks,
    detail: !done && checks >= FENCE_MAX_CHECKS ? `${detail}; gave up after ${checks} checks` : detail,
    checkedAt: now,
    ...(extra.verified ? { verifiedAt: now } : {}),
    ...(extra.changeId ? { changeId: extra.changeId } : {}),
    replaced: extra.replaced ?? previous?.replaced ?? [],
    ...((extra.healthCheck ?? previous?.healthCheck)
      ? { healthCheck: extra.healthCheck ?? previous?.healthCheck }
      : {}),
    actions,
  });
  const change: Step['change'] = async (action, call) => {
    if (input.run.mode !== 'dry-run') {
      await deps.ledger.assertLock(input.run.plan, lockOwnerOf(input.run), input.run.epoch, deps.clock.now());
    }
    const performed = await deps.actions.perform(action, input.run, call);
    actions.push(performed);
    return performed;
  };
  const unanswered: Step['unanswered'] = (error, detail) => {
    if (error instanceof EndpointUnreachableError || isUnreachable(error)) {
      deps.log.warn('record fence endpoint did not answer', { record: target.key, method: target.fence.method });
      return result('unreachable', true, detail);
    }
    throw error;
  };
  const step = {
    input,
    deps,
    result,
    change,
    unanswered,
    label: `${target.name} ${target.type} "${target.setIdentifier}" (${target.region})`,
  };
  if (target.fence.method === 'routing-control-off') return fenceWithRoutingControl(step);
  if (target.fence.method === 'health-check-inverted') return fenceWithInvertedHealthCheck(step);
  return fenceWithMaintenanceTarget(step, target.fence.value);
};

interface Step {
  input: FenceRecordInput;
  deps: FenceRecordDeps;
  result: Result;
  /** The one change a check may make: after the lock check (a dry run only plans it), kept in the run's actions. */
  change: (action: Omit<ActionRecord, 'at' | 'dryRun'>, call: () => Promise<void>) => Promise<ActionRecord>;
  /** An endpoint that did not answer makes the record `unreachable` (the fence retry comes back); anything else throws. */
  unanswered: (error: unknown, detail: string) => DnsFenceResult;
  label: string;
}

/**
 * The record is read first: one that already answers only the maintenance target is fenced; otherwise it is
 * UPSERTed with the maintenance target as its only value, keeping its set identifier, failover role and health
 * check, and the step polls GetChange until INSYNC, the time it records as verified. A record that no longer exists
 * answers nothing: fenced. Route 53's API is served from us-east-1 only.
 */
const fenceWithMaintenanceTarget = async (
  { input: { run, target, previous }, deps, change, unanswered, result, label }: Step,
  value: string,
): Promise<DnsFenceResult> => {
  try {
    if (previous?.changeId) {
      const status = await deps.route53.getChangeStatus(previous.changeId);
      if (status === 'INSYNC') {
        return result('fenced', true, `${label} answers ${value} (change INSYNC)`, { verified: true });
      }
      return result('unknown', false, `${label}: change ${previous.changeId} is PENDING`, {
        changeId: previous.changeId,
      });
    }
    const records = await deps.route53.listFailoverRecords(target.hostedZoneId, target.name, target.type);
    const record = records.find((candidate) => candidate.setIdentifier === target.setIdentifier);
    if (!record) return result('fenced', true, `${label} no longer exists: it answers nothing`, { verified: true });
    const values = valuesOf(record.rest);
    if (record.rest.AliasTarget === undefined && values.length === 1 && sameName(values[0] ?? '', value)) {
      return result('fenced', true, `${label} already answers ${value}`, { verified: true });
    }
    const replaced =
      values.length > 0
        ? values
        : [String((record.rest.AliasTarget as { DNSName?: string } | undefined)?.DNSName ?? '')].filter(Boolean);
    const { AliasTarget: _alias, ResourceRecords: _values, TTL, ...kept } = record.rest;
    let changeId: string | undefined;
    await change(
      { service: 'route53', operation: 'ChangeResourceRecordSets', target: target.hostedZoneId, region: 'us-east-1' },
      async () => {
        changeId = await deps.route53.upsertRecords(
          target.hostedZoneId,
          [
            {
              ...record,
              rest: {
                ...kept,
                TTL: typeof TTL === 'number' ? TTL : FENCED_TTL_SECONDS,
                ResourceRecords: [{ Value: value }],
              },
            },
          ],
          `Switchback ${run.incidentId}: fence ${target.region}, ${target.name} to its maintenance target`,
        );
      },
    );
    if (run.mode === 'dry-run') return result('unknown', true, `would point ${label} at ${value}`);
    return result('unknown', false, `pointing ${label} at ${value}`, {
      ...(changeId ? { changeId } : {}),
      replaced,
    });
  } catch (error) {
    return unanswered(error, `Route 53's API (us-east-1) did not answer: ${label} not fenced yet`);
  }
};

/**
 * The old region's routing control is read on the cluster's endpoints (the active region's first, the old region's
 * and us-east-1's last: ARC's data plane needs neither); Off is verified. On, it is turned Off (one
 * UpdateRoutingControlStates, which the cluster's safety rules judge: one that would leave no control On refuses it)
 * and read back. No Route 53 call: the record's health check is the routing control's.
 */
const fenceWithRoutingControl = async ({
  input: { run, target },
  deps,
  change,
  unanswered,
  result,
  label,
}: Step): Promise<DnsFenceResult> => {
  const control = target.routingControl;
  if (!control) {
    return result(
      'unknown',
      true,
      `${label}: the plan names no routing control for ${target.region} (dnsSwitch.routingControls)`,
    );
  }
  const off = async (): Promise<string | undefined> => {
    const { region, states } = await deps.routingControls.getStates(control.endpoints, [control.arn]);
    return states[control.arn] === 'Off' ? region : undefined;
  };
  try {
    const already = await off();
    if (already) {
      return result(
        'fenced',
        true,
        `${label}: routing control ${control.arn} already reads Off (endpoint in ${already})`,
        {
          verified: true,
        },
      );
    }
    const action = await change(
      {
        service: 'route53-recovery-cluster',
        operation: 'UpdateRoutingControlStates',
        target: `${control.arn} Off`,
        region: control.endpoints[0]?.region ?? run.regions.standby,
      },
      async () => {
        const { region } = await deps.routingControls.updateStates(control.endpoints, [
          { arn: control.arn, state: 'Off' },
        ]);
        deps.log.info('routing control turned off', { record: target.key, answeredFrom: region });
      },
    );
    if (action.dryRun) return result('unknown', true, `would turn routing control ${control.arn} Off for ${label}`);
    const verified = await off();
    if (verified) {
      return result(
        'fenced',
        true,
        `${label}: routing control ${control.arn} turned Off and reads Off (endpoint in ${verified})`,
        {
          verified: true,
        },
      );
    }
    return result('unknown', false, `${label}: routing control ${control.arn} does not read Off yet`);
  } catch (error) {
    if (awsErrorName(error) === 'ConflictException') {
      return result(
        'unknown',
        true,
        `${label}: the cluster refused to turn routing control ${control.arn} Off (a safety rule: ${error instanceof Error ? error.message : String(error)}); not fenced yet: check that the active region's routing control is On and the cluster's safety rules`,
      );
    }
    return unanswered(error, `no cluster endpoint answered: ${label} not fenced yet`);
  }
};

/**
 * The record is read (Route 53's API, us-east-1); it must carry the health check the plan names for its region. Its
 * health check is read: inverted already is verified (taken as an earlier attempt's change: a failover record's
 * check is not inverted in service, so a failback sets it back to false); otherwise UpdateHealthCheck sets
 * `Inverted: true` at the version read (a concurrent edit is refused, and the next check reads again) and the step
 * reads it back. An inverted check reads unhealthy while the old region answers, which is when it returns.
 */
const fenceWithInvertedHealthCheck = async ({
  input: { run, target, previous },
  deps,
  change,
  unanswered,
  result,
  label,
}: Step): Promise<DnsFenceResult> => {
  const id = target.healthCheckId;
  if (!id) return result('unknown', true, `${label}: the plan names no health check for ${target.region}`);
  const field = `dns[].records[].fence.${target.region === run.regions.primary ? 'primary' : 'standby'}HealthCheckId`;
  try {
    const records = await deps.route53.listFailoverRecords(target.hostedZoneId, target.name, target.type);
    const record = records.find((candidate) => candidate.setIdentifier === target.setIdentifier);
    if (!record) return result('fenced', true, `${label} no longer exists: it answers nothing`, { verified: true });
    const carried = record.rest.HealthCheckId;
    if (carried !== id) {
      return result(
        'unknown',
        true,
        `${label} carries health check ${typeof carried === 'string' ? carried : '(none)'}, not ${id} (the plan's ${field}): inverting it would not keep the record out of DNS; fix the plan or give the record that health check`,
      );
    }
    const before = await deps.healthChecks.getInversion(id);
    if (!before) return result('unknown', true, `${label}: health check ${id} does not exist (the plan's ${field})`);
    const original = previous?.healthCheck ?? { id, inverted: false };
    if (before.inverted) {
      return result('fenced', true, `${label}: health check ${id} is inverted`, {
        verified: true,
        healthCheck: original,
      });
    }
    const action = await change(
      {
        service: 'route53',
        operation: 'UpdateHealthCheck',
        target: `healthcheck/${id} Inverted=true`,
        region: 'us-east-1',
      },
      () => deps.healthChecks.setInverted(id, true, before.version),
    );
    if (action.dryRun) return result('unknown', true, `would invert health check ${id} of ${label}`);
    const after = await deps.healthChecks.getInversion(id);
    const healthCheck = { id, inverted: before.inverted };
    if (after?.inverted) {
      return result('fenced', true, `${label}: health check ${id} inverted and reads Inverted`, {
        verified: true,
        healthCheck,
      });
    }
    return result('unknown', false, `${label}: health check ${id} does not read Inverted yet`, { healthCheck });
  } catch (error) {
    if (awsErrorName(error) === 'HealthCheckVersionMismatch') {
      return result(
        'unknown',
        false,
        `${label}: health check ${id} changed while it was being inverted; reading it again`,
      );
    }
    return unanswered(error, `Route 53's API (us-east-1) did not answer: ${label} not fenced yet`);
  }
};
