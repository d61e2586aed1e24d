import { startSim, T0 } from '../fixture';

describe('HealthChecks', () => {
  it("fails the standby endpoint's check from the start when the scenario says its endpoint never answers", async () => {
    // Prepare: drift, the standby's endpoint fails its health check before the drill begins (standby-unhealthy).
    const sim = startSim('standby-unhealthy');
    try {
      const standby = sim.world.healthChecks.of('us-west-2');

      // Act / Assess: before any check ran, Route 53 already reports it unhealthy, everywhere it reports.
      expect(standby.samples).toEqual([]);
      expect(standby.reportedHealthy).toBe(false);
      expect(standby.minimumStatus(T0 - 60_000, T0)).toBe(0);
      const before = sim.world.route53.healthCheckStatus(standby.id);
      expect(before).toHaveLength(8);
      expect(before.every((observation) => observation.StatusReport?.Status?.startsWith('Failure'))).toBe(true);

      // Its checks keep failing, the region up; the primary's passes until its outage (3 minutes in).
      await sim.advanceTo(120);
      expect(standby.samples.length).toBeGreaterThan(0);
      expect(standby.samples.every((sample) => sample.healthyShare === 0 && !sample.healthy)).toBe(true);
      expect(sim.world.regions.isDown('us-west-2')).toBe(false);
      expect(sim.world.healthChecks.of('us-east-1').healthy).toBe(true);
    } finally {
      sim.close();
    }
  });

  it('turns unhealthy at the third consecutive failed check when the region goes down', async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      // Act
      await sim.advanceTo(300);

      // Assess
      const check = sim.world.healthChecks.of('us-east-1');
      const failed = check.samples.filter((s) => s.healthyShare === 0);
      expect(failed.length).toBeGreaterThanOrEqual(3);
      expect(failed[0]?.atMs).toBeGreaterThanOrEqual(T0 + 60_000);
      expect(failed.slice(0, 2).map((s) => s.healthy)).toEqual([true, true]);
      expect(failed[2]?.healthy).toBe(false);
      expect((failed[2]?.atMs ?? 0) - (failed[0]?.atMs ?? 0)).toBe(60_000);
      expect(sim.world.healthChecks.of('us-west-2').healthy).toBe(true);
    } finally {
      sim.close();
    }
  });

  it('turns healthy again after three consecutive passing checks when the region comes back', async () => {
    // Prepare
    const sim = startSim('flapping-health');
    try {
      // Act
      await sim.advanceTo(60 + 240 + 120);

      // Assess
      const check = sim.world.healthChecks.of('us-east-1');
      const back = check.samples.filter((s) => s.atMs >= T0 + 300_000);
      expect(back.slice(0, 2).map((s) => s.healthy)).toEqual([false, false]);
      expect(back[2]?.healthy).toBe(true);
    } finally {
      sim.close();
    }
  });

  it('detects faster when the scenario sets fast health checks', async () => {
    // Prepare
    const sim = startSim('region-outage', { scenarioOptions: { timing: { healthCheck: { intervalSeconds: 10 } } } });
    try {
      // Act
      await sim.advanceTo(120);

      // Assess
      const check = sim.world.healthChecks.of('us-east-1');
      const firstUnhealthy = check.samples.find((s) => !s.healthy);
      expect(firstUnhealthy?.atMs).toBeLessThanOrEqual(T0 + 60_000 + 30_000);
    } finally {
      sim.close();
    }
  });
});
