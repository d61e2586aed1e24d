import { awsErrorName, isUnreachable } from '../../aws/aws-errors';
import type { DnsFenceBatchResult, DnsFenceResult, RecordFenceTarget } from '../../domain/fence';
import type {
  ActionLog,
  FailoverRecordSet,
  HealthCheckPort,
  LedgerPort,
  Route53Port,
  RoutingControlPort,
} from '../../domain/ports';
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

/** One record of a batch whose fence is not a zone change, with its previous check (fenceRecord). */
interface FenceRecordInput {
  run: RunContext;
  target: RecordFenceTarget;
  /** The previous check of this record, when the ASL loops back after a Wait. */
  previous?: DnsFenceResult;
}

export interface FenceRecordBatchInput {
  run: RunContext;
  /** One batch of recordFenceBatches: a hosted zone's maintenance-target records, or one record of another method. */
  targets: RecordFenceTarget[];
  /** The previous check of the batch, when the ASL loops back after a Wait. */
  previous?: DnsFenceBatchResult;
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
 * How one check of a record reads: its count (the step gives up after FENCE_MAX_CHECKS), the time, what the earlier
 * checks kept (the values it replaced, the health check before), and the record's actions, which a change adds to.
 */
const resultFor = (
  target: RecordFenceTarget,
  previous: DnsFenceResult | undefined,
  now: string,
): { result: Result; actions: ActionRecord[] } => {
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
  return { result, actions };
};

/** The one change a check may make: after the lock check (a dry run only plans it), kept in `actions`. */
const changeWith =
  (run: RunContext, deps: FenceRecordDeps, actions: ActionRecord[]): Step['change'] =>
  async (action, call) => {
    if (run.mode !== 'dry-run') {
      await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
    }
    const performed = await deps.actions.perform(action, run, call);
    actions.push(performed);
    return performed;
  };

const labelOf = (target: RecordFenceTarget): string =>
  `${target.name} ${target.type} "${target.setIdentifier}" (${target.region})`;

/** Whether an error means the endpoint did not answer (the record is `unreachable`), logged once per record. */
const didNotAnswer = (error: unknown, target: RecordFenceTarget, deps: FenceRecordDeps): boolean => {
  if (!(error instanceof EndpointUnreachableError || isUnreachable(error))) return false;
  deps.log.warn('record fence endpoint did not answer', { record: target.key, method: target.fence.method });
  return true;
};

/**
 * "Fence Record Batch": one check of one batch of the old region's records (recordFenceBatches). A hosted zone's
 * maintenance-target records are fenced together, in one change batch (fenceWithMaintenanceTargets): Route 53 refuses
 * a change to a zone that still processes the last one (PriorRequestNotComplete), so one edit per record, all at once,
 * would be refused and retried. A record of another method is a batch of its own (fenceRecord). Records a previous
 * check finished are kept as they were; the batch is done when every record is.
 */
export const fenceRecordBatch = async (
  input: FenceRecordBatchInput,
  deps: FenceRecordDeps,
): Promise<DnsFenceBatchResult> => {
  const previous = new Map((input.previous?.records ?? []).map((record) => [record.key, record]));
  const open = input.targets.filter((target) => !previous.get(target.key)?.done);
  const checked = new Map<string, DnsFenceResult>();
  const maintenance = open.filter((target) => target.fence.method === 'maintenance-target');
  if (maintenance.length > 0) {
    for (const record of await fenceWithMaintenanceTargets(input.run, maintenance, previous, deps)) {
      checked.set(record.key, record);
    }
  }
  for (const target of open.filter((candidate) => candidate.fence.method !== 'maintenance-target')) {
    const prior = previous.get(target.key);
    checked.set(target.key, await fenceRecord({ run: input.run, target, ...(prior ? { previous: prior } : {}) }, deps));
  }
  const records = input.targets.flatMap((target) => {
    const record = checked.get(target.key) ?? previous.get(target.key);
    return record ? [record] : [];
  });
  return { done: records.every((record) => record.done), pollSeconds: RECORD_FENCE_POLL_SECONDS, records };
};

/**
 * One check (and, when needed, one change) of one record of the old region whose fence is not a zone change, by the
 * plan's `dns[].records[].fence.method`: the old region's routing control kept Off (fenceWithRoutingControl), or the
 * record's health check inverted (fenceWithInvertedHealthCheck); maintenance-target records are fenced per zone
 * (fenceWithMaintenanceTargets). Each reads first (already fenced: verified, no second change), changes only after
 * the lock check (only planned in a dry run), and reads back what it changed: the time it verified is recorded.
 * What does not answer makes the record `unreachable` (recorded, never waited on: the fence retry comes back); a
 * refusal that no retry will change (a safety rule, a health check the record does not carry) ends the step
 * `unknown` with the reason, not fenced yet.
 */
const fenceRecord = async (input: FenceRecordInput, deps: FenceRecordDeps): Promise<DnsFenceResult> => {
  const { run, target, previous } = input;
  const { result, actions } = resultFor(target, previous, deps.clock.now().toISOString());
  const unanswered: Step['unanswered'] = (error, detail) => {
    if (didNotAnswer(error, target, deps)) return result('unreachable', true, detail);
    throw error;
  };
  const step = { input, deps, result, change: changeWith(run, deps, actions), unanswered, label: labelOf(target) };
  if (target.fence.method === 'routing-control-off') return fenceWithRoutingControl(step);
  return fenceWithInvertedHealthCheck(step);
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
 * A hosted zone's maintenance-target records, in one check. Each record is read first: one that already answers
 * only its maintenance target is fenced, one that no longer exists answers nothing (fenced); the others are UPSERTed
 * together, in one change batch, each with its maintenance target as its only value, keeping its set identifier,
 * failover role and health check. Later checks read the change (GetChange, once) until it is INSYNC, the time each
 * record records as verified. The change is made after the lock check (a dry run only plans it) and kept in the
 * actions of the first record it changes: one call, one action. Route 53's API is served from us-east-1 only: when
 * it does not answer, every record not yet checked is `unreachable`.
 */
const fenceWithMaintenanceTargets = async (
  run: RunContext,
  targets: RecordFenceTarget[],
  previous: ReadonlyMap<string, DnsFenceResult>,
  deps: FenceRecordDeps,
): Promise<DnsFenceResult[]> => {
  const now = deps.clock.now().toISOString();
  const rows = targets.map((target) => ({
    target,
    prior: previous.get(target.key),
    label: labelOf(target),
    value: target.fence.method === 'maintenance-target' ? target.fence.value : '',
    ...resultFor(target, previous.get(target.key), now),
  }));
  const checked = new Map<string, DnsFenceResult>();
  try {
    const statuses = new Map<string, 'PENDING' | 'INSYNC'>();
    for (const row of rows) {
      const changeId = row.prior?.changeId;
      if (!changeId) continue;
      const status = statuses.get(changeId) ?? (await deps.route53.getChangeStatus(changeId));
      statuses.set(changeId, status);
      checked.set(
        row.target.key,
        status === 'INSYNC'
          ? row.result('fenced', true, `${row.label} answers ${row.value} (change INSYNC)`, { verified: true })
          : row.result('unknown', false, `${row.label}: change ${changeId} is PENDING`, { changeId }),
      );
    }
    const reads = new Map<string, Promise<FailoverRecordSet[]>>();
    const changes: { row: (typeof rows)[number]; record: FailoverRecordSet; replaced: string[] }[] = [];
    for (const row of rows.filter((candidate) => !checked.has(candidate.target.key))) {
      const { target } = row;
      const pair = `${target.name}|${target.type}`;
      if (!reads.has(pair))
        reads.set(pair, deps.route53.listFailoverRecords(target.hostedZoneId, target.name, target.type));
      const record = (await reads.get(pair))?.find((candidate) => candidate.setIdentifier === target.setIdentifier);
      if (!record) {
        checked.set(
          target.key,
          row.result('fenced', true, `${row.label} no longer exists: it answers nothing`, { verified: true }),
        );
        continue;
      }
      const values = valuesOf(record.rest);
      if (record.rest.AliasTarget === undefined && values.length === 1 && sameName(values[0] ?? '', row.value)) {
        checked.set(
          target.key,
          row.result('fenced', true, `${row.label} already answers ${row.value}`, { verified: true }),
        );
        continue;
      }
      const replaced =
        values.length > 0
          ? values
          : [String((record.rest.AliasTarget as { DNSName?: string } | undefined)?.DNSName ?? '')].filter(Boolean);
      const { AliasTarget: _alias, ResourceRecords: _values, TTL, ...kept } = record.rest;
      changes.push({
        row,
        replaced,
        record: {
          ...record,
          rest: {
            ...kept,
            TTL: typeof TTL === 'number' ? TTL : FENCED_TTL_SECONDS,
            ResourceRecords: [{ Value: row.value }],
          },
        },
      });
    }
    const first = changes[0];
    if (first) {
      const zone = first.row.target.hostedZoneId;
      const names = [...new Set(changes.map((pending) => pending.row.target.name))].join(', ');
      let changeId: string | undefined;
      // One call, one action: kept with the first record it changes.
      const change = changeWith(run, deps, first.row.actions);
      const action = await change(
        { service: 'route53', operation: 'ChangeResourceRecordSets', target: zone, region: 'us-east-1' },
        async () => {
          changeId = await deps.route53.upsertRecords(
            zone,
            changes.map((pending) => pending.record),
            `Switchback ${run.incidentId}: fence ${first.row.target.region}, ${names} to the maintenance target`,
          );
        },
      );
      for (const { row, replaced } of changes) {
        checked.set(
          row.target.key,
          action.dryRun
            ? row.result('unknown', true, `would point ${row.label} at ${row.value}`)
            : row.result('unknown', false, `pointing ${row.label} at ${row.value}`, {
                ...(changeId ? { changeId } : {}),
                replaced,
              }),
        );
      }
    }
  } catch (error) {
    if (!(error instanceof EndpointUnreachableError || isUnreachable(error))) throw error;
    for (const row of rows.filter((candidate) => !checked.has(candidate.target.key))) {
      didNotAnswer(error, row.target, deps);
      checked.set(
        row.target.key,
        row.result('unreachable', true, `Route 53's API (us-east-1) did not answer: ${row.label} not fenced yet`),
      );
    }
  }
  return rows.flatMap((row) => {
    const record = checked.get(row.target.key);
    return record ? [record] : [];
  });
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
