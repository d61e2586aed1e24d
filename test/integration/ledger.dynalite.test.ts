import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoLedger, DynamoReadinessLedger } from '../../shared/aws/ledger';
import type { PlanReadiness } from '../../shared/domain/readiness';
import type { RunRecord } from '../../shared/domain/run';
import type { Topology } from '../../shared/domain/topology';
import { LockHeldError } from '../../shared/errors';
import type { Log } from '../../shared/runtime/logger';
import { type LocalLedger, startLedger } from '../support/dynalite';
import { planReadiness } from '../support/readiness-fixtures';
import { lockOwner } from '../support/run-fixtures';

const silent: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const now = new Date('2026-11-25T18:00:00.000Z');

const runRecord = (plan: string, incidentId: string, outcome: RunRecord['outcome'] = 'recovered'): RunRecord => ({
  run: {
    incidentId,
    plan,
    action: 'failover',
    mode: 'game-day',
    reason: 'game day',
    requestedBy: 'sre@example.com',
    trigger: { type: 'manual' },
    regions: { primary: 'us-east-1', standby: 'us-west-2' },
    impactStartedAt: '2026-11-25T18:00:00.000Z',
    startedAt: '2026-11-25T18:00:30.000Z',
    executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:run',
    epoch: 1,
  },
  outcome,
  phases: [{ name: 'detect', startedAt: '2026-11-25T18:00:00.000Z', endedAt: '2026-11-25T18:00:30.000Z', seconds: 30 }],
  actions: [],
  warnings: [],
  endedAt: '2026-11-25T18:05:00.000Z',
});

