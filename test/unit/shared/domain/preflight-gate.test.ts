import type { PreflightFinding } from '../../../../shared/domain/preflight';
import { gateOnPreflight } from '../../../../shared/domain/preflight-gate';
import type { Assessment } from '../../../../shared/domain/run';
import { ordersPlan } from '../../../support/plan-fixtures';

const NOW = new Date('2026-11-25T03:01:30.000Z');

const proceeding = (): Assessment => ({
  decision: 'proceed',
  reasons: ['worst replica lag 3 s within RPO budget 60 s'],
  warnings: [],
  decidedAt: NOW.toISOString(),
  databases: [],
  maxLagSeconds: 3,
  approvalTimeoutSeconds: 1800,
});

const missing: PreflightFinding = {
  check: 'standby-exists',
  resource: 'rds:us-west-2:orders-db-replica',
  expected: 'read replica orders-db-replica',
  found: 'no such DB instance',
  fix: 'create it',
};
const backingUp: PreflightFinding = {
  check: 'standby-promotable',
  resource: 'rds:us-west-2:orders-db-replica',
  expected: 'replica orders-db-replica status available',
  found: 'status backing-up',
  fix: 'wait',
  transient: true,
};

describe('gateOnPreflight', () => {
  const plan = ordersPlan();

  it('keeps the decision and records no finding when the preflight passes', () => {
    const gated = gateOnPreflight(plan, proceeding(), [], 'live', NOW);
    expect(gated.decision).toBe('proceed');
    expect(gated.preflight).toEqual({ findings: [] });
  });

  it('blocks, with every finding in the reasons, when a check fails', () => {
    const gated = gateOnPreflight(plan, proceeding(), [missing], 'live', NOW);
    expect(gated.decision).toBe('block');
    expect(gated.reasons[0]).toBe('preflight: 1 check failed: nothing was changed');
    expect(gated.reasons[1]).toContain('rds:us-west-2:orders-db-replica: expected');
    expect(gated.preflight?.findings).toEqual([missing]);
  });

  it('keeps a skipped run skipped', () => {
    const gated = gateOnPreflight(plan, { ...proceeding(), decision: 'skip' }, [missing], 'live', NOW);
    expect(gated.decision).toBe('skip');
  });

  it('waits, bounded by preflight.maxWaitSeconds, when only transient findings remain', () => {
    const gated = gateOnPreflight(plan, proceeding(), [backingUp], 'live', NOW);
    expect(gated.decision).toBe('wait');
    expect(gated.preflight).toEqual({
      findings: [backingUp],
      waitUntil: '2026-11-25T03:11:30.000Z',
      retryInSeconds: 30,
    });
  });

  it('keeps the first bound on later assessments and waits only the time left', () => {
    const later = new Date('2026-11-25T03:11:20.000Z');
    const gated = gateOnPreflight(plan, proceeding(), [backingUp], 'live', later, '2026-11-25T03:11:30.000Z');
    expect(gated.decision).toBe('wait');
    expect(gated.preflight?.retryInSeconds).toBe(10);
  });

  it('blocks once the bound has passed, saying how long it waited', () => {
    const after = new Date('2026-11-25T03:11:30.000Z');
    const gated = gateOnPreflight(plan, proceeding(), [backingUp], 'live', after, '2026-11-25T03:11:30.000Z');
    expect(gated.decision).toBe('block');
    expect(gated.reasons[0]).toBe('preflight: 1 check failed (still failing after waiting 600 s): nothing was changed');
  });

  it('does not wait when a finding that does not pass by itself is among them', () => {
    expect(gateOnPreflight(plan, proceeding(), [backingUp, missing], 'live', NOW).decision).toBe('block');
  });

  it('asks a person with the findings when the plan says preflight.onFindings: ask', () => {
    const asking = ordersPlan({ preflight: { onFindings: 'ask' } });
    const gated = gateOnPreflight(asking, proceeding(), [missing], 'live', NOW);
    expect(gated.decision).toBe('approve');
    expect(gated.reasons[0]).toBe('preflight: 1 check failed: a person decides (preflight.onFindings: ask)');
    expect(gated.preflight?.findings).toEqual([missing]);
  });

  it('blocks a dry run even when the plan would ask (a dry run never pauses)', () => {
    const asking = ordersPlan({ preflight: { onFindings: 'ask' } });
    expect(gateOnPreflight(asking, proceeding(), [missing], 'dry-run', NOW).decision).toBe('block');
  });
});
