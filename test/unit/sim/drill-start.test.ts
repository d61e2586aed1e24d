import { drillStartMs, START_STRIDE } from '../../../sim/drill';
import { SCENARIO_NAMES } from '../../../sim/scenarios';

describe('drillStartMs', () => {
  it('starts every scenario and seed on its own whole minute, the same one on every run', () => {
    // Act
    const starts = [0, 1, 2, 3].flatMap((seed) => SCENARIO_NAMES.map((scenario) => drillStartMs(scenario, seed)));

    // Assess
    expect(START_STRIDE).toBeGreaterThanOrEqual(SCENARIO_NAMES.length);
    expect(new Set(starts).size).toBe(starts.length);
    expect(starts.every((ms) => ms % 60_000 === 0)).toBe(true);
    expect(drillStartMs('region-outage', 1)).toBe(drillStartMs('region-outage', 1));
  });

  it("keeps every scenario's start where it was when a scenario is added: the stride, not the catalog's size", () => {
    // Act / Assess: seed 1 of the first scenario is one stride (64 minutes) after seed 0's.
    expect(drillStartMs('region-outage', 1) - drillStartMs('region-outage', 0)).toBe(START_STRIDE * 60_000);
    expect(new Date(drillStartMs('region-outage', 1)).toISOString()).toBe('2026-01-15T04:04:00.000Z');
  });
});
