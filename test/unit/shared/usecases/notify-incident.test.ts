import type { RunContext } from '../../../../shared/domain/run';
import type { SlackMessage } from '../../../../shared/notify/render';
import { notificationKey, parseNotifyEvent } from '../../../../shared/notify/state';
import type { Plan } from '../../../../shared/plan/schema';
import { logger } from '../../../../shared/runtime/logger';
import { type NotifyIncidentDeps, notifyIncident } from '../../../../shared/usecases/notify-incident';
import { FakeLedger } from '../../../support/fakes';

const at = (seconds: number) => new Date(Date.parse('2026-11-25T04:00:00.000Z') + seconds * 1000).toISOString();

const fenceRun = (by: 'failover' | 'fence-retry' | 'manual'): RunContext => ({
  incidentId: `orders-fence-${by}`,
  plan: 'orders',
  action: 'fence',
  mode: 'live',
  reason: 'fence after failover',
  requestedBy: 'switchback',
  trigger: by === 'manual' ? { type: 'manual' } : { type: 'automatic', by },
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  impactStartedAt: at(0),
  startedAt: at(0),
  executionArn: `arn:aws:states:us-west-2:123456789012:execution:switchback-fence:orders-fence-${by}`,
  epoch: 2,
});

const deferred = (run: RunContext, changed: boolean) => ({
  source: 'switchback',
  'detail-type': 'Run Deferred',
  detail: {
    run,
    outcome: 'deferred',
    phases: [],
    actions: [],
    warnings: [],
    endedAt: at(10),
    deferral: {
      region: 'us-east-1',
      fenced: [],
      waiting: ['orders-db: us-east-1 did not answer: orders-db (us-east-1) not fenced yet'],
      retryMinutes: 5,
      changed,
    },
  },
});

const phaseStarted = (run: RunContext) => ({
  source: 'switchback',
  'detail-type': 'Phase Changed',
  detail: { run, phase: 'fence', status: 'started', at: at(1) },
});

