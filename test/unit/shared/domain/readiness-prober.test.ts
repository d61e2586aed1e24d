import { assessReadiness, projectRto, type ReadinessReadings } from '../../../../shared/domain/readiness';
import { ordersPlan } from '../../../support/plan-fixtures';

const AT = new Date('2026-11-25T03:00:00.000Z');
const PROBER = { endpoints: [{ url: 'https://us-east-1.api.orders.example.com/health' }] };

/** Readings with the Route 53 alarm on a 30 s x 3 health check and a 60 s alarm: 150 s of detection. */
const readings = (overrides: Partial<ReadinessReadings> = {}): ReadinessReadings => ({
  preflightFindings: [],
  records: [],
  alarms: [
    {
      name: 'orders-primary-health',
      alarm: { healthCheckIds: ['hc-1'], periodSeconds: 60, evaluationPeriods: 1 },
    },
  ],
  healthChecks: [{ id: 'hc-1', config: { intervalSeconds: 30, failureThreshold: 3 } }],
  lags: [],
  backupWarnings: [],
  history: [],
  ...overrides,
});

describe('readiness with a standby prober', () => {
  it('keeps the Route 53 alarm term when the plan has no prober', () => {
    expect(projectRto(ordersPlan(), readings()).terms.detection.seconds).toBe(150);
  });

  it('takes the fastest signal without a quorum: the alarm (150 s) before the prober (60 x 3 + 60 = 240 s)', () => {
    const plan = ordersPlan({ trigger: { prober: PROBER } });
    const detection = projectRto(plan, readings()).terms.detection;
    expect(detection).toEqual({
      seconds: 150,
      source: 'fastest of 2 signals: health check 30 s x 3 + alarm 60 s x 1',
    });
  });

  it('takes the slower signal with a quorum of 2: the prober term', () => {
    const plan = ordersPlan({
      trigger: { prober: { ...PROBER, intervalSeconds: 120, failuresToAlarm: 2 }, quorum: 2 },
    });
    const detection = projectRto(plan, readings()).terms.detection;
    expect(detection).toEqual({
      seconds: 360,
      source: 'quorum 2 of 2 signals, waiting for prober 120 s x 2 + alarm period 120 s',
    });
  });

  it('finds a missing prober alarm, naming it and the fix', () => {
    const plan = ordersPlan({ trigger: { prober: PROBER } });
    const readiness = assessReadiness(
      plan,
      readings({ prober: { name: 'switchback-prober-orders', exists: false } }),
      AT,
    );
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toContainEqual(
      expect.objectContaining({
        check: 'prober-alarm-exists',
        resource: 'cloudwatch:alarm/switchback-prober-orders',
        fix: expect.stringContaining('deploy'),
      }),
    );
  });

  it('says could-not-check when the prober alarm cannot be read', () => {
    const plan = ordersPlan({ trigger: { prober: PROBER } });
    const readiness = assessReadiness(
      plan,
      readings({ prober: { name: 'switchback-prober-orders', error: 'AccessDenied: not allowed' } }),
      AT,
    );
    expect(readiness.findings).toContainEqual(
      expect.objectContaining({ check: 'could-not-check', found: 'AccessDenied: not allowed' }),
    );
  });

  it('finds nothing about the prober when its alarm exists', () => {
    const plan = ordersPlan({ trigger: { prober: PROBER } });
    const readiness = assessReadiness(
      plan,
      readings({ prober: { name: 'switchback-prober-orders', exists: true } }),
      AT,
    );
    expect(readiness.findings.filter((finding) => finding.resource.includes('prober'))).toEqual([]);
  });
});
