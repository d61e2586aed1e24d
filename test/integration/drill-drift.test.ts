import { join } from 'node:path';
import { type DrillResult, runDrill } from '../../sim/drill';
import type { DrillProgress } from '../../sim/progress';

/**
 * Drift scenarios: the world differs from the plan before the outage. The preflight (Assess) must stop every run
 * before its first change: outcome "blocked", no mutating AWS call, and findings naming the resource and the fix.
 * The drill shows the preflight before it injects the outage.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');

const drill = (scenario: string, progress: DrillProgress[] = []): Promise<DrillResult> =>
  runDrill({ planFile: PLAN, scenario, seed: 1, slackPreview: false, onProgress: (event) => progress.push(event) });

/** Each scenario's drill with its progress events, run once per file whichever test asks first (tests only read). */
const drills = new Map<string, Promise<{ result: DrillResult; progress: DrillProgress[] }>>();
const sharedDrill = (scenario: string) => {
  const shared =
    drills.get(scenario) ??
    (async () => {
      const progress: DrillProgress[] = [];
      return { result: await drill(scenario, progress), progress };
    })();
  drills.set(scenario, shared);
  return shared;
};

jest.setTimeout(60_000);

describe('drift scenarios', () => {
  it.each([
    ['standby-missing', 'standby-exists', 'rds:us-west-2:orders-db-replica', 'create the cross-region read replica'],
    [
      'record-missing',
      'record-exists',
      'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
      "create the standby region's failover record api-us-west-2",
    ],
    [
      'record-not-failover',
      'record-failover',
      'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
      'replace api-us-west-2 with a failover record',
    ],
    ['replica-backing-up', 'standby-promotable', 'rds:us-west-2:orders-db-replica', 'wait until replica'],
  ])(
    '%s ends blocked with no mutating call and a finding naming the resource and the fix',
    async (scenario, check, resource, fix) => {
      // Act
      const {
        result: { report, world, lockHolder },
        progress,
      } = await sharedDrill(scenario);

      // Assess
      expect(report.outcome).toBe('blocked');
      expect(report.actions).toEqual([]);
      expect(world.actions).toEqual([]);
      expect(report.findings).toEqual([
        expect.objectContaining({ check, resource, fix: expect.stringContaining(fix) }),
      ]);
      expect(report.events.map((event) => event.detailType)).toContain('Run Blocked');
      expect(lockHolder).toBeNull();
      // The drill showed the same finding before injecting the outage (T+00:00, the outage is at T+01:00).
      const start = progress.find((event) => event.kind === 'start');
      expect(report.preflight).toEqual({
        at: start?.at,
        findings: [expect.objectContaining({ check, resource })],
      });
      const shown = progress.findIndex((event) => event.kind === 'preflight');
      const alarm = progress.findIndex((event) => event.kind === 'milestone' && event.message.includes('is ALARM'));
      expect(shown).toBeGreaterThanOrEqual(0);
      expect(shown).toBeLessThan(alarm);
    },
  );

  it('waits for the busy replica no longer than the plan allows (preflight.maxWaitSeconds, 600 s by default)', async () => {
    // Act
    const {
      result: { report },
    } = await sharedDrill('replica-backing-up');

    // Assess
    const reassessed = report.timeline.filter((t) => t.state === 'Reassess Failover' && t.event === 'entered');
    expect(reassessed.length).toBeGreaterThan(1);
    const decide = report.phases.find((phase) => phase.name === 'decide');
    expect(decide?.seconds).toBeGreaterThanOrEqual(600);
    expect(decide?.seconds).toBeLessThan(700);
  });

  it('refuses the plan-level equal-set-identifiers scenario at plan validation, before anything runs', async () => {
    // Act
    const run = drill('equal-set-identifiers');

    // Assess
    await expect(run).rejects.toMatchObject({
      name: 'PlanValidationError',
      message: expect.stringContaining(
        'dns[0].records[0].standbySetIdentifier: equals dns[0].records[0].primarySetIdentifier ("api-us-east-1")',
      ),
    });
  });

  it('shows a passing preflight before the outage when nothing drifted, and recovers', async () => {
    // Act
    const { report } = await drill('region-outage');

    // Assess
    expect(report.preflight?.findings).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(report.outcome).toBe('recovered');
  });
});
