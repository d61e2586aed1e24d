import { Metrics } from '@aws-lambda-powertools/metrics';
import { EmfMetrics, phaseMetricName } from '../../../../shared/aws/metrics';
import type { RunRecord } from '../../../../shared/domain/run';
import { planReadiness } from '../../../support/readiness-fixtures';

const record = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  run: {
    incidentId: 'orders-20261125T180000Z-ab12',
    plan: 'orders',
    action: 'failover',
    mode: 'game-day',
    reason: 'game day',
    requestedBy: 'sre@example.com',
    trigger: { type: 'manual' },
    regions: { primary: 'us-east-1', standby: 'us-west-2' },
    impactStartedAt: '2026-11-25T18:00:00.000Z',
    startedAt: '2026-11-25T18:00:45.000Z',
    executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:run',
    epoch: 3,
  },
  outcome: 'recovered',
  phases: [
    { name: 'detect', startedAt: '2026-11-25T18:00:00.000Z', endedAt: '2026-11-25T18:00:45.000Z', seconds: 45 },
    { name: 'promote', startedAt: '2026-11-25T18:00:46.000Z', endedAt: '2026-11-25T18:04:46.000Z', seconds: 240 },
  ],
  rto: { actualSeconds: 410, budgetSeconds: 900, withinBudget: true },
  rpo: { actualSeconds: 2.5, budgetSeconds: 60, withinBudget: true },
  actions: [],
  warnings: [],
  endedAt: '2026-11-25T18:06:50.000Z',
  ...overrides,
});

interface EmfLine {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

/** Builds Metrics the way Powertools' own tests do: dev mode prints through the global console we spy on. */
const captureEmf = (env: Record<string, string>) => {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const metrics = new Metrics({ namespace: 'SwitchbackTest', serviceName: 'switchback' });
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  const lines = (): EmfLine[] => log.mock.calls.map(([line]) => JSON.parse(String(line)) as EmfLine);
  return { metrics, lines };
};

describe('EmfMetrics', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('emits RTO, RPO and phase durations with plan and mode dimensions when a run is recorded', () => {
    // Prepare
    const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' });

    // Act
    new EmfMetrics({ metrics }).recordRun(record());

    // Assess
    const [durations] = lines();
    expect(durations).toMatchObject({
      plan: 'orders',
      mode: 'game-day',
      service: 'switchback',
      incidentId: 'orders-20261125T180000Z-ab12',
      RtoSeconds: 410,
      RpoSeconds: 2.5,
      DetectSeconds: 45,
      PromoteSeconds: 240,
    });
    const directive = durations?._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('SwitchbackTest');
    expect(directive?.Dimensions[0]).toEqual(expect.arrayContaining(['plan', 'mode']));
    expect(directive?.Metrics).toContainEqual({ Name: 'RtoSeconds', Unit: 'Seconds' });
    expect(durations).not.toHaveProperty('outcome');
  });

  it('counts the outcome with an outcome dimension in its own EMF line when a run is recorded', () => {
    // Prepare
    const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' });

    // Act
    new EmfMetrics({ metrics }).recordRun(record({ outcome: 'failed' }));

    // Assess
    const outcome = lines()[1];
    expect(outcome).toMatchObject({ plan: 'orders', mode: 'game-day', outcome: 'failed', RecoveryOutcome: 1 });
    expect(outcome?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(
      expect.arrayContaining(['plan', 'mode', 'outcome']),
    );
    expect(outcome).not.toHaveProperty('RtoSeconds');
  });

  it('emits only the outcome count when the run has no timings (a skipped run)', () => {
    // Prepare
    const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' });

    // Act
    new EmfMetrics({ metrics }).recordRun(record({ outcome: 'skipped', phases: [], rto: undefined, rpo: undefined }));

    // Assess
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ outcome: 'skipped', RecoveryOutcome: 1 });
  });

  it('prints nothing when POWERTOOLS_METRICS_DISABLED is true', () => {
    // Prepare
    const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'true' });

