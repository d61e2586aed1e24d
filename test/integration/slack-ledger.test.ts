import { DynamoLedger } from '../../shared/aws/ledger';
import { createSlackSender } from '../../shared/notify/delivery';
import { parseNotifyEvent } from '../../shared/notify/state';
import type { Plan } from '../../shared/plan/schema';
import { logger } from '../../shared/runtime/logger';
import { type NotifyIncidentDeps, notifyIncident } from '../../shared/usecases/notify-incident';
import { type SlackServer, startSlackServer } from '../../sim/slack-server';
import { type LocalLedger, startLedger } from '../support/dynalite';
import { botPlan, captureOutput, phaseChanged, recoveryEvents, virtualTimer, webhookPlan } from './slack-support';

describe('notifyIncident with the DynamoDB ledger', () => {
  let server: SlackServer;
  let local: LocalLedger;
  let ledger: DynamoLedger;
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    server = await startSlackServer({ preview: false });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(async () => {
    server.reset();
    local = await startLedger();
    ledger = new DynamoLedger({ client: local.client, tableName: local.tableName });
    output = captureOutput();
  });

  afterEach(async () => {
    const text = output.text();
    output.restore();
    await local.stop();
    expect(text).not.toContain(server.webhookUrl);
    expect(text).not.toContain(server.token);
  });

  const deps = (secret: string): Omit<NotifyIncidentDeps, 'plans'> => ({
    ledger,
    log: logger,
    slack: {
      connect: async (settings, planName) =>
        createSlackSender(secret, {
          settings,
          plan: planName,
          log: logger,
          timer: virtualTimer(),
          slackApiUrl: server.apiUrl,
        }),
    },
  });

  const notify = (raw: unknown, plan: Plan, secret: string) =>
    notifyIncident(parseNotifyEvent(raw), { ...deps(secret), plans: { get: () => plan } });

  it('rebuilds each webhook message from the events stored so far and posts nothing for a redelivery', async () => {
    // Prepare
    const events = recoveryEvents();
    const plan = webhookPlan();

    // Act
    for (const event of events.slice(0, 6)) await notify(event, plan, server.webhookUrl);
    await notify(events[3], plan, server.webhookUrl);

    // Assess
    expect(server.posts).toHaveLength(6);
    const latest = server.posts.at(-1)?.text ?? '';
    expect(latest).toContain('✅ decide 2 s');
    expect(latest).toContain('✅ promote 5m 08s');
    expect(latest).toContain('✅ dns 90 s');
    expect(latest).toContain('Replica lag 12 s (RPO budget 60 s)');
  });

  it('keeps both events when two are delivered at the same time', async () => {
    // Prepare
    const plan = webhookPlan();

    // Act
    await Promise.all([
      notify(phaseChanged('promote', 'succeeded', 400), plan, server.webhookUrl),
      notify(phaseChanged('dns', 'started', 400), plan, server.webhookUrl),
    ]);
    await notify(phaseChanged('dns', 'succeeded', 490), plan, server.webhookUrl);

    // Assess
    const latest = server.posts.at(-1)?.text ?? '';
    expect(latest).toContain('✅ promote');
    expect(latest).toContain('✅ dns 90 s');
  });

  it('keeps the bot message ts with the incident so that later events update it', async () => {
    // Prepare
    const plan = botPlan();

    // Act
    for (const event of recoveryEvents()) await notify(event, plan, server.token);

    // Assess
    const roots = server.channelMessages().filter((message) => !message.threadTs);
    expect(roots).toHaveLength(1);
    expect(roots[0]?.text).toContain('Recovered within budget');
    const state = await ledger.getNotificationState('orders-20261125T0300-a1b2');
    expect(state).toMatchObject({ channel: 'C0INCIDENT', ts: roots[0]?.ts });
    expect(state?.sentKeys).toContain('phase:verify:succeeded');
  });
});
