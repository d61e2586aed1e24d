import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PhaseName } from '../../shared/domain/run';
import { DEFAULT_RETRY_POLICY } from '../../shared/notify/delivery';
import { formatDuration } from '../../shared/notify/render';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';
import { type DrillReport, withoutWall } from '../../sim/report';
import type { RecordedRequest, SlackServer } from '../../sim/slack-server';
import { useSlackServer } from './slack-support';

/**
 * The Slack "must show" through the real drill: plans/example.yml fails over in the simulator while the product's
 * notifier posts to a local Slack webhook. Slack healthy, down (500), rate limiting (429) or too slow to answer:
 * the failover, as the report records it, is the same run, and the webhook URL never reaches a log line.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');
const SEED = 3;
const PHASES: PhaseName[] = ['detect', 'decide', 'promote', 'dns', 'verify'];
/** The drill's own warning for a notification that failed (sim/drill.ts); it is not part of the failover. */
const UNDELIVERED = 'notification not delivered: ';
/** Longer than the notifier's per-request timeout on either clock, and past the drill's 4-hour virtual horizon. */
const NEVER_MS = 24 * 3600_000;

jest.setTimeout(30_000);

/** The phase a webhook message announces: its headline names it, except the first one ("in progress", detect done). */
const announcedPhase = (text: string): string | undefined => {
  const headline = text.split('\n')[0] ?? '';
  const named = /failover: (\w+) (?:running|done|failed)$/.exec(headline)?.[1];
  if (named) return named;
  return /failover in progress$/.test(headline) && /^✅ detect \d/m.test(text) ? 'detect' : undefined;
};

const webhookRequests = (server: SlackServer): RecordedRequest[] =>
  server.requests.filter((request) => request.route === 'webhook');

/** Requests grouped by body: one group per message, one entry per attempt, in arrival order. */
const attemptsPerMessage = (requests: RecordedRequest[]): RecordedRequest[][] => {
  const groups = new Map<string, RecordedRequest[]>();
  for (const request of requests) {
    const key = JSON.stringify(request.body);
    groups.set(key, [...(groups.get(key) ?? []), request]);
  }
  return [...groups.values()];
};

/**
 * The failover is the same run as the healthy one: every report field but `wall` (wall clock) and the drill's own
 * "notification not delivered" warnings, which are the only trace Slack may leave.
 */
const expectSameFailover = (actual: DrillReport, expected: DrillReport): void => {
  const { warnings, ...failover } = withoutWall(actual);
  const { warnings: expectedWarnings, ...expectedFailover } = withoutWall(expected);
  expect(failover.outcome).toBe('recovered');
  expect({ outcome: failover.outcome, rto: failover.rto, rpo: failover.rpo, phases: failover.phases }).toEqual({
    outcome: expectedFailover.outcome,
    rto: expectedFailover.rto,
    rpo: expectedFailover.rpo,
    phases: expectedFailover.phases,
  });
  expect(failover).toEqual(expectedFailover);
  expect(warnings.filter((warning) => !warning.startsWith(UNDELIVERED))).toEqual(expectedWarnings);
};

