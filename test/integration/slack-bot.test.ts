import { createSlackSender, type RetryPolicy } from '../../shared/notify/delivery';
import { parseNotifyEvent } from '../../shared/notify/state';
import type { Plan } from '../../shared/plan/schema';
import { logger } from '../../shared/runtime/logger';
import { type NotifyIncidentDeps, notifyIncident } from '../../shared/usecases/notify-incident';
import {
  approvalRequested,
  botPlan,
  MemoryNotificationLedger,
  phaseChanged,
  recoveryEvents,
  recoveryFailed,
  runContext,
  useSlackServer,
  virtualTimer,
} from './slack-support';

const POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 4000,
  totalMs: 20_000,
  requestTimeoutMs: 2000,
};
const INCIDENT = runContext().incidentId;

describe('notifyIncident with a bot token', () => {
  // Every test: the token never reaches any output.
  const slack = useSlackServer((server) => [server.token]);
  let ledger: MemoryNotificationLedger;
  let timer: ReturnType<typeof virtualTimer>;
  let plan: Plan;
  let token: string;

  beforeEach(() => {
    ledger = new MemoryNotificationLedger();
    timer = virtualTimer();
    plan = botPlan();
    token = slack.server.token;
  });

  const deps = (): Omit<NotifyIncidentDeps, 'plans'> => ({
    ledger,
    log: logger,
    slack: {
      connect: async (settings, planName) =>
        createSlackSender(token, {
          settings,
          plan: planName,
          log: logger,
          timer,
          policy: POLICY,
          random: () => 1,
          slackApiUrl: slack.server.apiUrl,
        }),
    },
  });

  const notify = (raw: unknown) => notifyIncident(parseNotifyEvent(raw), { ...deps(), plans: { get: () => plan } });
  const routes = () => slack.server.requests.map((request) => request.route);

  it('posts the incident message once, then updates it and replies in its thread per phase, when a recovery runs', async () => {
    // Prepare
    const events = recoveryEvents();

    // Act
    for (const event of events) await notify(event);

    // Assess
    const messages = slack.server.channelMessages();
    const [root, ...replies] = messages;
    expect(root).toMatchObject({ channel: 'C0INCIDENT', via: 'bot', updates: events.length - 1 });
    expect(root?.threadTs).toBeUndefined();
    expect(root?.text).toContain('Recovered within budget: 8m 20s of 15m.');
    expect(replies).toHaveLength(events.length);
    for (const reply of replies) expect(reply.threadTs).toBe(root?.ts);
    expect(replies.map((reply) => reply.text.split('\n')[0])).toEqual([
      '⏳ decide started at 03:01:30 UTC',
      '✅ decide done in 2 s',
      '⏳ promote started at 03:01:32 UTC',
      '✅ promote done in 5m 08s · orders-db writable (orders-db-replica in us-west-2)',
      '⏳ dns started at 03:06:40 UTC',
      '✅ dns done in 90 s · 2 records flipped in Z0123456789ORDERSAPI',
      '⏳ verify started at 03:08:10 UTC',
      '✅ verify done in 10 s',
      'Recovered within budget: 8m 20s of 15m.',
    ]);
    expect(await ledger.getNotificationState(INCIDENT)).toMatchObject({ channel: 'C0INCIDENT', ts: root?.ts });
    // The verdict is broadcast to the channel as well as the thread.
    expect(slack.server.requests.at(-1)?.body.reply_broadcast).toBe(true);
  });

  it('updates the message but adds no thread reply when an event is delivered again', async () => {
    // Prepare
    const event = phaseChanged('promote', 'started', 92);
    await notify(phaseChanged('decide', 'succeeded', 92));
    await notify(event);
    slack.server.requests.length = 0;

    // Act
    const result = await notify(event);

    // Assess
    expect(result).toEqual({ status: 'already-sent', key: 'phase:promote:started' });
    expect(routes()).toEqual(['chat.update']);
    expect(slack.server.channelMessages()).toHaveLength(3);
  });

  it('asks for approval in the message and broadcasts the request when approval is requested', async () => {
    // Act
    await notify(phaseChanged('decide', 'started', 90));
    await notify(approvalRequested(91, 95));

    // Assess
    const [root, , reply] = slack.server.channelMessages();
    expect(root?.text).toContain('✋ orders failover needs approval');
    expect(root?.text).toContain('Approve: npx switchback approve orders-20261125T0300-a1b2');
    expect(JSON.stringify(root?.blocks)).toContain('|Step Functions console>');
    expect(reply?.text).toContain('Approving accepts losing up to 95 s of writes.');
    expect(slack.server.requests.at(-1)?.body.reply_broadcast).toBe(true);
  });

  it('puts the failed phase, cause and redrive command in the message and the thread when the run fails', async () => {
    // Act
    await notify(phaseChanged('promote', 'started', 92));
    await notify(recoveryFailed(300));

    // Assess
    const messages = slack.server.channelMessages();
    expect(messages[0]?.text).toContain('Failed at phase promote: PromotionFailedError.');
    expect(messages.at(-1)?.text).toContain('aws stepfunctions redrive-execution --execution-arn arn:aws:states:');
  });

  it('waits for Retry-After and then updates when chat.update answers 429', async () => {
    // Prepare
    await notify(phaseChanged('promote', 'started', 92));
    slack.server.enqueue({ route: 'chat.update', status: 429, retryAfter: 2 });

    // Act
    const result = await notify(phaseChanged('promote', 'succeeded', 300));

    // Assess
    expect(result.status).toBe('sent');
    expect(timer.sleeps).toEqual([2000]);
    expect(slack.server.channelMessages()[0]?.updates).toBe(1);
  });

  it('retries and posts once when chat.postMessage answers 500 then succeeds', async () => {
    // Prepare
    slack.server.enqueue({ route: 'chat.postMessage', status: 500 });

    // Act
    await notify(phaseChanged('promote', 'started', 92));

    // Assess
    expect(slack.server.requests.map((request) => request.status)).toEqual([500, 200, 200]);
    expect(slack.server.channelMessages()).toHaveLength(2);
  });

  it('reports a revoked token once and returns normally, with one request per event, when Slack says token_revoked', async () => {
    // Prepare
    slack.server.always({ error: 'token_revoked' });

    // Act
    const results = [];
    for (const event of recoveryEvents().slice(0, 4)) results.push(await notify(event));

    // Assess
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(slack.server.requests).toHaveLength(4);
    expect(timer.sleeps).toEqual([]);
    const reports = slack.output.lines().filter((line) => line.message === 'slack refused notifications');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 'ERROR', code: 'token_revoked', delivery: 'bot' });
    expect(String(reports[0]?.fix)).toContain('SSM parameter "/switchback/orders/slack-token"');
  });

  it('reports invalid_auth once when the token is not one Slack knows', async () => {
    // Prepare
    token = 'xoxb-not-the-right-one';

    // Act
    const result = await notify(phaseChanged('promote', 'started', 92));

    // Assess
    expect(result).toEqual({ status: 'rejected', code: 'invalid_auth' });
    expect(slack.output.text()).not.toContain('xoxb-not-the-right-one');
  });

  it('reports channel_not_found with the fix when the bot cannot post in the channel', async () => {
    // Prepare
    slack.server.always({ error: 'channel_not_found' });

    // Act
    const result = await notify(phaseChanged('promote', 'started', 92));

    // Assess
    expect(result).toEqual({ status: 'rejected', code: 'channel_not_found' });
    const report = slack.output.lines().find((line) => line.message === 'slack refused notifications');
    expect(String(report?.fix)).toContain('invite the Slack app to channel C0INCIDENT');
  });

  it('posts a new incident message when the old one was deleted', async () => {
    // Prepare
    await notify(phaseChanged('promote', 'started', 92));
    slack.server.enqueue({ route: 'chat.update', error: 'message_not_found' });

    // Act
    await notify(phaseChanged('promote', 'succeeded', 300));

    // Assess
    const roots = slack.server.channelMessages().filter((message) => !message.threadTs);
    expect(roots).toHaveLength(2);
    expect((await ledger.getNotificationState(INCIDENT))?.ts).toBe(roots[1]?.ts);
  });
});