    // Act
    new EmfMetrics({ metrics }).recordRun(record());

    // Assess
    expect(lines()).toEqual([]);
  });
});

describe('EmfMetrics when Powertools rejects a value', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('leaves out a duration that is not a finite number and warns when one is NaN', () => {
    // Prepare
    const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' });
    const warnings: string[] = [];
    const log = { debug: () => {}, info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} };
    const broken = record({ rto: { actualSeconds: Number.NaN, budgetSeconds: 900, withinBudget: false } });

    // Act
    new EmfMetrics({ metrics, log }).recordRun(broken);

    // Assess
    expect(warnings).toEqual(['metric values not finite']);
    expect(lines()[0]).not.toHaveProperty('RtoSeconds');
    expect(lines()[0]).toMatchObject({ RpoSeconds: 2.5, PromoteSeconds: 240 });
  });

  it('counts a rejected alarm event as AlarmEventsRejected with its reason as a dimension', () => {
    // Prepare
    const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' });

    // Act
    new EmfMetrics({ metrics }).countRejectedAlarmEvent('unknown-alarm');

    // Assess
    const [line] = lines();
    expect(line).toMatchObject({ reason: 'unknown-alarm', AlarmEventsRejected: 1 });
    const directive = line?._aws.CloudWatchMetrics[0];
    expect(directive?.Dimensions[0]).toEqual(expect.arrayContaining(['reason']));
    expect(directive?.Metrics).toEqual([{ Name: 'AlarmEventsRejected', Unit: 'Count' }]);
  });

  it('warns and returns instead of throwing when Powertools throws', () => {
    // Prepare
    const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' });
    jest.spyOn(metrics, 'addMetric').mockImplementation(() => {
      throw new RangeError('The number of metric dimensions must be lower than 29');
    });
    const warnings: string[] = [];
    const log = { debug: () => {}, info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} };

    // Act
    const act = () => new EmfMetrics({ metrics, log }).recordRun(record());

    // Assess
    expect(act).not.toThrow();
    expect(warnings).toEqual(['metrics not recorded']);
    expect(lines()).toEqual([]);
  });
});

describe('phaseMetricName', () => {
  it('capitalises the phase and appends Seconds when given a phase name', () => {
    // Act
    const names = (['detect', 'dns', 'verify'] as const).map(phaseMetricName);

    // Assess
    expect(names).toEqual(['DetectSeconds', 'DnsSeconds', 'VerifySeconds']);
  });

  describe('recordReadiness', () => {
    afterEach(() => {
      jest.restoreAllMocks();
    });

    const readiness = planReadiness;

    it('emits PlanReady 0, ProjectedRtoSeconds and ReplicaLagSeconds with the plan (and service) dimension', () => {
      // Prepare
      const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' });

      // Act
      new EmfMetrics({ metrics }).recordReadiness(readiness());

      // Assess
      expect(lines()).toHaveLength(1);
      const [line] = lines();
      expect(line).toMatchObject({
        plan: 'orders',
        service: 'switchback',
        PlanReady: 0,
        ProjectedRtoSeconds: 515,
        ReplicaLagSeconds: 2.5,
      });
      // The template's alarm names exactly these dimensions (scripts/plan-resources.js readinessResources).
      expect([...(line?._aws.CloudWatchMetrics[0]?.Dimensions[0] ?? [])].sort()).toEqual(['plan', 'service']);
    });

    it('emits PlanReady 1 and no ReplicaLagSeconds when the plan is ready and no lag was measured', () => {
      // Prepare
      const { metrics, lines } = captureEmf({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' });

      // Act
      new EmfMetrics({ metrics }).recordReadiness(readiness({ ready: true, replicaLagSeconds: null }));

      // Assess
      expect(lines()[0]).toMatchObject({ PlanReady: 1 });
      expect(lines()[0]).not.toHaveProperty('ReplicaLagSeconds');
    });
  });
});
