import type { RunContext } from '../../../../shared/domain/run';
import { MalformedEventError } from '../../../../shared/errors';
import {
  buildView,
  encodeEvent,
  type NotifyEvent,
  notificationKey,
  parseNotifyEvent,
} from '../../../../shared/notify/state';

const T0 = Date.parse('2026-11-25T03:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const BUDGETS = { rtoSeconds: 900, rpoSeconds: 60 };

const run: RunContext = {
  incidentId: 'orders-1',
  plan: 'orders',
  action: 'failover',
  mode: 'game-day',
  reason: 'game day',
  requestedBy: 'alice',
  trigger: { type: 'manual' },
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  impactStartedAt: at(0),
  startedAt: at(5),
  executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:run',
  epoch: 3,
};

const phase = (name: string, status: string, seconds: number, extra: object = {}) => ({
  source: 'switchback',
  'detail-type': 'Phase Changed',
  detail: { run, phase: name, status, at: at(seconds), ...extra },
});

const parsed = (...events: unknown[]): NotifyEvent[] => events.map(parseNotifyEvent);
const view = (...events: unknown[]) => buildView(run, BUDGETS, parsed(...events).map(encodeEvent));

describe('parseNotifyEvent', () => {
  it('reads each of the five detail-types when the events are well formed', () => {
    // Prepare
    const record = { run, outcome: 'recovered', phases: [], actions: [], warnings: [], endedAt: at(300) };
    const events = [
      phase('dns', 'started', 10),
      {
        source: 'switchback',
        'detail-type': 'Approval Requested',
        detail: {
          run,
          at: at(6),
          reasons: ['lag 95 s > RPO budget 60 s'],
          lagSeconds: 95,
          rpoBudgetSeconds: 60,
          timeoutSeconds: 600,
        },
      },
      { source: 'switchback', 'detail-type': 'Recovery Completed', detail: record },
      { source: 'switchback', 'detail-type': 'Recovery Failed', detail: { ...record, outcome: 'failed' } },
      { source: 'switchback', 'detail-type': 'Run Skipped', detail: { ...record, outcome: 'skipped' } },
    ];

    // Act
    const kinds = events.map((event) => parseNotifyEvent(event).kind);

    // Assess
    expect(kinds).toEqual(['phase', 'approval', 'end', 'end', 'end']);
  });

  it('throws MalformedEventError naming the field when a phase is unknown', () => {
    // Act
    const act = () => parseNotifyEvent(phase('promotion', 'started', 10));

    // Assess
    expect(act).toThrow(MalformedEventError);
    expect(act).toThrow(/detail\.phase: expected one of: detect, decide, promote, dns, verify/);
  });

  it('names the detail-types it accepts when the detail-type is foreign', () => {
    // Act
    const act = () => parseNotifyEvent({ source: 'switchback', 'detail-type': 'Something Else', detail: {} });

    // Assess
    expect(act).toThrow(/detail-type: expected one of: Phase Changed, Approval Requested/);
  });

  it('throws naming the run field when the run context lacks its incident id', () => {
    // Prepare
    const event = phase('dns', 'started', 10);
    (event.detail.run as Partial<RunContext>) = { ...run, incidentId: undefined };

    // Act
    const act = () => parseNotifyEvent(event);

    // Assess
    expect(act).toThrow(/detail\.run\.incidentId/);
  });
});

describe('notificationKey', () => {
  it('gives one key per phase and status, the same for a redelivered event', () => {
    // Prepare
    const [first, again, other] = parsed(
      phase('dns', 'started', 10),
      phase('dns', 'started', 10),
      phase('dns', 'succeeded', 20),
    );

    // Act
    const keys = [first, again, other].map((event) => notificationKey(event as NotifyEvent));

    // Assess
    expect(keys).toEqual(['phase:dns:started', 'phase:dns:started', 'phase:dns:succeeded']);
  });
});

describe('buildView', () => {
  it('derives detect from the run and leaves later phases pending when no event arrived yet', () => {
    // Act
    const result = buildView(run, BUDGETS, []);

    // Assess
    expect(result.phases.map((p) => [p.name, p.status])).toEqual([
      ['detect', 'done'],
      ['decide', 'pending'],
      ['promote', 'pending'],
      ['dns', 'pending'],
      ['verify', 'pending'],
    ]);
    expect(result.phases[0]?.seconds).toBe(5);
    expect(result.outcome).toBe('in-progress');
  });

  it('times each phase from its start and end events whatever order they arrive in', () => {
    // Act
    const result = view(
      phase('promote', 'succeeded', 200),
      phase('decide', 'succeeded', 8),
      phase('promote', 'started', 8),
      phase('decide', 'started', 5),
    );

    // Assess
    expect(result.phases.find((p) => p.name === 'promote')).toMatchObject({ status: 'done', seconds: 192 });
    expect(result.phases.find((p) => p.name === 'decide')).toMatchObject({ status: 'done', seconds: 3 });
    expect(result.asOf).toBe(at(200));
  });

  it('counts a redelivered event once', () => {
    // Prepare
    const event = parseNotifyEvent(phase('dns', 'succeeded', 60, { facts: ['1 record flipped'] }));
    const stored = [encodeEvent(event), encodeEvent(event)];

    // Act
    const result = buildView(run, BUDGETS, stored);

    // Assess
    expect(result.phases.find((p) => p.name === 'dns')?.facts).toEqual(['1 record flipped']);
  });

  it('waits for approval until a later phase event shows the answer', () => {
    // Prepare
    const approval = {
      source: 'switchback',
      'detail-type': 'Approval Requested',
      detail: {
        run,
        at: at(6),
        reasons: ['lag 95 s > RPO budget 60 s'],
        lagSeconds: 95,
        rpoBudgetSeconds: 60,
        timeoutSeconds: 600,
      },
    };

    // Act
    const waiting = view(phase('decide', 'started', 5), approval);
    const answered = view(phase('decide', 'started', 5), approval, phase('decide', 'succeeded', 100));

    // Assess
    expect(waiting.outcome).toBe('awaiting-approval');
    expect(waiting.lagSeconds).toBe(95);
    expect(answered.outcome).toBe('in-progress');
    expect(answered.approval?.reasons).toEqual(['lag 95 s > RPO budget 60 s']);
  });

  it('takes timings, budgets and the failure from the run record when the run ends', () => {
    // Prepare
    const failed = {
      source: 'switchback',
      'detail-type': 'Recovery Failed',
      detail: {
        run,
        outcome: 'failed',
        phases: [{ name: 'decide', startedAt: at(5), endedAt: at(7), seconds: 2 }],
        actions: [],
        warnings: ['backups are 20 min old'],
        failure: { phase: 'dns', error: 'DnsFlipError', cause: 'no such record' },
        endedAt: at(300),
      },
    };

    // Act
    const result = view(phase('dns', 'started', 100), failed);

    // Assess
    expect(result.outcome).toBe('failed');
    expect(result.phases.find((p) => p.name === 'dns')?.status).toBe('failed');
    expect(result.phases.find((p) => p.name === 'decide')).toMatchObject({ status: 'done', seconds: 2 });
    expect(result.failure).toEqual({ phase: 'dns', error: 'DnsFlipError', cause: 'no such record' });
    expect(result.warnings).toEqual(['backups are 20 min old']);
  });

  it('shows the run in progress again when a failed run is redriven', () => {
    // Prepare
    const failed = {
      source: 'switchback',
      'detail-type': 'Recovery Failed',
      detail: {
        run,
        outcome: 'failed',
        phases: [],
        actions: [],
        warnings: [],
        failure: { phase: 'dns', error: 'DnsFlipError', cause: 'throttled' },
        endedAt: at(300),
      },
    };

    // Act
    const result = view(phase('dns', 'started', 100), failed, phase('dns', 'started', 4000));

    // Assess
    expect(result.outcome).toBe('in-progress');
    expect(result.phases.find((p) => p.name === 'dns')?.status).toBe('running');
  });

  it('ignores a stored entry it cannot read', () => {
    // Prepare
    const good = encodeEvent(parseNotifyEvent(phase('dns', 'started', 10)));

    // Act
    const result = buildView(run, BUDGETS, ['not json', '{"k":"other"}', good]);

    // Assess
    expect(result.phases.find((p) => p.name === 'dns')?.status).toBe('running');
  });
});