describe('DynamoLedger (dynalite)', () => {
  let local: LocalLedger;
  let ledger: DynamoLedger;

  beforeAll(async () => {
    local = await startLedger();
    ledger = new DynamoLedger({ client: local.client, tableName: local.tableName, log: silent });
  });

  afterAll(async () => {
    await local.stop();
  });

  describe('lock', () => {
    it('takes a fresh lock with epoch 1 when no lock item exists', async () => {
      // Act
      const lock = await ledger.acquireLock('fresh', lockOwner('fresh-20261125T180000Z-a'), now);

      // Assess
      expect(lock).toEqual({
        holder: 'fresh-20261125T180000Z-a',
        execution: lockOwner('fresh-20261125T180000Z-a').executionArn,
        epoch: 1,
        acquiredAt: now.toISOString(),
      });
    });

    it('returns the same epoch when the incident already holds the lock', async () => {
      // Prepare
      const first = await ledger.acquireLock('mine', lockOwner('mine-1'), now);

      // Act
      const again = await ledger.acquireLock('mine', lockOwner('mine-1'), new Date(now.getTime() + 60_000));

      // Assess
      expect(again).toEqual(first);
    });

    it('throws LockHeldError naming the holder when another incident holds the lock', async () => {
      // Prepare
      await ledger.acquireLock('held', lockOwner('held-1'), now);

      // Act
      const attempt = ledger.acquireLock('held', lockOwner('held-2'), now);

      // Assess
      await expect(attempt).rejects.toThrow(LockHeldError);
      await expect(ledger.acquireLock('held', lockOwner('held-2'), now)).rejects.toMatchObject({
        name: 'LockHeldError',
        holder: 'held-1',
      });
    });

    it('refuses a second execution of the same incident, in acquire, assert and release', async () => {
      // Prepare
      const first = await ledger.acquireLock('twice', lockOwner('twice-1'), now);
      const second = lockOwner('twice-1', 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:other');

      // Act
      const acquire = ledger.acquireLock('twice', second, now);
      const assert = ledger.assertLock('twice', second, first.epoch, now);
      await ledger.releaseLock('twice', second);

      // Assess
      await expect(acquire).rejects.toThrow(/locked by incident twice-1 \(another execution: arn:.*:twice-1\)/);
      await expect(assert).rejects.toThrow(LockHeldError);
      await expect(ledger.acquireLock('twice', lockOwner('twice-1'), now)).resolves.toEqual(first);
    });

    it('gives a higher epoch when the lock is re-acquired after a release', async () => {
      // Prepare
      const first = await ledger.acquireLock('cycle', lockOwner('cycle-1'), now);
      await ledger.releaseLock('cycle', lockOwner('cycle-1'));

      // Act
      const second = await ledger.acquireLock('cycle', lockOwner('cycle-2'), now);

      // Assess
      expect(second.holder).toBe('cycle-2');
      expect(second.epoch).toBe(first.epoch + 1);
    });

    it('keeps the lock when an incident that does not hold it releases it', async () => {
      // Prepare
      await ledger.acquireLock('foreign', lockOwner('foreign-1'), now);

      // Act
      await ledger.releaseLock('foreign', lockOwner('foreign-2'));

      // Assess
      await expect(ledger.acquireLock('foreign', lockOwner('foreign-2'), now)).rejects.toThrow(LockHeldError);
    });

    it('keeps the epoch on the lock item when the lock is released', async () => {
      // Prepare
      const lock = await ledger.acquireLock('keep', lockOwner('keep-1'), now);

      // Act
      await ledger.releaseLock('keep', lockOwner('keep-1'));

      // Assess
      const item = await local.client.send(
        new GetCommand({ TableName: local.tableName, Key: { pk: 'PLAN#keep', sk: 'LOCK' } }),
      );
      expect(item.Item).toMatchObject({ epoch: lock.epoch, lastHolder: 'keep-1' });
      expect(item.Item?.holder).toBeUndefined();
    });

    it('lets exactly one of two concurrent incidents win when both acquire a free lock', async () => {
      // Act
      const results = await Promise.allSettled([
        ledger.acquireLock('race', lockOwner('race-a'), now),
        ledger.acquireLock('race', lockOwner('race-b'), now),
      ]);

      // Assess
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result) => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(LockHeldError);
      expect((won[0] as PromiseFulfilledResult<{ epoch: number }>).value.epoch).toBe(1);
    });

    it('passes assertLock when the incident holds the lock', async () => {
      // Prepare
      const lock = await ledger.acquireLock('assert', lockOwner('assert-1'), now);

      // Act
      const check = ledger.assertLock('assert', lockOwner('assert-1'), lock.epoch, now);

      // Assess
      await expect(check).resolves.toBeUndefined();
    });

    it('re-takes the lock with a higher epoch when assertLock finds it free (a redriven run)', async () => {
      // Prepare
      const lock = await ledger.acquireLock('redrive', lockOwner('redrive-1'), now);
      await ledger.releaseLock('redrive', lockOwner('redrive-1'));

      // Act
      await ledger.assertLock('redrive', lockOwner('redrive-1'), lock.epoch, now);

      // Assess
      await expect(ledger.acquireLock('redrive', lockOwner('redrive-1'), now)).resolves.toMatchObject({
        holder: 'redrive-1',
        epoch: lock.epoch + 1,
      });
    });

    it('throws LockHeldError from assertLock when another incident holds the lock', async () => {
      // Prepare
      await ledger.acquireLock('fenced', lockOwner('fenced-new'), now);

      // Act
      const check = ledger.assertLock('fenced', lockOwner('fenced-old'), 1, now);

      // Assess
      await expect(check).rejects.toMatchObject({ name: 'LockHeldError', holder: 'fenced-new' });
    });
  });

  describe('topology', () => {
    it('returns undefined when no runbook recorded a topology for the plan', async () => {
      // Act
      const topology = await ledger.getTopology('stateless');

      // Assess
      expect(topology).toBeUndefined();
    });

    it('returns what was put, null standby included, when the topology is read back', async () => {
      // Prepare
      const topology: Topology = {
        activeRegion: 'us-west-2',
        databases: [
          {
            id: 'orders-db',
            kind: 'rds-read-replica',
            writer: { region: 'us-west-2', identifier: 'orders-db-replica' },
            standby: null,
            oldPrimary: { region: 'us-east-1', identifier: 'orders-db', state: 'fenced', since: now.toISOString() },
          },
        ],
        lastFailoverAt: now.toISOString(),
        lastIncidentId: 'orders-1',
      };

      // Act
      await ledger.putTopology('orders', topology);

      // Assess
      await expect(ledger.getTopology('orders')).resolves.toEqual(topology);
    });

    it('reads an item written before databases were recorded as a topology with no database roles', async () => {
      // Prepare: the shape earlier versions wrote (active region and last failover only)
      await local.client.send(
        new PutCommand({
          TableName: local.tableName,
          Item: { pk: 'PLAN#legacy', sk: 'STATE', activeRegion: 'us-west-2', lastIncidentId: 'legacy-1' },
        }),
      );

      // Act
      const topology = await ledger.getTopology('legacy');

      // Assess
      expect(topology).toEqual({ activeRegion: 'us-west-2', databases: [], lastIncidentId: 'legacy-1' });
    });
  });

  describe('runs', () => {
    it('returns the stored record when a run is read by incident id', async () => {
      // Prepare
      const record = runRecord('payments', 'payments-20261125T180000Z-aaaa');

      // Act
      await ledger.putRun(record);

      // Assess
      await expect(ledger.getRun('payments', 'payments-20261125T180000Z-aaaa')).resolves.toEqual(record);
      await expect(ledger.getRun('payments', 'payments-unknown')).resolves.toBeUndefined();
    });

    it('overwrites the in-progress record when the final record is put', async () => {
      // Prepare
      await ledger.putRun(runRecord('billing', 'billing-20261125T180000Z-aaaa', 'in-progress'));

      // Act
      await ledger.putRun(runRecord('billing', 'billing-20261125T180000Z-aaaa', 'failed'));

      // Assess
      await expect(ledger.getRun('billing', 'billing-20261125T180000Z-aaaa')).resolves.toMatchObject({
        outcome: 'failed',
      });
    });

    it('lists newest first, up to the limit and only runs of the plan, when several runs exist', async () => {
      // Prepare
      const ids = ['shop-20261101T090000Z-aaaa', 'shop-20261125T180000Z-cccc', 'shop-20261110T120000Z-bbbb'];
      for (const id of ids) await ledger.putRun(runRecord('shop', id));
      await ledger.putRun(runRecord('shopfront', 'shopfront-20261126T000000Z-dddd'));
      await ledger.acquireLock('shop', lockOwner(ids[0] as string), now);
      await ledger.putTopology('shop', { activeRegion: 'us-west-2', databases: [] });

      // Act
      const runs = await ledger.listRuns('shop', 2);

      // Assess
      expect(runs.map((record) => record.run.incidentId)).toEqual([
        'shop-20261125T180000Z-cccc',
        'shop-20261110T120000Z-bbbb',
      ]);
    });
  });

  describe('readiness runs', () => {
    const run = (plan: string, at: string, ready: boolean): PlanReadiness =>
      planReadiness({ plan, at, ready, replicaLagSeconds: null });

    it("keeps each run of a plan, newest first, apart from other plans' and from its failover runs", async () => {
      // Prepare
      await ledger.putReadiness(run('readied', '2026-11-25T18:00:00.000Z', true));
      await ledger.putReadiness(run('readied', '2026-11-25T18:30:00.000Z', false));
      await ledger.putReadiness(run('readied', '2026-11-25T18:15:00.000Z', true));
      await ledger.putReadiness(run('other', '2026-11-25T19:00:00.000Z', true));
      await ledger.putRun(runRecord('readied', 'readied-20261125T180000Z-aaaa'));

      // Act
      const all = await ledger.listReadiness('readied', 10);
      const [latest] = await ledger.listReadiness('readied', 1);

      // Assess
      expect(all.map((r) => r.at)).toEqual([
        '2026-11-25T18:30:00.000Z',
        '2026-11-25T18:15:00.000Z',
        '2026-11-25T18:00:00.000Z',
      ]);
      expect(latest).toEqual(run('readied', '2026-11-25T18:30:00.000Z', false));
      expect((await ledger.listRuns('readied', 10)).map((r) => r.run.incidentId)).toEqual([
        'readied-20261125T180000Z-aaaa',
      ]);
    });

    it('lists as many runs as asked for when they fill more than one page of a Query (1 MB)', async () => {
      // Prepare: sixteen runs of about 100 KB each (a plan at the size limits keeps some 70 KB), 1.6 MB in all
      const finding = { check: 'role-permission', resource: 'x', expected: 'y', found: 'z'.repeat(1000), fix: 'f' };
      const ats = Array.from({ length: 16 }, (_, i) => new Date(now.getTime() + i * 15 * 60_000).toISOString());
      for (const at of ats) {
        await ledger.putReadiness({ ...run('paged', at, false), findings: Array(100).fill(finding) });
      }

      // Act
      const all = await ledger.listReadiness('paged', 16);
      const some = await ledger.listReadiness('paged', 12);

      // Assess: every one, newest first; no more than asked for
      expect(all.map((r) => r.at)).toEqual([...ats].reverse());
      expect(some.map((r) => r.at)).toEqual([...ats].reverse().slice(0, 12));
    });
  });

  describe("the readiness function's part of the ledger (DynamoReadinessLedger)", () => {
    it('reads the lock and the runs the runbooks wrote, and keeps readiness runs the ledger lists, on the same items', async () => {
      // Prepare
      const readiness = new DynamoReadinessLedger({ client: local.client, tableName: local.tableName });
      const owner = lockOwner('partial-20261125T180000Z-a');
      const lock = await ledger.acquireLock('partial', owner, now);
      await ledger.putRun(runRecord('partial', 'partial-20261110T120000Z-aaaa'));
      await ledger.putRun(runRecord('partial', 'partial-20261125T180000Z-bbbb', 'failed'));
      await ledger.putReadiness(planReadiness({ plan: 'partial', at: '2026-11-25T18:00:00.000Z', ready: true }));

      // Act
      await readiness.putReadiness(planReadiness({ plan: 'partial', at: '2026-11-25T18:30:00.000Z', ready: false }));
      const heldLock = await readiness.getLock('partial');
      const freeLock = await readiness.getLock('nobody-holds-this');
      const runs = await readiness.listRuns('partial', 1);
      const readinessRuns = await readiness.listReadiness('partial', 10);

      // Assess
      expect(heldLock).toEqual(lock);
      expect(freeLock).toBeUndefined();
      expect(runs).toEqual([runRecord('partial', 'partial-20261125T180000Z-bbbb', 'failed')]);
      expect(readinessRuns.map((r) => [r.at, r.ready])).toEqual([
        ['2026-11-25T18:30:00.000Z', false],
        ['2026-11-25T18:00:00.000Z', true],
      ]);
      expect(await ledger.listReadiness('partial', 1)).toEqual([readinessRuns[0]]);
    });
  });

  describe('alarm incidents', () => {
    const incident = {
      incidentId: 'shop-20261125T180000Z-abcd1234',
      plan: 'shop',
      alarmName: 'shop-primary-health',
      stateTimestamp: '2026-11-25T18:00:00.000+0000',
      impactStartedAt: '2026-11-25T17:58:00.000Z',
      openedAt: '2026-11-25T18:00:01.000Z',
    };

    it('keeps the first record when a redelivered alarm opens the same incident again', async () => {
      // Prepare
      await ledger.openAlarmIncident(incident);

      // Act
      await ledger.openAlarmIncident({ ...incident, openedAt: '2026-11-25T18:02:00.000Z' });

      // Assess
      await expect(ledger.getAlarmIncident(incident.incidentId)).resolves.toEqual(incident);
      const item = await local.client.send(
        new GetCommand({ TableName: local.tableName, Key: { pk: `ALARM#${incident.incidentId}`, sk: 'INTAKE' } }),
      );
      expect(item.Item?.pk).toBe(`ALARM#${incident.incidentId}`);
    });

    it('lets one delivery claim a state change, refuses the others while the claim is young or settled', async () => {
      // Prepare
      const claimed = { ...incident, incidentId: 'shop-20261125T180000Z-claim001' };
      const staleBefore = new Date('2026-11-25T17:59:31.000Z');

      // Act
      const first = await ledger.claimAlarmIncident(claimed, staleBefore);
      const young = await ledger.claimAlarmIncident({ ...claimed, openedAt: '2026-11-25T18:00:05.000Z' }, staleBefore);
      await ledger.settleAlarmIncident({ ...claimed, settled: 'started' });
      const settled = await ledger.claimAlarmIncident(claimed, new Date('2026-11-26T00:00:00.000Z'));

      // Assess
      expect([first, young, settled]).toEqual([true, false, false]);
      await expect(ledger.getAlarmIncident(claimed.incidentId)).resolves.toEqual({ ...claimed, settled: 'started' });
    });

    it('lets a redelivery take over a claim left unsettled since before the stale time', async () => {
      // Prepare: the claimant died between its claim (18:00:01) and the start.
      const abandoned = { ...incident, incidentId: 'shop-20261125T180000Z-claim002' };
      await ledger.claimAlarmIncident(abandoned, new Date(0));

      // Act
      const retry = await ledger.claimAlarmIncident(
        { ...abandoned, openedAt: '2026-11-25T18:01:10.000Z' },
        new Date('2026-11-25T18:00:40.000Z'),
      );

      // Assess
      expect(retry).toBe(true);
      expect((await ledger.getAlarmIncident(abandoned.incidentId))?.openedAt).toBe('2026-11-25T18:01:10.000Z');
    });

    it("keeps the plan's incident for the cool-down: a flap is refused, a retry of it and a later one are not", async () => {
      // Prepare
      const began = new Date('2026-11-25T18:00:00.000Z');
      const coolDownStart = (at: Date) => new Date(at.getTime() - 3600_000);
      await ledger.claimPlanIncident('flappy', 'flappy-1', began, coolDownStart(began));

      // Act
      const flapAt = new Date('2026-11-25T18:10:00.000Z');
      const flap = await ledger.claimPlanIncident('flappy', 'flappy-2', flapAt, coolDownStart(flapAt));
      const retry = await ledger.claimPlanIncident('flappy', 'flappy-1', began, coolDownStart(began));
      const laterAt = new Date('2026-11-25T19:00:00.000Z');
      const later = await ledger.claimPlanIncident('flappy', 'flappy-3', laterAt, coolDownStart(laterAt));

      // Assess
      expect([flap, retry, later]).toEqual([false, true, true]);
      const item = await local.client.send(
        new GetCommand({ TableName: local.tableName, Key: { pk: 'ALARM#flappy', sk: 'PLAN_INCIDENT' } }),
      );
      expect(item.Item).toMatchObject({ incidentId: 'flappy-3', changedAt: laterAt.toISOString() });
    });

    it('returns undefined for an incident the intake never opened', async () => {
      // Act
      const found = await ledger.getAlarmIncident('shop-manual-1');

      // Assess
      expect(found).toBeUndefined();
    });
  });

  describe('progress of a run', () => {
    const action = {
      service: 'rds' as const,
      operation: 'PromoteReadReplica',
      target: 'shop-db-replica',
      region: 'us-west-2',
      at: '2026-11-25T18:01:00.000Z',
      dryRun: false,
    };

    it('appends actions and marks the phase on the run record as steps make them', async () => {
      // Prepare
      await ledger.putRun(runRecord('progress', 'progress-1', 'in-progress'));

      // Act
      await ledger.appendActions('progress', 'progress-1', [action]);
      await ledger.appendActions('progress', 'progress-1', [{ ...action, target: 'other-replica' }]);
      await ledger.markPhase('progress', 'progress-1', 'promote', '2026-11-25T18:01:00.000Z');
      await ledger.markPhase('progress', 'progress-1', 'dns', '2026-11-25T18:05:00.000Z');

      // Assess
      const record = await ledger.getRun('progress', 'progress-1');
      expect(record?.actions.map((a) => a.target)).toEqual(['shop-db-replica', 'other-replica']);
      expect(record?.phaseReached).toBe('dns');
      expect(record?.phaseStarts).toEqual([
        { phase: 'promote', at: '2026-11-25T18:01:00.000Z' },
        { phase: 'dns', at: '2026-11-25T18:05:00.000Z' },
      ]);
    });

    it('says the run is in progress once a step begins a phase after the approval it waited for', async () => {
      // Prepare: Request Approval's record, then the person approved
      await ledger.putRun(runRecord('progress', 'approved-1', 'awaiting-approval'));

      // Act: Start Promotion begins the promote phase
      await ledger.markPhase('progress', 'approved-1', 'promote', '2026-11-25T18:03:00.000Z');

      // Assess
      const record = await ledger.getRun('progress', 'approved-1');
      expect(record?.outcome).toBe('in-progress');
      expect(record?.phaseReached).toBe('promote');
    });

    it('writes nothing when the run has no record', async () => {
      // Act
      await ledger.appendActions('progress', 'never-assessed', [action]);
      await ledger.markPhase('progress', 'never-assessed', 'dns', '2026-11-25T18:01:00.000Z');

      // Assess
      await expect(ledger.getRun('progress', 'never-assessed')).resolves.toBeUndefined();
    });
  });

  describe('approval tokens', () => {
    it('returns the token with its plan when an approval was requested', async () => {
      // Prepare
      await ledger.putApprovalToken('orders-2', 'orders', 'token-abc', now.toISOString());

      // Act
      const token = await ledger.getApprovalToken('orders-2');

      // Assess
      expect(token).toEqual({ plan: 'orders', taskToken: 'token-abc', requestedAt: now.toISOString() });
    });

    it('returns undefined when no approval was requested for the incident', async () => {
      // Act
      const token = await ledger.getApprovalToken('orders-none');

      // Assess
      expect(token).toBeUndefined();
    });
  });

  describe('notifications', () => {
    it('claims a key once and refuses it when the same event is delivered again', async () => {
      // Act
      const first = await ledger.claimNotification('inc-1', 'promote:started');
      const again = await ledger.claimNotification('inc-1', 'promote:started');
      const other = await ledger.claimNotification('inc-1', 'promote:succeeded');

      // Assess
      expect([first, again, other]).toEqual([true, false, true]);
      await expect(ledger.getNotificationState('inc-1')).resolves.toEqual({
        sentKeys: ['promote:started', 'promote:succeeded'],
      });
    });

    it('lets exactly one of two concurrent claims of the same key win', async () => {
      // Act
      const results = await Promise.all([
        ledger.claimNotification('inc-race', 'dns:started'),
        ledger.claimNotification('inc-race', 'dns:started'),
      ]);

      // Assess
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('merges channel, thread and keys when the state is put after claims', async () => {
      // Prepare
      await ledger.claimNotification('inc-2', 'detect:started');

      // Act
      const first = await ledger.putNotificationState('inc-2', {
        channel: 'C123',
        ts: '1732557600.000100',
        sentKeys: [],
      });
      const second = await ledger.putNotificationState('inc-2', { sentKeys: ['approval:requested'] });

      // Assess: each put answers with the whole state after it, as a read then gives it
      expect(first).toEqual({ channel: 'C123', ts: '1732557600.000100', sentKeys: ['detect:started'] });
      expect(second).toEqual({
        channel: 'C123',
        ts: '1732557600.000100',
        sentKeys: ['approval:requested', 'detect:started'],
      });
      await expect(ledger.getNotificationState('inc-2')).resolves.toEqual(second);
      await expect(ledger.claimNotification('inc-2', 'approval:requested')).resolves.toBe(false);
    });

    it('keeps the events of concurrent puts as a union when two deliveries write at once', async () => {
      // Prepare
      const first = '{"detailType":"Phase Changed","phase":"promote","status":"started"}';
      const second = '{"detailType":"Phase Changed","phase":"dns","status":"started"}';

      // Act
      await Promise.all([
        ledger.putNotificationState('inc-events', { sentKeys: ['promote:started'], events: [first] }),
        ledger.putNotificationState('inc-events', { sentKeys: ['dns:started'], events: [second] }),
      ]);
      const redelivered = await ledger.putNotificationState('inc-events', { sentKeys: [], events: [first] });

      // Assess
      const state = await ledger.getNotificationState('inc-events');
      expect(redelivered).toEqual(state);
      expect(state?.events).toHaveLength(2);
      expect(state?.events).toEqual(expect.arrayContaining([first, second]));
      expect(state?.sentKeys).toEqual(['dns:started', 'promote:started']);
    });

    it('returns undefined when nothing was sent for the incident', async () => {
      // Act
      const state = await ledger.getNotificationState('inc-silent');

      // Assess
      expect(state).toBeUndefined();
    });
  });
});