describe('notifyIncident for a fence Switchback started', () => {
  let sent: SlackMessage[];
  let deps: NotifyIncidentDeps;

  beforeEach(() => {
    sent = [];
    const plan = {
      app: 'orders',
      budgets: { rtoSeconds: 900, rpoSeconds: 60 },
      notifications: { slack: { delivery: 'webhook', secret: { source: 'ssm', name: '/orders/slack' } } },
    } as unknown as Plan;
    deps = {
      plans: { get: () => plan },
      ledger: {
        // A first event of the incident: the ledger answers with just that event stored.
        putNotificationState: async (_incidentId, update) => ({
          sentKeys: [],
          ...(update.events ? { events: update.events } : {}),
        }),
        claimNotification: async () => true,
      },
      slack: {
        connect: async () => ({
          kind: 'webhook',
          send: async (message) => {
            sent.push(message);
          },
        }),
      },
      log: logger,
    };
  });

  it('posts the deferral of the fence the failover started, with the retry and no redrive', async () => {
    // Act
    const result = await notifyIncident(parseNotifyEvent(deferred(fenceRun('failover'), true)), deps);

    // Assess
    expect(result).toMatchObject({ status: 'sent' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text.split('\n')[0]).toBe('⏳ orders fence waits for us-east-1 to answer');
    expect(sent[0]?.text).toContain('The fence retry runs every 5 minutes');
    expect(sent[0]?.text).toContain('waiting: orders-db: us-east-1 did not answer');
    expect(sent[0]?.text).not.toContain('redrive');
    expect(sent[0]?.text).not.toContain('Fix the cause');
  });

  it('posts nothing when a fence retry is deferred again with nothing changed', async () => {
    // Act
    const result = await notifyIncident(parseNotifyEvent(deferred(fenceRun('fence-retry'), false)), deps);

    // Assess
    expect(result).toMatchObject({ status: 'quiet' });
    expect(sent).toEqual([]);
  });

  it('posts a fence retry that fenced something, and not the phases of an automatic fence', async () => {
    // Act
    const phase = await notifyIncident(parseNotifyEvent(phaseStarted(fenceRun('fence-retry'))), deps);
    const end = await notifyIncident(parseNotifyEvent(deferred(fenceRun('fence-retry'), true)), deps);

    // Assess
    expect(phase).toMatchObject({ status: 'quiet' });
    expect(end).toMatchObject({ status: 'sent' });
    expect(sent).toHaveLength(1);
  });

  it('posts every phase of a fence a person started', async () => {
    // Act
    const result = await notifyIncident(parseNotifyEvent(phaseStarted(fenceRun('manual'))), deps);

    // Assess
    expect(result).toMatchObject({ status: 'sent' });
    expect(sent).toHaveLength(1);
  });
});

describe('notifyIncident for a fence a person started that could not reach the old region', () => {
  it('says to run fence again, not to redrive an execution that ended normally', async () => {
    // Prepare
    const sent: SlackMessage[] = [];
    const plan = {
      app: 'orders',
      budgets: { rtoSeconds: 900, rpoSeconds: 60 },
      notifications: { slack: { delivery: 'webhook', secret: { source: 'ssm', name: '/orders/slack' } } },
    } as unknown as Plan;
    const failed = {
      source: 'switchback',
      'detail-type': 'Recovery Failed',
      detail: {
        run: fenceRun('manual'),
        outcome: 'failed',
        phases: [],
        actions: [],
        warnings: [],
        endedAt: at(10),
        failure: { phase: 'fence', error: 'OldPrimaryNotFenced', cause: 'orders-db: us-east-1 did not answer' },
      },
    };

    // Act
    const result = await notifyIncident(parseNotifyEvent(failed), {
      plans: { get: () => plan },
      ledger: {
        // A first event of the incident: the ledger answers with just that event stored.
        putNotificationState: async (_incidentId, update) => ({
          sentKeys: [],
          ...(update.events ? { events: update.events } : {}),
        }),
        claimNotification: async () => true,
      },
      slack: { connect: async () => ({ kind: 'webhook', send: async (message) => void sent.push(message) }) },
      log: logger,
    });

    // Assess
    expect(result).toMatchObject({ status: 'sent' });
    expect(sent[0]?.text.split('\n')[0]).toBe('❌ orders fence failed');
    expect(sent[0]?.text).toContain('Failed at phase fence: OldPrimaryNotFenced');
    expect(sent[0]?.text).toContain('npx switchback run --plan orders --action fence');
    expect(sent[0]?.text).not.toContain('redrive-execution');
  });
});

describe('notifyIncident and the ledger', () => {
  const plan = {
    app: 'orders',
    budgets: { rtoSeconds: 900, rpoSeconds: 60 },
    notifications: { slack: { delivery: 'webhook', secret: { source: 'ssm', name: '/orders/slack' } } },
  } as unknown as Plan;

  it('stores the event and reads the incident back in one write, then claims its key: two ledger calls, no read', async () => {
    // Prepare: the in-memory ledger, its calls recorded, with one event of the incident already stored and sent
    const memory = new FakeLedger();
    const calls: string[] = [];
    const ledger: NotifyIncidentDeps['ledger'] = {
      putNotificationState: (incidentId, update) => {
        calls.push(`put ${update.events?.length ?? 0} event(s)`);
        return memory.putNotificationState(incidentId, update);
      },
      claimNotification: (incidentId, key) => {
        calls.push(`claim ${key}`);
        return memory.claimNotification(incidentId, key);
      },
    };
    const sent: SlackMessage[] = [];
    const deps: NotifyIncidentDeps = {
      plans: { get: () => plan },
      ledger,
      slack: { connect: async () => ({ kind: 'webhook', send: async (message) => void sent.push(message) }) },
      log: logger,
    };
    const started = parseNotifyEvent(phaseStarted(fenceRun('manual')));
    const ended = parseNotifyEvent(deferred(fenceRun('manual'), true));
    await notifyIncident(started, deps);
    calls.length = 0;

    // Act: the next event, then the same event delivered again
    const next = await notifyIncident(ended, deps);
    const again = await notifyIncident(ended, deps);

    // Assess: the redelivered event is not posted again, and no call reads before writing
    expect([next.status, again.status]).toEqual(['sent', 'already-sent']);
    expect(calls).toEqual(['put 1 event(s)', `claim ${notificationKey(ended)}`, 'put 1 event(s)']);
    expect(sent).toHaveLength(2);
    expect(memory.notifications.get(ended.detail.run.incidentId)?.events).toHaveLength(2);
  });
});
