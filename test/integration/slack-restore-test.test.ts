import type { RestoreTestRecord } from '../../shared/domain/restore-test';
import { createSlackSender } from '../../shared/notify/delivery';
import { PlanRegistry } from '../../shared/plan/load';
import { logger } from '../../shared/runtime/logger';
import { notifyRestoreTestFailed } from '../../shared/usecases/restore-test/notify-restore-test';
import { type SlackServer, startSlackServer } from '../../sim/slack-server';
import { FakeLedger } from '../support/fakes';
import { virtualTimer, webhookPlan } from './slack-support';

/** The restore-test failure message against a local Slack: retried as the failover's notifier retries. */

const record = {
  plan: 'orders',
  testId: 'orders-restore-test-1',
  databaseId: 'orders-db',
  identifier: 'sbrt-orders-db-0123456789',
  startedAt: '2026-11-25T03:00:00.000Z',
  passed: false,
  failure: { error: 'RestoreFailedError', cause: 'incompatible-option-group' },
  cleanedUpAt: '2026-11-25T03:20:00.000Z',
  validation: { passed: null },
} as RestoreTestRecord;

describe('notifyRestoreTestFailed with a Slack that fails', () => {
  let server: SlackServer;
  let ledger: FakeLedger;

  beforeAll(async () => {
    server = await startSlackServer({ preview: false });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.reset();
    ledger = new FakeLedger();
  });

  const notify = () =>
    notifyRestoreTestFailed(record, {
      plans: new PlanRegistry([webhookPlan()]),
      ledger,
      log: logger,
      slack: {
        connect: async (settings, plan) =>
          createSlackSender(server.webhookUrl, { settings, plan, log: logger, timer: virtualTimer() }),
      },
    });

  it('retries a 500 and a 503 within the invocation and posts once', async () => {
    // Prepare
    server.enqueue({ status: 500 }, { status: 503 });

    // Act
    const result = await notify();

    // Assess
    expect(result).toEqual({ status: 'sent' });
    expect(server.requests).toHaveLength(3);
    expect(server.posts).toHaveLength(1);
  });

  it("posts on Lambda's retry after Slack stayed down for a whole invocation, and only once after that", async () => {
    // Prepare
    server.always({ status: 503 });

    // Act
    const first = notify();
    await expect(first).rejects.toMatchObject({ name: 'NotificationDeliveryError' });
    server.always(undefined);
    const retried = await notify();
    const redelivered = await notify();

    // Assess
    expect(retried).toEqual({ status: 'sent' });
    expect(redelivered).toEqual({ status: 'already-sent' });
    expect(server.posts).toHaveLength(1);
    expect(JSON.stringify(server.posts[0]?.blocks)).toContain('orders-db');
  });

  it('does not retry a webhook Slack removed, and says so', async () => {
    // Prepare
    server.always({ error: 'no_service' });

    // Act
    const result = await notify();

    // Assess
    expect(result).toMatchObject({ status: 'rejected', code: 'no_service' });
    expect(server.requests).toHaveLength(1);
  });
});
