import { NotificationDeliveryError } from '../../shared/errors';
import { createSlackSender, type RetryPolicy } from '../../shared/notify/delivery';
import { parseNotifyEvent } from '../../shared/notify/state';
import type { Plan, SlackSettings } from '../../shared/plan/schema';
import { logger } from '../../shared/runtime/logger';
import { type NotifyIncidentDeps, notifyIncident } from '../../shared/usecases/notify-incident';
import { startSlackServer } from '../../sim/slack-server';
import {
  approvalRequested,
  MemoryNotificationLedger,
  phaseChanged,
  recoveryCompleted,
  recoveryEvents,
  recoveryFailed,
  useSlackServer,
  virtualTimer,
  webhookPlan,
  webhookSecrets,
} from './slack-support';

const FAST: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 4000,
  totalMs: 20_000,
  requestTimeoutMs: 2000,
};

describe('notifyIncident over an incoming webhook', () => {
  // Every test: neither the webhook URL nor its secret path reaches any output.
  const slack = useSlackServer(webhookSecrets);
  let ledger: MemoryNotificationLedger;
  let timer: ReturnType<typeof virtualTimer>;
  let plan: Plan;
  let policy: RetryPolicy;

  beforeEach(() => {
    ledger = new MemoryNotificationLedger();
    timer = virtualTimer();
    plan = webhookPlan();
    policy = FAST;
  });

  const deps = (): Omit<NotifyIncidentDeps, 'plans'> => ({
    ledger,
    log: logger,
    reportBaseUrl: 'https://reports.example.com/dr',
    slack: {
      connect: async (settings, planName) =>
        createSlackSender(slack.server.webhookUrl, {
          settings,
          plan: planName,
          log: logger,
          timer,
          policy,
          random: () => 1,
        }),
    },
  });

  const notify = (raw: unknown) => notifyIncident(parseNotifyEvent(raw), { ...deps(), plans: { get: () => plan } });

  it('posts one message per phase change, each with blocks and a text fallback, when a recovery runs', async () => {
    // Prepare
    const events = recoveryEvents();

    // Act
    for (const event of events) await notify(event);

    // Assess
    expect(slack.server.posts).toHaveLength(events.length);
    for (const post of slack.server.posts) {
      expect(post.blocks.length).toBeGreaterThan(2);
      expect(post.text).toContain('orders');
    }
    expect(slack.server.posts[2]?.text).toContain('⏳ promote since 03:01:32 UTC');
    expect(slack.server.posts[3]?.text).toContain('✅ promote 5m 08s');
    const last = slack.server.posts.at(-1);
    expect(last?.text).toContain('Recovered within budget: 8m 20s of 15m.');
    expect(last?.text).toContain('RPO 12 s of 60 s budget');
    expect(JSON.stringify(last?.blocks)).toContain('https://reports.example.com/dr/orders/orders-20261125T0300-a1b2');
    expect(slack.output.lines().filter((line) => line.message === 'notification sent')).toHaveLength(events.length);
  });

  it('says how far over budget a recovery was when its RTO exceeded the budget', async () => {
    // Act
    await notify(recoveryCompleted(975));

    // Assess
    expect(slack.server.posts[0]?.text).toContain('Recovered, 75 s over the RTO budget: RTO 16m 15s of 15m.');
  });

  it('explains the approval, its data-loss risk and how to answer when approval is requested', async () => {
    // Act
    await notify(phaseChanged('decide', 'started', 90));
    await notify(approvalRequested(91, 95));

    // Assess
    const text = slack.server.posts[1]?.text ?? '';
    expect(text).toContain('Why: lag 95 s &gt; RPO budget 60 s');
    expect(text).toContain('Approving accepts losing up to 95 s of writes.');
    expect(text).toContain('npx switchback approve orders-20261125T0300-a1b2');
    expect(text).toContain('npx switchback deny orders-20261125T0300-a1b2');
    expect(text).toContain(
      'https://us-west-2.console.aws.amazon.com/states/home?region=us-west-2#/v2/executions/details/',
    );
  });

  it('names the failed phase, the cause and the redrive command when the recovery fails', async () => {
    // Act
    await notify(phaseChanged('promote', 'started', 92));
    await notify(phaseChanged('promote', 'failed', 300, { facts: ['PromotionFailedError'] }));
    await notify(recoveryFailed(300));

    // Assess
    const text = slack.server.posts.at(-1)?.text ?? '';
    expect(text).toContain('Failed at phase promote: PromotionFailedError.');
    expect(text).toContain('Promotion of orders-db failed: storage-full');
    expect(text).toContain('aws stepfunctions redrive-execution --execution-arn arn:aws:states:us-west-2:123456789012');
    expect(text).toContain('❌ promote failed after 3m 28s');
  });

  it('posts nothing more when an event is delivered again', async () => {
    // Prepare
    const event = phaseChanged('promote', 'started', 92);
    await notify(event);

    // Act
    const result = await notify(event);

    // Assess
    expect(result).toEqual({ status: 'already-sent', key: 'phase:promote:started' });
    expect(slack.server.posts).toHaveLength(1);
  });

  it('waits for Retry-After and then delivers when Slack answers 429', async () => {
    // Prepare
    slack.server.enqueue({ status: 429, retryAfter: 3 });

    // Act
    const result = await notify(phaseChanged('promote', 'started', 92));

    // Assess
    expect(result.status).toBe('sent');
    expect(timer.sleeps).toEqual([3000]);
    expect(slack.server.requests.map((request) => request.status)).toEqual([429, 200]);
    expect(slack.server.posts).toHaveLength(1);
  });

  it('retries with backoff and delivers once when Slack answers 500 and then 200', async () => {
    // Prepare
    slack.server.enqueue({ status: 500 }, { status: 503 });

    // Act
    await notify(phaseChanged('promote', 'started', 92));

    // Assess
    expect(slack.server.requests.map((request) => request.status)).toEqual([500, 503, 200]);
    expect(timer.sleeps).toEqual([500, 1000]);
    expect(slack.server.posts).toHaveLength(1);
  });

  it('times out a slow answer and delivers on the retry when the server stalls once', async () => {
    // Prepare
    policy = { ...FAST, requestTimeoutMs: 150 };
    slack.server.enqueue({ delayMs: 1000 });

    // Act
    const result = await notify(phaseChanged('promote', 'started', 92));

    // Assess
    expect(result.status).toBe('sent');
    expect(slack.server.requests).toHaveLength(2);
    expect(slack.server.posts).toHaveLength(1);
    expect(slack.output.lines().find((line) => line.message === 'slack call failed')?.problem).toBe('timeout');
  });

  it('throws a retryable error after a bounded number of attempts and sends on the next delivery when Slack stays down', async () => {
    // Prepare
    slack.server.always({ status: 500 });
    const event = phaseChanged('promote', 'started', 92);

    // Act
    const failed = notify(event);

    // Assess
    await expect(failed).rejects.toThrow(NotificationDeliveryError);
    await expect(failed).rejects.toMatchObject({ retryable: true, attempts: 4 });
    expect(slack.server.requests).toHaveLength(4);
    expect(timer.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(FAST.totalMs);

    // Act: Lambda's async retry, Slack healthy again
    slack.server.always(undefined);
    const retried = await notify(event);

    // Assess
    expect(retried.status).toBe('sent');
    expect(slack.server.posts).toHaveLength(1);
  });

  it('hands over to Lambda at once when Retry-After is longer than the time left', async () => {
    // Prepare
    slack.server.enqueue({ status: 429, retryAfter: 60 });

    // Act
    const result = notify(phaseChanged('promote', 'started', 92));

    // Assess
    await expect(result).rejects.toThrow('rate limited (429)');
    expect(timer.sleeps).toEqual([]);
    expect(slack.server.requests).toHaveLength(1);
  });

  it('reports a removed webhook once and returns normally when Slack answers 404 no_service', async () => {
    // Prepare
    slack.server.always({ error: 'no_service' });

    // Act
    const results = [];
    for (const event of recoveryEvents().slice(0, 3)) results.push(await notify(event));

    // Assess
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(slack.server.requests).toHaveLength(3);
    const reports = slack.output.lines().filter((line) => line.message === 'slack refused notifications');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 'ERROR', code: 'no_service' });
    expect(String(reports[0]?.fix)).toContain('Secrets Manager secret "switchback/orders/slack"');
  });

  it('shows every earlier phase in a later message when events arrive out of order', async () => {
    // Prepare
    const events = recoveryEvents().slice(0, 6);
    const shuffled = [events[5], events[1], events[3], events[0], events[2], events[4]];

    // Act
    for (const event of shuffled) await notify(event);

    // Assess
    const last = slack.server.posts.at(-1)?.text ?? '';
    expect(last).toContain('✅ decide 2 s');
    expect(last).toContain('✅ promote 5m 08s');
    expect(last).toContain('✅ dns 90 s');
    expect(last).toContain('⬜ verify');
  });
  it('prints the text fallback of each message, as Slack shows it, when the server is given a preview printer', async () => {
    // Prepare
    const lines: string[] = [];
    const previewing = await startSlackServer({ preview: (line) => lines.push(line) });
    const sender = createSlackSender(previewing.webhookUrl, {
      settings: plan.notifications.slack as SlackSettings,
      plan: 'orders',
      log: logger,
      timer,
    });

    // Act
    if (sender.kind !== 'webhook') throw new Error('expected a webhook sender for a webhook plan');
    await sender.send({ text: 'lag 95 s &gt; 60 s', blocks: [] });
    await previewing.close();

    // Assess
    expect(lines).toEqual(['lag 95 s > 60 s']);
  });
});
