import { InvalidScenarioError, UnknownScenarioError } from '../../../sim/errors';
import { buildScenario, describeScenarios, isPlanLevelScenario, SCENARIO_NAMES } from '../../../sim/scenarios';

describe('buildScenario', () => {
  it('lists the known scenarios when the name is unknown', () => {
    expect(() => buildScenario('meteor')).toThrow(UnknownScenarioError);
    expect(() => buildScenario('meteor')).toThrow(
      'Unknown drill scenario "meteor". Known scenarios: region-outage, lagging-replica, promotion-fails, stale-backups, dns-throttled, route53-api-busy, arc-cluster-busy, rds-api-busy, flapping-health, standby-missing, record-missing, record-not-failover, standby-unhealthy, replica-backing-up, equal-set-identifiers, us-east-1-outage, old-primary-returns, reprotect, failback, failback-lagging, game-day, game-day-twice, restore-test, restore-fails.',
    );
  });

  it('names the option when an option is unknown or negative', () => {
    expect(() => buildScenario('region-outage', { outageAt: 5 } as never)).toThrow(InvalidScenarioError);
    expect(() => buildScenario('region-outage', { outageAt: 5 } as never)).toThrow(/outageAt: unknown option/);
    expect(() => buildScenario('region-outage', { outageAtSeconds: -5 })).toThrow(/outageAtSeconds: expected a number/);
  });

  it('takes the primary region down at T0 + 60 s by default', () => {
    expect(buildScenario('region-outage')).toMatchObject({
      name: 'region-outage',
      outages: [{ region: 'primary', atSeconds: 60 }],
    });
    expect(buildScenario('region-outage', { outageAtSeconds: 5 }).outages).toEqual([
      { region: 'primary', atSeconds: 5 },
    ]);
  });

  it('sets the fault of each scenario when built', () => {
    expect(buildScenario('lagging-replica').rds).toEqual({ lagSeconds: 95 });
    expect(buildScenario('promotion-fails').rds).toEqual({ promotionOutcome: 'incompatible-parameters' });
    expect(buildScenario('stale-backups').backups).toEqual({ staleSeconds: 21600, crossRegionCopy: false });
    expect(buildScenario('dns-throttled').route53).toEqual({ changeFaults: ['Throttling', 'PriorRequestNotComplete'] });
    expect(buildScenario('route53-api-busy').route53).toEqual({ otherCallers: { atSeconds: 60, perSecond: 6 } });
    expect(buildScenario('flapping-health').outages).toEqual([
      { region: 'primary', atSeconds: 60, untilSeconds: 300 },
      { region: 'primary', atSeconds: 540 },
    ]);
  });

  it('adds a backing-up window at the first promotion and timing overrides when given as options', () => {
    const spec = buildScenario('lagging-replica', {
      backingUpSeconds: 45,
      timing: { route53: { changeInSyncSeconds: 90 } },
    });
    expect(spec.rds).toEqual({ lagSeconds: 95, backingUp: { seconds: 45 } });
    expect(spec.timing).toEqual({ route53: { changeInSyncSeconds: 90 } });
    expect(spec.description).toMatch(/backing-up for 45 s/);
  });

  it('describes every scenario when asked for the list', () => {
    expect(describeScenarios().map((s) => s.name)).toEqual(SCENARIO_NAMES);
    for (const scenario of describeScenarios()) expect(scenario.description.length).toBeGreaterThan(20);
  });
});

describe('isPlanLevelScenario', () => {
  it('tells a scenario that changes the plan from one that changes the world', () => {
    expect(isPlanLevelScenario('equal-set-identifiers')).toBe(true);
    expect(isPlanLevelScenario('record-missing')).toBe(false);
    expect(isPlanLevelScenario('meteor')).toBe(false);
  });
});
