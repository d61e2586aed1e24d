import type { RunContext } from '../../../../shared/domain/run';
import { renderIncidentMessage, renderThreadReply } from '../../../../shared/notify/render';
import { buildView, encodeEvent, notificationKey, parseNotifyEvent } from '../../../../shared/notify/state';

/** A standalone failback's Slack message after its end: what it did to re-protect the other way. */

const T0 = Date.parse('2026-11-26T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const run: RunContext = {
  incidentId: 'orders-failback-1',
  plan: 'orders',
  action: 'failback',
  mode: 'live',
  reason: 'us-east-1 healthy for a week',
  requestedBy: 'alice@example.com',
  trigger: { type: 'manual' },
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  impactStartedAt: at(0),
  startedAt: at(0),
  executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failback:orders-failback-1',
  epoch: 3,
};

const completed = {
  source: 'switchback',
  'detail-type': 'Recovery Completed',
  detail: {
    run,
    outcome: 'recovered',
    phases: [],
    actions: [],
    warnings: [],
    rto: { actualSeconds: 424, budgetSeconds: 900, withinBudget: true },
    rpo: { actualSeconds: 0, budgetSeconds: 60, withinBudget: true },
    endedAt: at(424),
  },
};

const reprotectBack = (seconds: number, back: object) => ({
  source: 'switchback',
  'detail-type': 'Reprotect After Failback',
  detail: { run, at: at(seconds), reprotectBack: { checks: 1, pollSeconds: 30, checkedAt: at(seconds), ...back } },
});

const render = (events: unknown[]) => {
  const view = buildView(
    run,
    { rtoSeconds: 900, rpoSeconds: 60 },
    events.map((event) => encodeEvent(parseNotifyEvent(event))),
  );
  return { view, message: renderIncidentMessage(view) };
};

describe("a failback's Slack message and its re-protection the other way", () => {
  it('says nothing of re-protection until the failback step says what it did', () => {
    // Act
    const { message } = render([completed]);

    // Assess
    expect(message.text.split('\n')[0]).toBe('✅ orders failed back to us-east-1');
    expect(message.text).not.toContain('Re-protect');
  });

  it('adds "Re-protect started: <execution>" once the reprotect was started, after waiting for the fence', () => {
    // Prepare
    const waiting = reprotectBack(430, {
      state: 'waiting',
      detail: 'waiting for fence orders-failback-1-1-fence to end',
    });
    const started = reprotectBack(610, {
      state: 'started',
      detail: 'reprotect orders-failback-1-2-reprotect started: a new standby for orders-db in us-west-2',
      reprotect: { execution: 'orders-failback-1-2-reprotect', alreadyStarted: false },
    });

    // Act
    const before = render([completed, waiting]);
    const after = render([started, completed, waiting]);

    // Assess
    expect(before.message.text).toContain('Re-protect waits: waiting for fence orders-failback-1-1-fence to end');
    expect(after.view.outcome).toBe('recovered');
    expect(after.message.text.split('\n')[0]).toBe('✅ orders failed back to us-east-1; re-protect started');
    expect(after.message.text).toContain('\nRe-protect started: orders-failback-1-2-reprotect\n');
    expect(after.message.text).not.toContain('Re-protect waits');
    expect(JSON.stringify(after.message.blocks)).toContain('Re-protect started: orders-failback-1-2-reprotect');
    expect(renderThreadReply(after.view, { reprotectBack: true }).text).toBe(
      'Re-protect started: orders-failback-1-2-reprotect',
    );
    expect(notificationKey(parseNotifyEvent(started))).toBe(`reprotect-back:started:${at(610)}`);
  });

  it('adds "Re-protect not started: <reason>; run <command>" when a person has to run it', () => {
    // Prepare
    const notStarted = reprotectBack(700, {
      state: 'not-started',
      detail:
        "orders-db's old writer orders-db-replica (us-west-2) not fenced: fence orders-failback-1-1-fence ended failed",
      command: 'switchback run --plan orders --action reprotect',
    });

    // Act
    const { message } = render([completed, notStarted]);

    // Assess
    expect(message.text.split('\n')[0]).toBe('✅ orders failed back to us-east-1; re-protect not started');
    expect(message.text).toContain(
      "Re-protect not started: orders-db's old writer orders-db-replica (us-west-2) not fenced: fence orders-failback-1-1-fence ended failed; run switchback run --plan orders --action reprotect",
    );
  });

  it('drops a re-protect event with no state, naming the field', () => {
    // Act
    const parse = () => parseNotifyEvent(reprotectBack(700, { state: undefined, detail: 'x' }));

    // Assess
    expect(parse).toThrow(/reprotectBack\.state/);
  });
});
