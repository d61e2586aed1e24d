import {
  assessReadiness,
  type ReadinessFinding,
  type ReadinessReadings,
  type StandbyHealthCheckReading,
  standbyHealthByReadiness,
} from '../../../../shared/domain/readiness';
import { ordersPlan } from '../../../support/plan-fixtures';
import { planReadiness } from '../../../support/readiness-fixtures';

/**
 * The standby region's endpoint as Route 53's checkers see it: readiness finds a standby that fails its health check
 * (a failover would move traffic to an endpoint Route 53 considers down), and a live failover asks a person about it.
 */

const AT = new Date('2026-11-25T03:00:00.000Z');
const STANDBY_RECORD = 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2';

const readings = (standbyHealthChecks: StandbyHealthCheckReading[]): ReadinessReadings => ({
  preflightFindings: [],
  records: [],
  alarms: [],
  healthChecks: [],
  standbyHealthChecks,
  lags: [],
  backupWarnings: [],
  history: [],
});

const standby = (status: StandbyHealthCheckReading['status']): StandbyHealthCheckReading => ({
  id: 'hc-west',
  records: [STANDBY_RECORD],
  ...(status ? { status } : {}),
});

describe('readiness of the standby endpoint', () => {
  it('finds a standby whose endpoint no checker reaches, with the failing report, the records and how to look', () => {
    // Act
    const readiness = assessReadiness(
      ordersPlan(),
      readings([standby({ checkers: 8, healthyCheckers: 0, failure: 'Failure: Connection timed out.' })]),
      AT,
    );

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toEqual([
      {
        check: 'standby-health-check',
        resource: 'route53:healthcheck/hc-west',
        expected:
          "the us-west-2 endpoint healthy to Route 53 (its records' health check), so that a failover moves traffic to an endpoint Route 53 considers up",
        found: `unhealthy: 0 of 8 checkers reach it ("Failure: Connection timed out."); named by ${STANDBY_RECORD}`,
        fix: "find why the us-west-2 endpoint fails its health check (aws route53 get-health-check-last-failure-reason --health-check-id hc-west) and fix it: after a failover Route 53 would answer them only by failing open, and the old region's again once it answers",
      },
    ]);
  });

  it('counts the endpoint healthy as Route 53 does: when more than 18% of the checkers reach it, or none has reported yet', () => {
    // Act
    const checks = (healthyCheckers: number, checkers = 8) =>
      assessReadiness(ordersPlan(), readings([standby({ checkers, healthyCheckers })]), AT).findings.map(
        (finding) => finding.check,
      );

    // Assess: 2 of 8 is 25%, 1 of 8 is 12.5%; a new check with no report is healthy.
    expect(checks(2)).toEqual([]);
    expect(checks(1)).toEqual(['standby-health-check']);
    expect(checks(0, 0)).toEqual([]);
  });

  it('finds a standby record that names a health check Route 53 does not have', () => {
    // Act
    const [finding] = assessReadiness(ordersPlan(), readings([standby(undefined)]), AT).findings;

    // Assess
    expect(finding?.found).toBe(`no such health check; named by ${STANDBY_RECORD}`);
    expect(finding?.fix).toMatch(/^associate a health check of the us-west-2 endpoint with these records: /);
  });
});

describe('standbyHealthByReadiness', () => {
  const NOW = new Date('2026-11-25T03:40:00.000Z');
  const failing: ReadinessFinding = {
    check: 'standby-health-check',
    resource: 'route53:healthcheck/hc-west',
    expected: 'x',
    found: `unhealthy: 0 of 8 checkers reach it; named by ${STANDBY_RECORD}`,
    fix: 'y',
  };
  const last = (at: string, findings: ReadinessFinding[]) => planReadiness({ at, ready: false, findings });

  it("asks about a current readiness's failing standby, naming the check and what its checkers saw", () => {
    // Act
    const ask = standbyHealthByReadiness(ordersPlan(), last('2026-11-25T03:30:00.000Z', [failing]), NOW);

    // Assess
    expect(ask).toBe(
      "a failover would move traffic to the us-west-2 endpoint, which failed its Route 53 health check at the plan's readiness of 2026-11-25T03:30:00.000Z (route53:healthcheck/hc-west: unhealthy: 0 of 8 checkers reach it); approve once it passes",
    );
  });

  it('asks nothing without such a finding, or when the readiness is stale, older than the last move, or missing', () => {
    // Prepare
    const other = { ...failing, check: 'ttl-within-rto' as const };

    // Act and Assess
    expect(standbyHealthByReadiness(ordersPlan(), last('2026-11-25T03:30:00.000Z', [other]), NOW)).toBeUndefined();
    // Two of the plan's 15-minute runs ago, and more: the schedule may have stopped.
    expect(standbyHealthByReadiness(ordersPlan(), last('2026-11-25T03:09:59.000Z', [failing]), NOW)).toBeUndefined();
    expect(
      standbyHealthByReadiness(
        ordersPlan(),
        last('2026-11-25T03:30:00.000Z', [failing]),
        NOW,
        '2026-11-25T03:35:00.000Z',
      ),
    ).toBeUndefined();
    expect(standbyHealthByReadiness(ordersPlan(), undefined, NOW)).toBeUndefined();
  });
});
