import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocalReadiness } from '../../sim/readiness';
import { runSwitchback } from '../support/cli';

/**
 * Readiness against the simulator: the product's readiness use case and adapters, the simulated AWS as the plan
 * describes it (or drifted), no outage.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');

jest.setTimeout(60_000);

describe('runLocalReadiness', () => {
  it('finds the example plan ready, with the projected RTO and each term from the simulated health check and alarm', async () => {
    // Act
    const readiness = await runLocalReadiness({ planFile: PLAN });

    // Assess
    expect(readiness).toMatchObject({ plan: 'orders', ready: true, findings: [] });
    expect(readiness.projectedRto).toMatchObject({ seconds: 515, budgetSeconds: 900, withinBudget: true });
    expect(readiness.projectedRto.terms.detection).toEqual({
      seconds: 150,
      source: 'health check 30 s x 3 + alarm 60 s x 1',
    });
    expect(readiness.replicaLagSeconds).toEqual(expect.any(Number));
  });

  it('is not ready, naming the resource and the fix, when the standby replica is missing', async () => {
    // Act
    const readiness = await runLocalReadiness({ planFile: PLAN, drift: { standbyMissing: true } });

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toContainEqual(
      expect.objectContaining({ check: 'standby-exists', resource: 'rds:us-west-2:orders-db-replica' }),
    );
  });

  it('is not ready when the standby record is not a failover record', async () => {
    // Act
    const readiness = await runLocalReadiness({ planFile: PLAN, drift: { recordNotFailover: true } });

    // Assess
    expect(readiness.findings.map((finding) => finding.check)).toContain('record-failover');
  });
});

describe('switchback readiness --local', () => {
  it('prints per-plan readiness JSON and writes the HTML readiness report', () => {
    // Prepare
    const out = mkdtempSync(join(tmpdir(), 'switchback-readiness-'));

    // Act
    const result = runSwitchback(['readiness', '--local', '--json', '--out', out], 50_000);

    // Assess
    expect(result.code).toBe(0);
    const [readiness] = JSON.parse(result.stdout) as { ready: boolean; projectedRto: { seconds: number } }[];
    expect(readiness).toMatchObject({ ready: true, findings: [], projectedRto: { seconds: 515 } });
    expect(readFileSync(join(out, 'readiness-orders.html'), 'utf8')).toContain('Projected RTO <strong>515 s</strong>');
  });

  it('names the deployed plans in one line when --plan (without --local) names none of them', () => {
    // Act
    const result = runSwitchback(['readiness', '--plan', 'payments'], 20_000);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^switchback: no plan named "payments" in plans \(plans: [a-z, -]*orders[a-z, -]*\): give --plan <name> or <file>$/,
    );
  });
});
