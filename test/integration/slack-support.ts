import type { LedgerPort, NotificationState } from '../../shared/domain/ports';
import type { PhaseName, RunContext } from '../../shared/domain/run';
import type { Timer } from '../../shared/notify/delivery';
import type { Plan, PlanInput } from '../../shared/plan/schema';
import { logger } from '../../shared/runtime/logger';
import { type SlackServer, startSlackServer } from '../../sim/slack-server';
import { ordersPlan } from '../support/plan-fixtures';

/** Helpers shared by the Slack integration tests: a plan, a run's events, an in-memory ledger, time and logs. */

export const T0 = Date.parse('2026-11-25T03:00:00.000Z');
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

export const EXECUTION_ARN =
  'arn:aws:states:us-west-2:123456789012:execution:switchback-dev-failover:orders-20261125T0300-a1b2';

/** The orders plan of the test fixtures, notifying Slack with these settings. */
export const slackPlan = (slack: NonNullable<PlanInput['notifications']>['slack']): Plan =>
  ordersPlan({ notifications: { slack } });

export const webhookPlan = (): Plan =>
  slackPlan({ delivery: 'webhook', secret: { source: 'secretsmanager', name: 'switchback/orders/slack' } });
export const botPlan = (): Plan =>
  slackPlan({
    delivery: 'bot',
    secret: { source: 'ssm', name: '/switchback/orders/slack-token' },
    channel: 'C0INCIDENT',
  });

export const runContext = (overrides: Partial<RunContext> = {}): RunContext => ({
  incidentId: 'orders-20261125T0300-a1b2',
  plan: 'orders',
  action: 'failover',
  mode: 'live',
  reason: 'health alarm',
  requestedBy: 'on-health-alarm',
  trigger: { type: 'alarm', alarmName: 'orders-primary-health', impactStartedAt: at(0) },
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  impactStartedAt: at(0),
  startedAt: at(90),
  executionArn: EXECUTION_ARN,
  epoch: 1,
  ...overrides,
});

type Status = 'started' | 'succeeded' | 'failed';

export const phaseChanged = (
  phase: PhaseName,
  status: Status,
  seconds: number,
  extra: object = {},
  run = runContext(),
) => ({
  version: '0',
  id: `${phase}-${status}`,
  source: 'switchback',
  'detail-type': 'Phase Changed',
  time: at(seconds),
  detail: { run, phase, status, at: at(seconds), ...extra },
});

export const approvalRequested = (seconds: number, lagSeconds: number | null, run = runContext()) => ({
  source: 'switchback',
  'detail-type': 'Approval Requested',
  detail: {
    run,
    at: at(seconds),
    reasons: [`lag ${lagSeconds} s > RPO budget 60 s`],
    lagSeconds,
    rpoBudgetSeconds: 60,
    timeoutSeconds: 1800,
  },
});

/** "Recovery Completed" with the given RTO actual against the 900 s budget. */
export const recoveryCompleted = (rtoSeconds: number, run = runContext()) => ({
  source: 'switchback',
  'detail-type': 'Recovery Completed',
  detail: {
    run,
    outcome: 'recovered',
    phases: [
      { name: 'detect', startedAt: at(0), endedAt: at(90), seconds: 90 },
      { name: 'decide', startedAt: at(90), endedAt: at(92), seconds: 2 },
      { name: 'promote', startedAt: at(92), endedAt: at(rtoSeconds - 100), seconds: rtoSeconds - 192 },
      { name: 'dns', startedAt: at(rtoSeconds - 100), endedAt: at(rtoSeconds - 10), seconds: 90 },
      { name: 'verify', startedAt: at(rtoSeconds - 10), endedAt: at(rtoSeconds), seconds: 10 },
    ],
    rto: { actualSeconds: rtoSeconds, budgetSeconds: 900, withinBudget: rtoSeconds <= 900 },
    rpo: { actualSeconds: 12, budgetSeconds: 60, withinBudget: true },
    actions: [],
    warnings: [],
    endedAt: at(rtoSeconds),
  },
});

export const recoveryFailed = (seconds: number, run = runContext()) => ({
  source: 'switchback',
  'detail-type': 'Recovery Failed',
  detail: {
    run,
    outcome: 'failed',
    phases: [{ name: 'decide', startedAt: at(90), endedAt: at(92), seconds: 2 }],
    actions: [],
    warnings: [],
    failure: { phase: 'promote', error: 'PromotionFailedError', cause: 'Promotion of orders-db failed: storage-full' },
    endedAt: at(seconds),
    redrive: {
      executionArn: EXECUTION_ARN,
      command: `aws stepfunctions redrive-execution --execution-arn ${EXECUTION_ARN}`,
      until: at(seconds + 14 * 86400),
    },
  },
});

