import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drillExitCode } from '../../../cli/drill-exit-codes';
import type { RestoreTestRecord } from '../../../shared/domain/restore-test';
import type { RunRecord } from '../../../shared/domain/run';
import type { Topology } from '../../../shared/domain/topology';
import { summaryTable } from '../../../sim/progress';
import { buildReport, criticalPathRatio, type ReportInput, withoutWall, writeReport } from '../../../sim/report';
import { formatSeconds, renderReportHtml } from '../../../sim/report-html';

const T0 = Date.UTC(2026, 0, 15, 3, 0, 0);
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const record = (overrides: Partial<RunRecord> = {}): RunRecord =>
  ({
    run: { incidentId: 'orders-20260115T030100Z', plan: 'orders', impactStartedAt: iso(60) },
    outcome: 'recovered',
    phases: [
      { name: 'detect', startedAt: iso(60), endedAt: iso(150), seconds: 90 },
      { name: 'decide', startedAt: iso(150), endedAt: iso(151), seconds: 1 },
      { name: 'promote', startedAt: iso(151), endedAt: iso(400), seconds: 249 },
      { name: 'dns', startedAt: iso(400), endedAt: iso(462), seconds: 62 },
      { name: 'verify', startedAt: iso(462), endedAt: iso(463), seconds: 1 },
    ],
    rto: { actualSeconds: 403, budgetSeconds: 900, withinBudget: true },
    rpo: { actualSeconds: 2, budgetSeconds: 60, withinBudget: true },
    actions: [],
    warnings: ['cross-region backup copy is 2h old'],
    endedAt: iso(463),
    ...overrides,
  }) as RunRecord;

const TOPOLOGY: Topology = {
  activeRegion: 'us-east-1',
  databases: [
    {
      id: 'orders-db',
      kind: 'rds-read-replica',
      writer: { region: 'us-east-1', identifier: 'orders-db' },
      standby: { region: 'us-west-2', identifier: 'orders-db-replica' },
    },
  ],
};

const input = (overrides: Partial<ReportInput> = {}): ReportInput => ({
  plan: { app: 'orders', budgets: { rtoSeconds: 900, rpoSeconds: 60 } },
  scenario: 'region-outage',
  seed: 7,
  incidentId: 'orders-20260115T030100Z',
  record: record(),
  observed: { outcome: 'failed' },
  actions: [
    { at: iso(152), service: 'rds', operation: 'PromoteReadReplica', target: 'orders-db-replica', region: 'us-west-2' },
  ],
  lowerBoundSeconds: 390,
  timeline: [
    { execution: 'x', state: 'Start Promotion', type: 'Task', event: 'entered', at: iso(151), index: 1 },
    { execution: 'x', state: 'Start Promotion', type: 'Task', event: 'entered', at: iso(151), index: 0 },
    { execution: 'x', state: 'Assess Failover', type: 'Task', event: 'entered', at: iso(150) },
  ],
  events: [{ at: iso(150), detailType: 'Phase Changed', summary: 'decide started' }],
  warnings: [],
  topology: { before: TOPOLOGY, after: { ...TOPOLOGY, activeRegion: 'us-west-2' } },
  wall: { startedAt: '2026-11-25T18:00:00.000Z', durationMs: 812 },
  ...overrides,
});

