import type { RunContext } from '../../../../shared/domain/run';
import {
  executionConsoleUrl,
  formatDuration,
  renderIncidentMessage,
  renderThreadReply,
  type SlackBlock,
} from '../../../../shared/notify/render';
import { buildView, encodeEvent, type IncidentView, parseNotifyEvent } from '../../../../shared/notify/state';

const T0 = Date.parse('2026-11-25T03:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const ARN = 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:orders-1';

const baseRun: RunContext = {
  incidentId: 'orders-1',
  plan: 'orders',
  action: 'failover',
  mode: 'live',
  reason: 'us-east-1 outage',
  requestedBy: 'on-health-alarm',
  trigger: { type: 'alarm', alarmName: 'orders-primary-health', impactStartedAt: at(0) },
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  impactStartedAt: at(0),
  startedAt: at(60),
  executionArn: ARN,
  epoch: 1,
};

const viewOf = (events: unknown[], run: RunContext = baseRun): IncidentView =>
  buildView(
    run,
    { rtoSeconds: 900, rpoSeconds: 60 },
    events.map((event) => encodeEvent(parseNotifyEvent(event))),
  );

const phase = (name: string, status: string, seconds: number, extra: object = {}, run = baseRun) => ({
  source: 'switchback',
  'detail-type': 'Phase Changed',
  detail: { run, phase: name, status, at: at(seconds), ...extra },
});

const ended = (detailType: string, detail: object, run = baseRun) => ({
  source: 'switchback',
  'detail-type': detailType,
  detail: { run, phases: [], actions: [], warnings: [], endedAt: at(600), ...detail },
});

const completed = (rtoSeconds: number, run = baseRun) =>
  ended(
    'Recovery Completed',
    {
      outcome: 'recovered',
      rto: { actualSeconds: rtoSeconds, budgetSeconds: 900, withinBudget: rtoSeconds <= 900 },
      rpo: { actualSeconds: 4, budgetSeconds: 60, withinBudget: true },
      endedAt: at(rtoSeconds),
    },
    run,
  );

const blockText = (blocks: SlackBlock[]): string =>
  blocks
    .map((block) => {
      if (block.type === 'header' || block.type === 'section') return block.text.text;
      if (block.type === 'context') return block.elements.map((element) => element.text).join('\n');
      return '';
    })
    .join('\n');

describe('formatDuration', () => {
  it('uses seconds under two minutes, minutes and seconds under an hour, hours and minutes beyond', () => {
    // Act
    const texts = [0, 59.6, 119, 120, 252, 900, 3900].map(formatDuration);

    // Assess
    expect(texts).toEqual(['0 s', '60 s', '119 s', '2m', '4m 12s', '15m', '1h 05m']);
  });
});

describe('executionConsoleUrl', () => {
  it('links to the execution in its own region', () => {
    // Act
    const url = executionConsoleUrl(ARN, 'eu-west-1');

    // Assess
    expect(url).toBe(
      `https://us-west-2.console.aws.amazon.com/states/home?region=us-west-2#/v2/executions/details/${ARN}`,
    );
  });
});

describe('renderIncidentMessage', () => {
  it('shows the header, checklist, RTO clock and replica lag when the run is in progress', () => {
    // Prepare
    const view = viewOf([phase('decide', 'succeeded', 62, { lagSeconds: 12 }), phase('promote', 'started', 62)]);

    // Act
    const message = renderIncidentMessage(view);

    // Assess
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🚨 orders failover: promote running', emoji: true },
    });
    expect(message.text.split('\n')).toEqual([
      '🚨 orders failover: promote running',
      'LIVE · us-east-1 → us-west-2 · incident orders-1',
      'Alarm orders-primary-health',
      '✅ detect 60 s',
      '✅ decide 2 s',
      '⏳ promote since 03:01:02 UTC',
      '⬜ dns',
      '⬜ verify',
      'RTO clock 62 s of 15m budget',
      'Replica lag 12 s (RPO budget 60 s)',
      `Execution: ${executionConsoleUrl(ARN, 'us-west-2')}`,
    ]);
    expect(blockText(message.blocks)).toContain(`<${executionConsoleUrl(ARN, 'us-west-2')}|Execution>`);
  });

  it('renders a failback like a failover, under its own name and from the standby region back', () => {
    // Prepare
    const run: RunContext = {
      ...baseRun,
      action: 'failback',
      trigger: { type: 'manual' },
      requestedBy: 'alice@example.com',
      reason: 'us-east-1 healthy for a week',
    };
    const running = viewOf([phase('decide', 'succeeded', 62, {}, run), phase('promote', 'started', 62, {}, run)], run);
    const done = viewOf([phase('verify', 'succeeded', 400, {}, run), completed(400, run)], run);

    // Act
    const during = renderIncidentMessage(running).text.split('\n');
    const after = renderIncidentMessage(done).text.split('\n');

    // Assess
    expect(during.slice(0, 3)).toEqual([
      '🚨 orders failback: promote running',
      'LIVE · us-west-2 → us-east-1 · incident orders-1',
      'Started by alice@example.com: us-east-1 healthy for a week',
    ]);
    expect(during).toEqual(expect.arrayContaining(['⏳ promote since 03:01:02 UTC', '⬜ dns', '⬜ verify']));
    expect(during.some((line) => line.includes('detect'))).toBe(false);
    expect(after[0]).toBe('✅ orders failed back to us-east-1');
  });

  it('names the last finished phase in the first line when no phase is running', () => {
    // Act
    const message = renderIncidentMessage(viewOf([phase('dns', 'started', 100), phase('dns', 'succeeded', 160)]));

    // Assess
    expect(message.text.split('\n')[0]).toBe('🚨 orders failover: dns done');
  });

  it('names the reprotect runbook, its phase and its end, instead of calling it a failover', () => {
    // Prepare
    const run: RunContext = { ...baseRun, action: 'reprotect', trigger: { type: 'manual' }, requestedBy: 'alice' };

    // Act
    const running = renderIncidentMessage(viewOf([phase('reprotect', 'started', 100, {}, run)], run));
    const done = renderIncidentMessage(
      viewOf(
        [phase('reprotect', 'succeeded', 500, {}, run), ended('Recovery Completed', { outcome: 'recovered' }, run)],
        run,
      ),
    );
    const blocked = renderIncidentMessage(viewOf([ended('Run Blocked', { outcome: 'blocked' }, run)], run));

    // Assess
    expect(running.text.split('\n')[0]).toBe('🚨 orders reprotect: reprotect running');
    expect(done.text.split('\n')[0]).toBe('✅ orders reprotect done');
    expect(blocked.text.split('\n')[0]).toBe('⛔ orders reprotect blocked by preflight: nothing changed');
  });

  it('says who started it and why, and labels the mode live, when a person started a game day', () => {
    // Prepare
    const run: RunContext = { ...baseRun, mode: 'game-day', trigger: { type: 'manual' }, requestedBy: 'alice' };

    // Act
    const message = renderIncidentMessage(viewOf([], run));

    // Assess
    expect(message.text).toContain('GAME DAY (LIVE) · us-east-1 → us-west-2');
    expect(message.text).toContain('Started by alice: us-east-1 outage');
    expect(blockText(message.blocks)).toContain('*GAME DAY (LIVE)*');
  });

  it('explains the approval, its data-loss risk and how to answer when approval is requested', () => {
    // Prepare
    const view = viewOf([
      {
        source: 'switchback',
        'detail-type': 'Approval Requested',
        detail: {
          run: baseRun,
          at: at(61),
          reasons: ['lag 95 s > RPO budget 60 s'],
          lagSeconds: 95,
          rpoBudgetSeconds: 60,
          timeoutSeconds: 1800,
        },
      },
    ]);

    // Act
    const message = renderIncidentMessage(view);

    // Assess
    const approval = message.blocks.find(
      (block) => block.type === 'section' && block.text.text.startsWith('*Approval needed*'),
    );
    expect(approval).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          '*Approval needed*',
          'Why: lag 95 s &gt; RPO budget 60 s',
          'Approving accepts losing up to 95 s of writes.',
          'Approve: `npx switchback approve orders-1`',
          'Deny: `npx switchback deny orders-1`',
          'No answer by 03:31:01 UTC: the failover stops.',
          `Or in the <${executionConsoleUrl(ARN, 'us-west-2')}|Step Functions console>`,
        ].join('\n'),
      },
    });
    expect(message.text).toContain('✋ orders failover needs approval');
    expect(message.text).toContain('Approve: npx switchback approve orders-1');
    expect(message.text).toContain('Replica lag 95 s (RPO budget 60 s)');
  });

  it('heads the message with the running phase, not decide, and says who approved, once the run was approved', () => {
    // Prepare
    const approver = 'arn:aws:sts::123456789012:assumed-role/oncall/alice';
    const view = viewOf([
      phase('decide', 'started', 60),
      {
        source: 'switchback',
        'detail-type': 'Approval Requested',
        detail: {
          run: baseRun,
          at: at(61),
          reasons: ['lag'],
          lagSeconds: 95,
          rpoBudgetSeconds: 60,
          timeoutSeconds: 1800,
        },
      },
      phase('decide', 'succeeded', 180, {
        facts: [`approved by ${approver} (as Alice): accept`],
        answer: { approved: true, by: approver, displayName: 'Alice' },
      }),
      phase('promote', 'started', 181),
    ]);

    // Act
    const message = renderIncidentMessage(view);

    // Assess
    expect(message.text.split('\n')[0]).toBe('🚨 orders failover: promote running');
    expect(message.text).not.toContain('decide running');
    expect(message.text.split('\n')).toContain(`Approved by ${approver} (as Alice)`);
    expect(JSON.stringify(message.blocks)).toContain(`Approved by ${approver} (as Alice)`);
  });

  it('says who denied when the denied run is recorded', () => {
    // Prepare
    const approver = 'arn:aws:sts::123456789012:assumed-role/oncall/bob';
    const view = viewOf([
      ended('Run Skipped', {
        outcome: 'denied',
        approval: { approved: false, by: approver, answeredAt: at(200) },
        endedAt: at(201),
      }),
    ]);

    // Act
    const message = renderIncidentMessage(view);

    // Assess
    expect(message.text.split('\n')).toContain(`Denied by ${approver}`);
  });

  it('says the data at risk cannot be bounded when the lag is unknown', () => {
    // Prepare
    const view = viewOf([
      {
        source: 'switchback',
        'detail-type': 'Approval Requested',
        detail: {
          run: baseRun,
          at: at(61),
          reasons: ['replica lag unknown'],
          lagSeconds: null,
          rpoBudgetSeconds: 60,
          timeoutSeconds: 600,
        },
      },
    ]);

    // Act
    const message = renderIncidentMessage(view);

    // Assess
    expect(message.text).toContain('Replica lag is unknown: the writes lost cannot be bounded.');
  });

  it('says "recovered within budget" with RTO and RPO when the recovery met its budgets', () => {
    // Act
    const message = renderIncidentMessage(viewOf([completed(500)]));

    // Assess
    expect(message.text).toContain('✅ orders recovered');
    expect(message.text).toContain('Recovered within budget: 8m 20s of 15m.');
    expect(message.text).toContain('RTO 8m 20s of 15m budget');
    expect(message.text).toContain('RPO 4 s of 60 s budget');
    expect(blockText(message.blocks)).toContain('*Recovered within budget: 8m 20s of 15m.*');
  });

  it('says "recovered, N s over the RTO budget" when the RTO exceeded its budget', () => {
    // Act
    const message = renderIncidentMessage(viewOf([completed(975.4)]));

    // Assess
    expect(message.blocks[0]).toMatchObject({ text: { text: '⚠️ orders recovered, over budget' } });
    expect(message.text).toContain('Recovered, 76 s over the RTO budget: RTO 16m 15s of 15m.');
  });

  it('says "recovered, N s over the RPO budget", never "within budget", when only the RPO exceeded its budget', () => {
    // Prepare
    const overRpo = ended('Recovery Completed', {
      outcome: 'recovered',
      rto: { actualSeconds: 500, budgetSeconds: 900, withinBudget: true },
      rpo: { actualSeconds: 95, budgetSeconds: 60, withinBudget: false },
      endedAt: at(500),
    });

    // Act
    const message = renderIncidentMessage(viewOf([overRpo]));

    // Assess
    expect(message.blocks[0]).toMatchObject({ text: { text: '⚠️ orders recovered, over budget' } });
    expect(message.text).toContain('Recovered, 35 s over the RPO budget: RTO 8m 20s of 15m.');
    expect(message.text).not.toContain('within budget');
  });

  it('names the phase, the cause and the redrive command when the run failed', () => {
    // Prepare
    const failed = ended('Recovery Failed', {
      outcome: 'failed',
      failure: {
        phase: 'promote',
        error: 'PromotionFailedError',
        cause: 'Promotion of orders-db failed: <storage-full>',
      },
    });

    // Act
    const message = renderIncidentMessage(viewOf([phase('promote', 'started', 62), failed]));

    // Assess
    expect(message.text).toContain('❌ orders failover failed');
    expect(message.text).toContain('❌ promote failed after 8m 58s');
    expect(message.text).toContain('Failed at phase promote: PromotionFailedError.');
    expect(message.text).toContain(`aws stepfunctions redrive-execution --execution-arn ${ARN}`);
    const blocks = blockText(message.blocks);
    expect(blocks).toContain('Promotion of orders-db failed: &lt;storage-full&gt;');
    expect(blocks).toContain(`\`aws stepfunctions redrive-execution --execution-arn ${ARN}\``);
  });

  it('says why a run cannot be redriven, and gives no redrive command, when the failure said no redrive gets past it', () => {
    // Prepare: an input refused at Assess (on-run-failed says a redrive would rerun the same input)
    const failed = ended('Recovery Failed', {
      outcome: 'failed',
      failure: { phase: 'decide', error: 'InvalidRunInput', cause: 'mode: expected one of: live, dry-run, game-day' },
      notRedrivable: 'a redrive reruns the same input: start a new run with the input corrected',
    });
    const view = viewOf([failed]);

    // Act
    const message = renderIncidentMessage(view);
    const reply = renderThreadReply(view, { outcome: true });

    // Assess: the message and the thread's outcome line say so; neither offers the command
    for (const text of [message.text, reply.text]) {
      expect(text).toContain(
        'Cannot be redriven: a redrive reruns the same input: start a new run with the input corrected.',
      );
      expect(text).not.toContain('redrive-execution');
    }
  });

  it('says nothing was changed when the failover was denied', () => {
    // Act
    const message = renderIncidentMessage(viewOf([ended('Recovery Completed', { outcome: 'denied' })]));

    // Assess
    expect(message.text).toContain('🛑 orders failover denied');
    expect(message.text).toContain('Failover denied: no database was promoted and DNS was not changed.');
  });

  it('gives the reason and warnings when the run was skipped', () => {
    // Act
    const message = renderIncidentMessage(
      viewOf([ended('Run Skipped', { outcome: 'skipped', warnings: ['in cool-down until 04:00 UTC'] })]),
    );

    // Assess
    expect(message.text).toContain('Skipped: this plan already failed over or is in its cool-down.');
    expect(message.text).toContain('⚠️ in cool-down until 04:00 UTC');
  });

  it('says the preflight blocked the run, that nothing changed, and each finding with its fix', () => {
    // Act
    const message = renderIncidentMessage(
      viewOf([
        ended('Run Blocked', {
          outcome: 'blocked',
          findings: [
            {
              check: 'standby-exists',
              resource: 'rds:us-west-2:orders-db-replica',
              expected: 'read replica orders-db-replica of orders-db in us-west-2',
              found: 'no such DB instance',
              fix: 'create the cross-region read replica',
            },
          ],
        }),
      ]),
    );

    // Assess
    expect(message.text).toContain('⛔ orders failover blocked by preflight: nothing changed');
    expect(message.text).toContain('Blocked before any change: 1 preflight check failed.');
    expect(message.text).toContain(
      '• rds:us-west-2:orders-db-replica: expected read replica orders-db-replica of orders-db in us-west-2, found no such DB instance. Fix: create the cross-region read replica',
    );
  });

  it('adds that nothing changed when a dry run recovered', () => {
    // Act
    const message = renderIncidentMessage(
      viewOf([completed(300, { ...baseRun, mode: 'dry-run' })], { ...baseRun, mode: 'dry-run' }),
    );

    // Assess
    expect(message.text).toContain('DRY RUN · ');
    expect(message.text).toContain('Recovered within budget: 5m of 15m. Dry run: nothing was changed.');
  });

  it('links the run report when a report base URL is set', () => {
    // Act
    const message = renderIncidentMessage(viewOf([]), { reportBaseUrl: 'https://reports.example.com/dr/' });

    // Assess
    expect(message.text).toContain('Run report: https://reports.example.com/dr/orders/orders-1');
    expect(blockText(message.blocks)).toContain('<https://reports.example.com/dr/orders/orders-1|Run report>');
  });

  it('escapes text from events so that it cannot form links or mentions', () => {
    // Prepare
    const run: RunContext = { ...baseRun, trigger: { type: 'manual' }, requestedBy: '<!channel>', reason: 'a & b' };

    // Act
    const message = renderIncidentMessage(viewOf([], run));

    // Assess
    expect(message.text).toContain('Started by &lt;!channel&gt;: a &amp; b');
    expect(blockText(message.blocks)).not.toContain('<!channel>');
  });

  it('keeps every line short enough for a phone when facts are long', () => {
    // Prepare
    const view = viewOf([phase('dns', 'succeeded', 90, { facts: ['x'.repeat(1000)] })]);

    // Act
    const message = renderIncidentMessage(view);

    // Assess
    const factsLine = message.blocks.find(
      (block) => block.type === 'context' && block.elements[0]?.text.startsWith('dns:'),
    );
    expect(factsLine && factsLine.type === 'context' ? factsLine.elements[0]?.text.length : 0).toBeLessThanOrEqual(310);
  });
});

describe('renderThreadReply', () => {
  it('says what a phase event changed in one line', () => {
    // Prepare
    const view = viewOf([
      phase('promote', 'started', 62),
      phase('promote', 'succeeded', 362, { facts: ['orders-db writable'] }),
    ]);

    // Act
    const reply = renderThreadReply(view, { phase: 'promote', status: 'succeeded' });

    // Assess
    expect(reply.text).toBe('✅ promote done in 5m · orders-db writable');
    expect(reply.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: reply.text } }]);
  });
});