/** The events of a recovery that ends within budget, in the order the runbook emits them. */
export const recoveryEvents = () => [
  phaseChanged('decide', 'started', 90),
  phaseChanged('decide', 'succeeded', 92, { lagSeconds: 12 }),
  phaseChanged('promote', 'started', 92),
  phaseChanged('promote', 'succeeded', 400, { facts: ['orders-db writable (orders-db-replica in us-west-2)'] }),
  phaseChanged('dns', 'started', 400),
  phaseChanged('dns', 'succeeded', 490, { facts: ['2 records flipped in Z0123456789ORDERSAPI'] }),
  phaseChanged('verify', 'started', 490),
  phaseChanged('verify', 'succeeded', 500),
  recoveryCompleted(500),
];

/** The notifier's part of the ledger, in memory, with DynamoLedger's semantics: sets only grow. */
export class MemoryNotificationLedger
  implements Pick<LedgerPort, 'getNotificationState' | 'putNotificationState' | 'claimNotification'>
{
  readonly states = new Map<string, { channel?: string; ts?: string; sentKeys: Set<string>; events: Set<string> }>();

  #state(incidentId: string) {
    let state = this.states.get(incidentId);
    if (!state) {
      state = { sentKeys: new Set(), events: new Set() };
      this.states.set(incidentId, state);
    }
    return state;
  }

  async getNotificationState(incidentId: string): Promise<NotificationState | undefined> {
    const state = this.states.get(incidentId);
    if (!state) return undefined;
    return {
      ...(state.channel ? { channel: state.channel } : {}),
      ...(state.ts ? { ts: state.ts } : {}),
      sentKeys: [...state.sentKeys],
      events: [...state.events],
    };
  }

  async putNotificationState(incidentId: string, update: NotificationState): Promise<NotificationState> {
    const state = this.#state(incidentId);
    if (update.channel !== undefined) state.channel = update.channel;
    if (update.ts !== undefined) state.ts = update.ts;
    for (const key of update.sentKeys) state.sentKeys.add(key);
    for (const event of update.events ?? []) state.events.add(event);
    return (await this.getNotificationState(incidentId)) as NotificationState;
  }

  async claimNotification(incidentId: string, key: string): Promise<boolean> {
    const state = this.#state(incidentId);
    if (state.sentKeys.has(key)) return false;
    state.sentKeys.add(key);
    return true;
  }
}

/** Virtual time for the retry loop: sleeps return at once and are recorded; `now` moves by what was slept. */
export const virtualTimer = (): Timer & { sleeps: number[] } => {
  let offset = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now() + offset,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      offset += ms;
    },
  };
};

/**
 * Captures everything written while a test runs: the Powertools logger (JSON on stdout/stderr, at DEBUG here so
 * that every line is written) and any console call. `text()` is all of it, to search for secrets.
 */
export const captureOutput = () => {
  const chunks: string[] = [];
  const record = (...args: unknown[]) => {
    chunks.push(args.map((arg) => (typeof arg === 'string' ? arg : (JSON.stringify(arg) ?? String(arg)))).join(' '));
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      record(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      record(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      jest.spyOn(console, method).mockImplementation(record),
    ),
    // The middy stack resets the level to the environment's (SILENT in tests) on each warm invocation.
    jest.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined),
  ];
  logger.setLogLevel('DEBUG');
  return {
    text: () => chunks.join('\n'),
    /** Parsed Powertools log lines. */
    lines: (): Record<string, unknown>[] =>
      chunks
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      logger.setLogLevel('SILENT');
      for (const spy of spies) spy.mockRestore();
    },
  };
};

/** What a test must never write of a webhook: its URL and the URL's secret path. */
export const webhookSecrets = (server: SlackServer): string[] => [
  server.webhookUrl,
  new URL(server.webhookUrl).pathname,
];

/** What a Slack suite works with: set by the hooks useSlackServer registers, so read it inside tests. */
export interface SlackSuite {
  /** The local Slack server, for the whole suite; reset before each test. */
  server: SlackServer;
  /** Everything written during the current test (see captureOutput). */
  output: ReturnType<typeof captureOutput>;
}

/**
 * Registers the hooks the Slack suites share, in the calling describe: one local Slack server for the suite, a
 * reset server and captured output around each test, and after each test a check that none of `secrets` (the
 * credentials of that server the test must never write) reached the output.
 */
export const useSlackServer = (secrets: (server: SlackServer) => string[] = () => []): SlackSuite => {
  const suite = {} as SlackSuite;

  beforeAll(async () => {
    suite.server = await startSlackServer({ preview: false });
  });

  afterAll(async () => {
    await suite.server.close();
  });

  beforeEach(() => {
    suite.server.reset();
    suite.output = captureOutput();
  });

  afterEach(() => {
    const text = suite.output.text();
    suite.output.restore();
    for (const secret of secrets(suite.server)) expect(text).not.toContain(secret);
  });

  return suite;
};