describe('buildReport', () => {
  it('takes RTO, RPO, phases and warnings from the run record when the product recorded one', () => {
    // Act
    const report = buildReport(input());

    // Assess
    expect(report).toMatchObject({
      outcome: 'recovered',
      rto: { actualSeconds: 403, budgetSeconds: 900, withinBudget: true },
      rpo: { actualSeconds: 2, budgetSeconds: 60, withinBudget: true },
      warnings: ['cross-region backup copy is 2h old'],
      criticalPath: { lowerBoundSeconds: 390, overheadSeconds: 13 },
    });
    expect(report.phases.map((phase) => phase.name)).toEqual(['detect', 'decide', 'promote', 'dns', 'verify']);
  });

  it('orders the timeline by virtual time and then by Map iteration when branches run at the same instant', () => {
    const report = buildReport(input());
    expect(report.timeline.map((t) => `${t.state}${t.index ?? ''}`)).toEqual([
      'Assess Failover',
      'Start Promotion0',
      'Start Promotion1',
    ]);
  });

  it('uses the observed outcome and failure when no run record exists', () => {
    // Act
    const report = buildReport(
      input({
        record: undefined,
        observed: { outcome: 'failed', failure: { phase: 'unknown', error: 'NoRun', cause: 'no failover started' } },
      }),
    );

    // Assess
    expect(report).toMatchObject({ outcome: 'failed', rto: null, rpo: null, phases: [] });
    expect(report.failure).toEqual({ phase: 'unknown', error: 'NoRun', cause: 'no failover started' });
    expect(criticalPathRatio(report)).toBeNull();
  });

  it('keeps the record outcome awaiting-approval without overhead when the run is paused', () => {
    const report = buildReport(input({ record: record({ outcome: 'awaiting-approval', rto: undefined }) }));
    expect(report.outcome).toBe('awaiting-approval');
    expect(report.criticalPath).toEqual({ lowerBoundSeconds: 390, overheadSeconds: null });
  });

  it('computes the critical-path ratio as RTO over the lower bound when the run recovered', () => {
    expect(criticalPathRatio(buildReport(input()))).toBeCloseTo(403 / 390, 6);
  });

  it('drops only the wall fields when comparing replays', () => {
    const a = buildReport(input());
    const b = buildReport(input({ wall: { startedAt: '2026-11-25T19:00:00.000Z', durationMs: 1 } }));
    expect(withoutWall(a)).toEqual(withoutWall(b));
    expect(a).not.toEqual(b);
  });
});

describe('writeReport', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchback-report-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes <incidentId>.json and a self-contained <incidentId>.html when given a folder', async () => {
    // Prepare
    const report = buildReport(input());

    // Act
    const paths = await writeReport(report, join(dir, 'out'));

    // Assess
    expect(paths).toEqual({
      json: join(dir, 'out', 'orders-20260115T030100Z.json'),
      html: join(dir, 'out', 'orders-20260115T030100Z.html'),
    });
    expect(JSON.parse(await readFile(paths.json, 'utf8'))).toEqual(report);
    const html = await readFile(paths.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('RTO budget 15m00s');
    expect(html).not.toMatch(/(src|href)=|https?:\/\//);
  });
});

