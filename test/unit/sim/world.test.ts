import { DNS_QUERY_TIMEOUT_MS, DnsQueryError } from '../../../shared/aws/dns-answers';
import { startSim } from './fixture';

const run = async (seed: number) => {
  const sim = startSim('region-outage', { seed });
  try {
    sim.world.rds.promote('us-west-2', 'orders-db-replica', 7);
    sim.world.aurora.failover('catalog-global', 'catalog-west', true, false);
    await sim.advanceTo(1200);
    return {
      truth: sim.world.groundTruth(),
      bound: sim.world.criticalPathLowerBound(),
      events: sim.world.bus.events,
      healthCheckIds: [...sim.world.healthChecks.byRegion.values()].map((c) => c.id),
      lambda: [0, 1, 2].map((n) => sim.world.lambdaDurationMs('assess', n)),
    };
  } finally {
    sim.close();
  }
};

describe('World', () => {
  it('replays identical timings, ids and events when the seed is the same', async () => {
    // Act
    const first = await run(7);
    const second = await run(7);

    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('draws different timings when the seed differs', async () => {
    const a = await run(1);
    const b = await run(2);
    expect(b.bound.promotionSeconds).not.toBe(a.bound.promotionSeconds);
    expect(b.truth.writableAt).not.toEqual(a.truth.writableAt);
  });

  it('composes the critical path lower bound from detection, slowest promotion and DNS sync', async () => {
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(600);
      const bound = sim.world.criticalPathLowerBound();
      const replica = sim.world.rds.find('us-west-2', 'orders-db-replica');
      const global = sim.world.aurora.globals[0];
      const slowest = Math.max(replica?.promoteDurationMs ?? 0, global?.failoverMs ?? 0) / 1000;
      const alarmAt = sim.world.alarms.transitions()[0]?.atMs ?? 0;

      expect(bound).toEqual({
        outageAt: '2026-01-15T03:01:00.000Z',
        alarmAt: new Date(alarmAt).toISOString(),
        impactStartedAt: new Date(alarmAt - 60_000).toISOString(),
        detectionSeconds: (alarmAt - Date.UTC(2026, 0, 15, 3, 1, 0)) / 1000,
        promotionSeconds: slowest,
        dnsSeconds: 60,
        verifySeconds: 0,
        totalSeconds: (alarmAt - Date.UTC(2026, 0, 15, 3, 1, 0)) / 1000 + slowest + 60,
        totalFromImpactSeconds: 60 + slowest + 60,
      });
      expect(bound.detectionSeconds).toBeGreaterThanOrEqual(60);
      expect(bound.detectionSeconds).toBeLessThanOrEqual(150);
    } finally {
      sim.close();
    }
  });

  it('refuses the lower bound before any alarm has fired', () => {
    const sim = startSim('region-outage');
    try {
      expect(() => sim.world.criticalPathLowerBound()).toThrow(/no plan alarm has gone to ALARM/);
    } finally {
      sim.close();
    }
  });

  it("answers the steps' DNS questions as Route 53 does, and once they go unanswered fails them after the adapter's timeout", async () => {
    const sim = startSim('region-outage');
    try {
      // Act
      const answered = await sim.world.answerDns('api.orders.example.com', 'CNAME');
      sim.world.dnsUnansweredFromMs = sim.clock.now();
      const askedAt = sim.clock.now();
      let failedAt: number | undefined;
      const unanswered = sim.world.answerDns('api.orders.example.com', 'CNAME').finally(() => {
        failedAt = sim.clock.now();
      });
      unanswered.catch(() => {});
      await sim.advanceTo(5);

      // Assess
      expect(answered).toEqual(sim.world.resolve('api.orders.example.com', 'CNAME')?.values);
      expect(answered.length).toBeGreaterThan(0);
      await expect(unanswered).rejects.toThrow(
        new DnsQueryError('api.orders.example.com NS: the resolver did not answer (ETIMEOUT)'),
      );
      expect(failedAt).toBe(askedAt + DNS_QUERY_TIMEOUT_MS);
      // The drill's own look is not the steps' path: it still reads the answer.
      expect(sim.world.resolve('api.orders.example.com', 'CNAME')?.values).toEqual(answered);
    } finally {
      sim.close();
    }
  });

  it('leaves no timer behind when stopped', async () => {
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(120);
      sim.world.stop();
      const result = await sim.clock.runUntil(() => false);
      expect(result.reason).toBe('idle');
    } finally {
      sim.close();
    }
  });
});
