import { isUnreachable } from '../../aws/aws-errors';
import type { DnsFenceResult, RecordFenceTarget } from '../../domain/fence';
import type { ActionLog, LedgerPort, Route53Port } from '../../domain/ports';
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

/**
 * "Fence Record": one check (and, when needed, one change) of one record of the old region. The record is read
 * first: one that already answers only the maintenance target is fenced (a redriven step makes no second change);
 * otherwise it is UPSERTed with the maintenance target as its only value, keeping its set identifier, failover role
 * and health check (after the lock check; planned only in a dry run), and the step polls GetChange until INSYNC,
 * the time it records as verified. A record that no longer exists answers nothing: fenced. Route 53's API (served
 * from us-east-1) not answering makes the record `unreachable`: recorded, never waited on; the fence retry comes back.
 */
export const fenceRecord = async (input: FenceRecordInput, deps: FenceRecordDeps): Promise<DnsFenceResult> => {
  const { run, target, previous } = input;
  const now = deps.clock.now().toISOString();
  const checks = (previous?.checks ?? 0) + 1;
  const actions: ActionRecord[] = [...(previous?.actions ?? [])];
  const label = `${target.name} ${target.type} "${target.setIdentifier}" (${target.region})`;
  const result = (
    state: DnsFenceResult['state'],
    done: boolean,
    detail: string,
    extra: { verified?: boolean; changeId?: string; replaced?: string[] } = {},
  ): DnsFenceResult => ({
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
    actions,
  });

  try {
    if (previous?.changeId) {
      const status = await deps.route53.getChangeStatus(previous.changeId);
      if (status === 'INSYNC') {
        return result('fenced', true, `${label} answers ${target.fence.value} (change INSYNC)`, { verified: true });
      }
      return result('unknown', false, `${label}: change ${previous.changeId} is PENDING`, {
        changeId: previous.changeId,
      });
    }
    const records = await deps.route53.listFailoverRecords(target.hostedZoneId, target.name, target.type);
    const record = records.find((candidate) => candidate.setIdentifier === target.setIdentifier);
    if (!record) return result('fenced', true, `${label} no longer exists: it answers nothing`, { verified: true });
    const values = valuesOf(record.rest);
    if (record.rest.AliasTarget === undefined && values.length === 1 && sameName(values[0] ?? '', target.fence.value)) {
      return result('fenced', true, `${label} already answers ${target.fence.value}`, { verified: true });
    }
    const replaced =
      values.length > 0
        ? values
        : [String((record.rest.AliasTarget as { DNSName?: string } | undefined)?.DNSName ?? '')].filter(Boolean);
    if (run.mode !== 'dry-run') {
      await deps.ledger.assertLock(run.plan, lockOwnerOf(run), run.epoch, deps.clock.now());
    }
    const { AliasTarget: _alias, ResourceRecords: _values, TTL, ...kept } = record.rest;
    let changeId: string | undefined;
    actions.push(
      await deps.actions.perform(
        { service: 'route53', operation: 'ChangeResourceRecordSets', target: target.hostedZoneId, region: 'us-east-1' },
        run,
        async () => {
          changeId = await deps.route53.upsertRecords(
            target.hostedZoneId,
            [
              {
                ...record,
                rest: {
                  ...kept,
                  TTL: typeof TTL === 'number' ? TTL : FENCED_TTL_SECONDS,
                  ResourceRecords: [{ Value: target.fence.value }],
                },
              },
            ],
            `Switchback ${run.incidentId}: fence ${target.region}, ${target.name} to its maintenance target`,
          );
        },
      ),
    );
    if (run.mode === 'dry-run') return result('unknown', true, `would point ${label} at ${target.fence.value}`);
    return result('unknown', false, `pointing ${label} at ${target.fence.value}`, {
      ...(changeId ? { changeId } : {}),
      replaced,
    });
  } catch (error) {
    if (error instanceof EndpointUnreachableError || isUnreachable(error)) {
      deps.log.warn('route 53 api did not answer', { record: target.key });
      return result('unreachable', true, `Route 53's API (us-east-1) did not answer: ${label} not fenced yet`);
    }
    throw error;
  }
};