describe('renderReportHtml', () => {
  it('draws one bar per phase and escapes text from the run', () => {
    const report = buildReport(input({ record: record({ warnings: ['<script>alert(1)</script>'] }) }));
    const html = renderReportHtml(report);
    expect(html.match(/<rect /g)).toHaveLength(5);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('lists what AWS throttled, with counts, only when it throttled something', () => {
    // Act
    const throttled = renderReportHtml(
      buildReport(input({ throttledCalls: { 'RDS DescribeGlobalClusters in us-west-2': 81 } })),
    );
    const quiet = renderReportHtml(buildReport(input()));

    // Assess
    expect(throttled).toContain('<h2>Throttled by AWS</h2>');
    expect(throttled).toContain('<tr><td>RDS DescribeGlobalClusters in us-west-2</td><td>81</td></tr>');
    expect(quiet).not.toContain('Throttled by AWS');
  });

  it('shows the topology before and after, with the standby of each database', () => {
    // Prepare
    const after: Topology = {
      activeRegion: 'us-west-2',
      databases: [
        {
          id: 'orders-db',
          kind: 'rds-read-replica',
          writer: { region: 'us-west-2', identifier: 'orders-db-replica' },
          standby: null,
          oldPrimary: { region: 'us-east-1', identifier: 'orders-db', state: 'fenced', since: iso(500) },
        },
      ],
    };

    // Act
    const html = renderReportHtml(buildReport(input({ topology: { before: TOPOLOGY, after } })));

    // Assess
    expect(html).toContain('<h3>Before: us-east-1 serves</h3>');
    expect(html).toContain('<h3>After: us-west-2 serves</h3>');
    expect(html).toContain('orders-db-replica (us-west-2)</td>');
    expect(html).toContain('<td class="bad">none</td>');
    expect(html).toContain('orders-db (us-east-1): fenced');
  });
});

describe("a report with the plan's scheduled readiness before the outage", () => {
  const readiness = {
    at: '2026-01-15T04:16:01.000Z',
    ready: false,
    findings: [
      {
        check: 'standby-health-check' as const,
        resource: 'route53:healthcheck/hc-west',
        expected: 'the us-west-2 endpoint healthy to Route 53',
        found: 'unhealthy: 0 of 8 checkers reach it',
        fix: 'find why the us-west-2 endpoint fails its health check',
      },
      {
        check: 'restore-test' as const,
        resource: 'restore tests of plan orders',
        expected: 'a passing restore test',
        found: 'orders-db: no restore test on record yet',
        fix: 'run one',
        warning: true as const,
      },
    ],
  };

  it('names what made it not ready, warnings apart, in the table and in the HTML', () => {
    // Act
    const report = buildReport(input({ readiness }));
    const table = summaryTable(report);
    const html = renderReportHtml(report);

    // Assess
    expect(report.readiness).toEqual(readiness);
    // The table wraps long rows: read it unwrapped.
    expect(table.replace(/\n\s+/g, ' ')).toContain(
      'Readiness           NOT READY: standby-health-check route53:healthcheck/hc-west (at 04:16:01, before the outage)',
    );
    expect(html).toContain('<h2>Readiness before the outage</h2>');
    expect(html).toContain('unhealthy: 0 of 8 checkers reach it');
    expect(html).not.toContain('no restore test on record yet');
  });

  it('says nothing of readiness when none ran, and "ready" when it found nothing that blocks', () => {
    // Act
    const none = buildReport(input());
    const ready = buildReport(input({ readiness: { ...readiness, ready: true, findings: [] } }));

    // Assess
    expect(none.readiness).toBeUndefined();
    expect(summaryTable(none)).not.toContain('Readiness');
    expect(renderReportHtml(none)).not.toContain('Readiness before the outage');
    expect(summaryTable(ready)).toContain('Readiness           ready (at 04:16:01, before the outage)');
  });
});

describe('summaryTable', () => {
  it('shows each phase, RTO and RPO against budget and the verdict', () => {
    const table = summaryTable(buildReport(input()));
    expect(table).toMatch(/Promote databases\s+4m09s/);
    expect(table).toMatch(/RTO\s+6m43s\s+of 15m00s budget\s+within budget/);
    expect(table).toMatch(/RPO\s+2s\s+of 1m00s budget\s+within budget/);
    expect(table).toContain('Verdict: recovered within the RTO and RPO budgets');
    expect(table).toMatch(/Topology before\s+us-east-1 serves, 1\/1 with a standby/);
    expect(table).toMatch(/Topology after\s+us-west-2 serves, 1\/1 with a standby/);
    expect(table.split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it("lists each run of a drill of several, in start order, with its outcome, duration, RTO and warnings, and each warning after its run's number", () => {
    // Prepare: a failover (the report's own run) and the fence a person started after it.
    const fence = {
      action: 'fence',
      incidentId: 'orders-fence-1',
      outcome: 'recovered',
      startedAt: iso(900),
      endedAt: iso(1021),
      rto: null,
      rpo: null,
      warnings: ['no fence in the plan for api.orders.example.com CNAME: add dns[].records[].fence'],
    };
    const failover = {
      action: 'failover',
      incidentId: 'orders-20260115T030100Z',
      outcome: 'recovered',
      startedAt: iso(150),
      endedAt: iso(463),
      rto: record().rto ?? null,
      rpo: record().rpo ?? null,
      warnings: record().warnings,
    };
    const report = buildReport(input({ legs: [failover, fence] }));
    const single = buildReport(input({ legs: [failover] }));

    // Act
    const table = summaryTable(report);

    // Assess: the failover's warning is the report's own, said once.
    expect(table).toContain(
      'Runs\n1. failover         recovered in 5m13s, RTO 6m43s, 1 warning\n2. fence            recovered in 2m01s, 1 warning\n',
    );
    expect(table).toContain('Warning: cross-region backup copy is 2h old');
    expect(table).toContain('Warning (leg 2, fence) no fence in the plan for api.orders.example.com CNAME');
    expect(table.match(/cross-region backup copy/g)).toHaveLength(1);
    expect(summaryTable(single)).not.toContain('Runs');
  });

  it('names the requests AWS throttled, and says nothing of throttling when none was', () => {
    // Prepare
    const throttled = buildReport(
      input({ throttledCalls: { 'Route 53 GetChange': 3, 'Route 53 ListResourceRecordSets': 1 } }),
    );
    const none = buildReport(input({ throttledCalls: {} }));

    // Act
    const table = summaryTable(throttled);

    // Assess
    expect(throttled.throttledCalls).toEqual({ 'Route 53 GetChange': 3, 'Route 53 ListResourceRecordSets': 1 });
    expect(table).toMatch(/Throttled by AWS\s+Route 53 GetChange 3, Route 53 ListResourceRecordSets 1/);
    expect(none).not.toHaveProperty('throttledCalls');
    expect(summaryTable(none)).not.toContain('Throttled');
  });

  it('says how long the phase a run failed in ran, in the table, and draws it red in the HTML timeline', () => {
    // Prepare: promote began at 151 s (Start Promotion marked it) and failed 183 s later
    const failed = buildReport(
      input({
        record: record({
          outcome: 'failed',
          phases: record().phases.slice(0, 2),
          failure: { phase: 'promote', error: 'PromotionFailedError', cause: 'x', startedAt: iso(151), seconds: 183 },
        } as Partial<RunRecord>),
      }),
    );

    // Act
    const table = summaryTable(failed);
    const html = renderReportHtml(failed);

    // Assess
    expect(table).toContain('Failure: PromotionFailedError in promote after 3m03s: x');
    expect(html).toContain('in phase promote, 3m03s after it began at 2026-01-15T03:02:31.000Z: x');
    expect(html).toMatch(/<text [^>]*class="label">promote<\/text><rect [^>]*fill="#cf222e">/);
    expect(html).toContain('>3m03s, failed</text>');
  });

  it("wraps a failure's cause and each warning whole, never cutting off the fix at their end", () => {
    // Prepare: a cause and a warning well over a line, each ending with what to do
    const cause =
      "Plan orders switches DNS with route53-records: Route 53's API (its control plane, served from us-east-1 only) " +
      'does not answer ListResourceRecordSets. Redrive this run once it answers, or give the plan dnsSwitch.method ' +
      'arc-routing-control.';
    const warning = `record checks skipped: Route 53's API (us-east-1) did not answer ListResourceRecordSets; Check DNS Switch decides`;
    const failed = buildReport(
      input({
        record: record({
          outcome: 'failed',
          failure: { phase: 'dns', error: 'DnsSwitchUnavailableError', cause },
          warnings: [warning],
        } as Partial<RunRecord>),
      }),
    );

    // Act
    const table = summaryTable(failed);

    // Assess: every line fits, and the words of each come back whole, in order
    const lines = table.split('\n');
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    const joined = lines.map((line) => line.trim()).join(' ');
    expect(joined).toContain(`Failure: DnsSwitchUnavailableError in dns: ${cause}`);
    expect(joined).toContain(`Warning: ${warning}`);
  });
});

describe("a game day's report", () => {
  /** A game day as record-game-day writes it: its decide phase, its failover leg's RTO, and the legs it started. */
  const gameDay = () => {
    const failover = record();
    const gameDayRecord = record({
      run: { incidentId: 'orders-game-day-1', plan: 'orders', action: 'game-day', impactStartedAt: iso(60) },
      phases: [{ name: 'decide', startedAt: iso(0), endedAt: iso(0), seconds: 0 }],
      legs: [
        { action: 'failover', incidentId: 'orders-game-day-1-1-failover', outcome: 'recovered', rto: failover.rto },
        { action: 'failback', incidentId: 'orders-game-day-1-2-failback', outcome: 'recovered' },
      ],
    } as Partial<RunRecord>);
    const leg = (action: string, incidentId: string, phases: RunRecord['phases']) => ({
      action,
      incidentId,
      outcome: 'recovered',
      startedAt: iso(0),
      rto: null,
      rpo: null,
      phases,
    });
    return input({
      scenario: 'game-day',
      incidentId: 'orders-game-day-1',
      record: gameDayRecord,
      legs: [
        // A leg of another game day (game-day-twice) with the same action comes first: the record names its own.
        leg('failover', 'orders-game-day-0-1-failover', [
          { name: 'detect', startedAt: iso(0), endedAt: iso(9), seconds: 9 },
        ]),
        leg('failover', 'orders-game-day-1-1-failover', failover.phases),
        leg('failback', 'orders-game-day-1-2-failback', [
          { name: 'decide', startedAt: iso(0), endedAt: iso(1), seconds: 1 },
        ]),
      ],
    });
  };

  it("shows its failover leg's phases, the run whose RTO it reports, and says whose they are", () => {
    // Act
    const report = buildReport(gameDay());

    // Assess
    expect(report.phasesOf).toEqual({ action: 'failover', incidentId: 'orders-game-day-1-1-failover' });
    expect(report.phases.map((phase) => phase.name)).toEqual(['detect', 'decide', 'promote', 'dns', 'verify']);
    expect(summaryTable(report).split('\n')[0]).toMatch(/^Phase \(failover\)\s+Duration$/);
    expect(summaryTable(report)).toMatch(/Promote databases\s+4m09s/);
    expect(renderReportHtml(report)).toContain(
      '<h2>Timeline of the failover leg orders-game-day-1-1-failover, whose RTO this is</h2>',
    );
  });

  it("keeps any other run's own phases, with nothing said of whose they are", () => {
    // Act
    const report = buildReport(input());

    // Assess
    expect(report.phasesOf).toBeUndefined();
    expect(summaryTable(report).split('\n')[0]).toMatch(/^Phase\s+Duration$/);
    expect(renderReportHtml(report)).toContain('<h2>Timeline</h2>');
  });
});

describe('the verdict', () => {
  const overRto = () =>
    buildReport(
      input({
        record: record({
          rto: { actualSeconds: 365, budgetSeconds: 60, withinBudget: false },
          rpo: { actualSeconds: 95, budgetSeconds: 60, withinBudget: false },
        }),
      }),
    );

  it('says by how much each budget was missed in the JSON, the table and the HTML badge when a recovery is over budget', () => {
    // Act
    const report = overRto();
    const table = summaryTable(report);
    const html = renderReportHtml(report);

    // Assess
    expect(report).toMatchObject({
      outcome: 'recovered',
      verdict: 'recovered, 305 s over the RTO budget and 35 s over the RPO budget',
      withinBudgets: false,
    });
    expect(table).toContain('Verdict: recovered, 305 s over the RTO budget and 35 s over the RPO budget');
    expect(table).not.toMatch(/RECOVERED|within budget/);
    expect(html).toContain(
      '<span class="verdict">recovered, 305 s over the RTO budget and 35 s over the RPO budget</span>',
    );
    expect(html).toMatch(/\.verdict \{[^}]*background: #bc4c00; \}/);
  });

  it('names the phase and error of a failed run, and has no budget judgement', () => {
    // Act
    const report = buildReport(
      input({
        record: record({ outcome: 'failed', failure: { phase: 'promote', error: 'PromotionFailedError', cause: 'x' } }),
      }),
    );

    // Assess
    expect(report).toMatchObject({ verdict: 'failed in promote: PromotionFailedError', withinBudgets: null });
  });
});

describe("a restore test's report", () => {
  /** One database's restore-test record, as record-restore-test writes it (a 900 s RTO budget). */
  const test = (databaseId: string, overrides: Partial<RestoreTestRecord> = {}): RestoreTestRecord => ({
    plan: 'orders',
    testId: 'orders-restore-1',
    databaseId,
    kind: 'rds-read-replica',
    identifier: `sbrt-${databaseId}`,
    region: 'us-west-2',
    requestedBy: 'drill',
    startedAt: iso(0),
    restorePointTime: iso(-60),
    restorePointAgeSeconds: 60,
    availableAt: iso(600),
    secondsToAvailable: 600,
    validation: { passed: null },
    passed: true,
    cleanedUpAt: iso(700),
    rtoBudgetSeconds: 900,
    withinRto: true,
    recordedAt: iso(700),
    ...overrides,
  });
  const tested = (tests: RestoreTestRecord[]) =>
    buildReport(input({ record: undefined, observed: { outcome: 'tested' }, restoreTests: tests }));

  it('says whether every database restored within the RTO budget, which were too slow, or which failed', () => {
    // Act
    const verdicts = [
      [test('orders-db'), test('catalog')],
      [test('orders-db', { secondsToAvailable: 963, withinRto: false }), test('catalog')],
      [
        test('orders-db', { passed: false, secondsToAvailable: undefined, withinRto: undefined }),
        test('catalog', { secondsToAvailable: 1204, withinRto: false }),
      ],
      [],
    ].map((tests) => {
      const report = tested(tests);
      return [report.verdict, report.withinBudgets, drillExitCode(report)];
    });

    // Assess: each as `switchback drill` exits for it
    expect(verdicts).toEqual([
      ['restored within the RTO budget: 2 of 2 databases', true, 0],
      ['restored, over the RTO budget: orders-db 16m03s of 15m00s', false, 3],
      ['restore test failed: orders-db (1 of 2 did not restore)', null, 4],
      ['restore test: no database was tested', null, 4],
    ]);
  });

  it('shows each database in the table and the HTML, with no failover phases, and the badge red when one failed', () => {
    // Prepare
    const failure = {
      error: 'RestoreFailedError',
      cause: 'restored instance ended in status incompatible-option-group',
    };
    const report = tested([
      test('orders-db', { passed: false, failure, secondsToAvailable: undefined, withinRto: undefined }),
      test('catalog', { secondsToAvailable: 963, withinRto: false, cleanedUpAt: undefined }),
    ]);

    // Act
    const table = summaryTable(report);
    const html = renderReportHtml(report);

    // Assess
    expect(table).not.toMatch(/^(Phase|RTO|RPO)/m);
    expect(table).toMatch(/^Restore catalog\s+PASSED\s+\(available in 16m03s, OVER the 15m00s RTO budget$/m);
    expect(table).toMatch(/^Restore orders-db\s+FAILED\s+\(not available, /m);
    expect(html).toContain('<h2>Restore tests against budget</h2>');
    expect(html).not.toContain('<h2>Timeline');
    expect(html).toContain(
      '<td class="bad">FAILED: RestoreFailedError: restored instance ended in status incompatible-option-group</td>',
    );
    expect(html).toContain('<td class="bad">16m03s of 15m00s RTO budget: over by 1m03s</td>');
    expect(html).toContain('<code>sbrt-catalog</code> <span class="bad">NOT deleted</span>');
    expect(html).toMatch(/\.verdict \{[^}]*background: #cf222e; \}/);
  });
});

describe('formatSeconds', () => {
  it('formats seconds as minutes and seconds when over a minute', () => {
    expect([formatSeconds(42.46), formatSeconds(754), formatSeconds(3720)]).toEqual(['42.5s', '12m34s', '1h02m']);
  });
});