describe('runDrill with Slack notifications', () => {
  const slack = useSlackServer();
  let healthy: DrillReport | undefined;

  const drill = (options: Partial<DrillOptions> = {}): Promise<DrillResult> =>
    runDrill({
      planFile: PLAN,
      scenario: 'region-outage',
      seed: SEED,
      slackWebhookUrl: slack.server.webhookUrl,
      slackPreview: false,
      // The product's logs on stdout, where the capture reads them.
      verbose: true,
      ...options,
    });

  /** The healthy run to compare with, run once (on a healthy server) by whichever test needs it first. */
  const healthyReport = async (): Promise<DrillReport> => {
    healthy ??= (await drill()).report;
    slack.server.reset();
    return healthy;
  };

  /** Neither the webhook URL, its path nor its random part is in anything written while the test ran. */
  const expectNoWebhookInOutput = (): void => {
    const text = slack.output.text();
    const path = new URL(slack.server.webhookUrl).pathname;
    expect(slack.output.lines().length).toBeGreaterThan(0);
    expect(text).not.toContain(slack.server.webhookUrl);
    expect(text).not.toContain(path);
    expect(text).not.toContain(path.split('/').at(-1));
  };

  it('posts a Block Kit message with a text fallback for every phase and the verdict when Slack is healthy', async () => {
    // Prepare
    const outDir = await mkdtemp(join(tmpdir(), 'switchback-drill-slack-'));

    try {
      // Act
      const { report, paths, lockHolder } = await drill({ outDir });
      healthy ??= report;

      // Assess
      expect(report.outcome).toBe('recovered');
      expect(lockHolder).toBeNull();
      const requests = webhookRequests(slack.server);
      expect(requests.length).toBeGreaterThanOrEqual(PHASES.length + 1);
      expect(slack.server.requests).toHaveLength(requests.length);
      for (const request of requests) {
        expect(request.status).toBe(200);
        expect(Array.isArray(request.body.blocks)).toBe(true);
        expect((request.body.blocks as unknown[]).length).toBeGreaterThan(0);
        expect(typeof request.body.text).toBe('string');
        expect((request.body.text as string).trim()).not.toBe('');
      }
      const texts = slack.server.posts.map((post) => post.text);
      expect(texts).toHaveLength(requests.length);
      for (const text of texts) expect(text).toContain(report.incidentId);
      for (const phase of PHASES) expect(texts.map(announcedPhase)).toContain(phase);
      const { rto, rpo } = report;
      if (!rto || !rpo) throw new Error('a recovered drill records its RTO and RPO');
      const verdicts = texts.filter((text) => text.startsWith('✅ orders recovered'));
      expect(verdicts).toHaveLength(1);
      expect(verdicts[0]).toContain(
        `Recovered within budget: ${formatDuration(rto.actualSeconds)} of ${formatDuration(rto.budgetSeconds)}.`,
      );
      expect(verdicts[0]).toContain(
        `RPO ${formatDuration(rpo.actualSeconds)} of ${formatDuration(rpo.budgetSeconds)} budget`,
      );
      expectNoWebhookInOutput();
      if (!paths) throw new Error('a drill with outDir writes its report');
      for (const file of [paths.json, paths.html]) {
        expect(await readFile(file, 'utf8')).not.toContain(new URL(slack.server.webhookUrl).pathname);
      }
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });

  it('fails over exactly as with a healthy Slack when Slack answers 500 to everything', async () => {
    // Prepare
    const expected = await healthyReport();
    slack.server.always({ status: 500 });

    // Act
    const { report, lockHolder } = await drill();

    // Assess
    expectSameFailover(report, expected);
    expect(lockHolder).toBeNull();
    const requests = webhookRequests(slack.server);
    expect(requests.length).toBeGreaterThan(PHASES.length);
    expect(requests.map((request) => request.status)).toEqual(requests.map(() => 500));
    expect(slack.server.posts).toEqual([]);
    // Retried by the notifier's policy, and given up on: the failover went on meanwhile.
    expect(Math.max(...attemptsPerMessage(requests).map((attempts) => attempts.length))).toBe(
      DEFAULT_RETRY_POLICY.maxAttempts,
    );
    expect(report.warnings).toContainEqual(expect.stringMatching(/^notification not delivered: .*HTTP 500$/));
    expect(slack.output.lines()).toContainEqual(
      expect.objectContaining({ message: 'slack call failed', problem: 'HTTP 500' }),
    );
    expectNoWebhookInOutput();
  });

  it('fails over exactly as with a healthy Slack when Slack rate limits every post with Retry-After', async () => {
    // Prepare
    const expected = await healthyReport();
    slack.server.always({ status: 429, retryAfter: 1 });

    // Act
    const { report, lockHolder } = await drill();

    // Assess
    expectSameFailover(report, expected);
    expect(lockHolder).toBeNull();
    const requests = webhookRequests(slack.server);
    expect(requests.length).toBeGreaterThan(PHASES.length);
    expect(requests.map((request) => request.status)).toEqual(requests.map(() => 429));
    expect(slack.server.posts).toEqual([]);
    // The notifier waited out Retry-After (1 s, on the drill's virtual clock) before each new attempt.
    const retried = attemptsPerMessage(requests).filter((attempts) => attempts.length > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const attempts of retried) {
      for (let index = 1; index < attempts.length; index++) {
        const gap = (attempts[index]?.receivedAt ?? 0) - (attempts[index - 1]?.receivedAt ?? 0);
        expect(gap).toBeGreaterThanOrEqual(1000);
      }
    }
    expect(slack.output.lines()).toContainEqual(
      expect.objectContaining({ message: 'slack call failed', problem: 'rate limited (429)', retryInMs: 1000 }),
    );
    expectNoWebhookInOutput();
  });

  it('fails over exactly as with a healthy Slack, and ends every notification with the drill, when Slack never answers', async () => {
    // Prepare
    const expected = await healthyReport();
    // The server's delay runs on the drill's virtual clock, whose pending timers are dropped when the drill ends:
    // Slack never answers.
    slack.server.always({ delayMs: NEVER_MS });

    // Act
    const { report, lockHolder, world } = await drill();
    const notifications = world.bus.deliveries.filter((delivery) => delivery.subscriber === 'notify');
    const linesAtEnd = slack.output.lines().length;
    const requestsAtEnd = slack.server.requests.length;
    // A request still open when the drill returned would time out later (real time, AbortSignal.timeout) and log:
    // wait until the server saw every request end, no longer than that timeout, then a little for what it set off.
    const openUntil = performance.now() + DEFAULT_RETRY_POLICY.requestTimeoutMs + 500;
    while (slack.server.requests.some((request) => request.closedAt === undefined) && performance.now() < openUntil) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assess
    expectSameFailover(report, expected);
    expect(lockHolder).toBeNull();
    expect(webhookRequests(slack.server).length).toBeGreaterThan(0);
    expect(slack.server.posts).toEqual([]);
    // Every event reached the notifier, and every notification had ended when the drill returned.
    expect(notifications.length).toBe(report.events.length);
    expect(notifications.filter((delivery) => delivery.outcome === 'pending')).toEqual([]);
    expect(report.warnings.filter((warning) => warning.startsWith(UNDELIVERED)).length).toBeGreaterThan(0);
    // Nothing of the notifier outlived the drill: no request left open, no log line and no request after it returned.
    expect(slack.server.requests.filter((request) => request.closedAt === undefined)).toEqual([]);
    expect(slack.output.lines().length).toBe(linesAtEnd);
    expect(slack.server.requests.length).toBe(requestsAtEnd);
    expectNoWebhookInOutput();
  });
});

describe('runDrill with a bot-delivery plan', () => {
  const BOT_PLAN = join(__dirname, '..', 'fixtures', 'plans', 'bot-slack.yml');
  const slack = useSlackServer();

  it('previews the incident message and its thread from the local Slack, as a webhook plan does', async () => {
    // Prepare
    const previews: string[] = [];

    // Act
    const { report } = await runDrill({
      planFile: BOT_PLAN,
      scenario: 'region-outage',
      seed: SEED,
      slackPreview: (text) => previews.push(text.split('\n')[0] ?? ''),
    });

    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.warnings.filter((warning) => warning.startsWith(UNDELIVERED))).toEqual([]);
    // The plan's scheduled readiness ran first. This fixture plan is not in plans/, so the deployment's roles lack
    // its grants: one message says it is not ready (readiness's first run that is not ready is news).
    expect(previews[0]).toMatch(/^⚠️ orders-bot is NOT ready to fail over/);
    expect(report.readiness?.findings).toContainEqual(expect.objectContaining({ check: 'role-permission' }));
    expect(previews.filter((line) => !line.startsWith('⚠️'))[0]).toBe('🚨 orders-bot failover in progress');
    expect(previews.filter((line) => line.startsWith('(updated) '))).not.toEqual([]);
    expect(previews).toContain('(updated) ✅ orders-bot recovered');
  });

  it('posts through the given webhook when a bot plan is drilled with --slack-webhook-url', async () => {
    // Act
    const { report } = await runDrill({
      planFile: BOT_PLAN,
      scenario: 'region-outage',
      seed: SEED,
      slackWebhookUrl: slack.server.webhookUrl,
      slackPreview: false,
    });

    // Assess
    expect(report.warnings.filter((warning) => warning.startsWith(UNDELIVERED))).toEqual([]);
    expect(webhookRequests(slack.server).length).toBeGreaterThan(PHASES.length);
    const texts = slack.server.posts.map((post) => post.text);
    expect(texts.filter((text) => text.startsWith('✅ orders-bot recovered'))).toHaveLength(1);
    // The fence the failover started cannot reach us-east-1 (still down): one message saying it waits for the
    // retry, last, and no failure nor redrive for anyone to act on.
    expect(texts.at(-1)).toMatch(/^⏳ orders-bot fence waits for us-east-1 to answer/);
    expect(texts.at(-1)).toContain('The fence retry runs every 5 minutes');
    expect(texts.filter((text) => text.includes('orders-bot fence'))).toHaveLength(1);
    for (const text of texts) {
      expect(text).not.toMatch(/^❌/);
      expect(text).not.toContain('redrive');
    }
  });
});
