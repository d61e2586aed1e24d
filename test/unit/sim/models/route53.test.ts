import {
  type Change,
  InvalidChangeBatch,
  NoSuchChange,
  NoSuchHostedZone,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import type { ScenarioSpec } from '../../../../sim/world';
import { startSim } from '../fixture';

const ZONE = 'Z0123456789ORDERSAPI';

/** The flip the product makes: the standby record becomes PRIMARY and the old primary SECONDARY, in one batch. */
const flipBatch = (sim: ReturnType<typeof startSim>): Change[] => {
  const records = sim.world.route53.list({
    HostedZoneId: ZONE,
    StartRecordName: 'api.orders.example.com',
    StartRecordType: 'CNAME',
  });
  const [east, west] = records.ResourceRecordSets ?? [];
  if (!east || !west) throw new Error('the example plan has an api.orders.example.com pair');
  return [
    { Action: 'UPSERT', ResourceRecordSet: { ...west, Failover: 'PRIMARY' } },
    { Action: 'UPSERT', ResourceRecordSet: { ...east, Failover: 'SECONDARY' } },
  ];
};

describe('Route53Model', () => {
  it('lists records in Route 53 order from a start name and type, a page at a time', () => {
    const sim = startSim('region-outage');
    try {
      const page = sim.world.route53.list({
        HostedZoneId: `/hostedzone/${ZONE}`,
        StartRecordName: 'api.orders.example.com',
        StartRecordType: 'CNAME',
        MaxItems: 3,
      });

      expect(page.ResourceRecordSets?.map((r) => `${r.Name} ${r.Type} ${r.SetIdentifier} ${r.Failover}`)).toEqual([
        'api.orders.example.com. CNAME api-us-east-1 PRIMARY',
        'api.orders.example.com. CNAME api-us-west-2 SECONDARY',
        'checkout.orders.example.com. CNAME checkout-us-east-1 PRIMARY',
      ]);
      expect(page.IsTruncated).toBe(true);
      expect(page.MaxItems).toBe(3);
      expect([page.NextRecordName, page.NextRecordType, page.NextRecordIdentifier]).toEqual([
        'checkout.orders.example.com.',
        'CNAME',
        'checkout-us-west-2',
      ]);
      expect(page.ResourceRecordSets?.[0]).toMatchObject({
        TTL: 60,
        ResourceRecords: [{ Value: 'us-east-1.api.orders.example.com' }],
        HealthCheckId: sim.world.healthChecks.of('us-east-1').id,
      });
      const all = sim.world.route53.list({ HostedZoneId: ZONE });
      expect(all.ResourceRecordSets?.map((r) => r.Type)).toEqual(['NS', 'SOA', 'CNAME', 'CNAME', 'CNAME', 'CNAME']);
      expect(all.IsTruncated).toBe(false);
    } finally {
      sim.close();
    }
  });

  it('applies an UPSERT flip as PENDING and serves it only once INSYNC after the modelled delay', async () => {
    // Prepare
    const sim = startSim('region-outage', { scenarioOptions: { outageAtSeconds: 3600 } });
    try {
      // Act
      const info = sim.world.route53.change(ZONE, flipBatch(sim), 'failover');
      const listed = sim.world.route53.list({ HostedZoneId: ZONE, StartRecordName: 'api.orders.example.com' });
      const servedBefore = sim.world.resolve('api.orders.example.com');
      await sim.advance(59_999);
      const stillPending = sim.world.route53.getChange(info.Id ?? '');
      await sim.advance(1);
      const inSync = sim.world.route53.getChange((info.Id ?? '').replace('/change/', ''));

      // Assess
      expect(info.Id).toMatch(/^\/change\/C[0-9A-Z]+$/);
      expect(info.Status).toBe('PENDING');
      expect(info.SubmittedAt).toBeInstanceOf(Date);
      expect(listed.ResourceRecordSets?.find((r) => r.SetIdentifier === 'api-us-west-2')?.Failover).toBe('PRIMARY');
      expect(servedBefore?.setIdentifier).toBe('api-us-east-1');
      expect(stillPending.Status).toBe('PENDING');
      expect(inSync.Status).toBe('INSYNC');
      expect(sim.world.resolve('api.orders.example.com')).toMatchObject({
        setIdentifier: 'api-us-west-2',
        failover: 'PRIMARY',
        region: 'us-west-2',
      });
    } finally {
      sim.close();
    }
  });

  it('rejects a batch that leaves two PRIMARY records for a name', () => {
    const sim = startSim('region-outage');
    try {
      const [west] = flipBatch(sim);
      let error: unknown;
      try {
        sim.world.route53.change(ZONE, west ? [west] : []);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidChangeBatch);
      expect((error as InvalidChangeBatch).messages?.[0]).toMatch(/more than one record with Failover PRIMARY/);
      expect(sim.world.route53.changes).toEqual([]);
    } finally {
      sim.close();
    }
  });

  it('rejects CREATE of an existing record, DELETE of a missing one and names outside the zone', () => {
    const sim = startSim('region-outage');
    try {
      const [west] = flipBatch(sim);
      const record: ResourceRecordSet = { ...(west?.ResourceRecordSet as ResourceRecordSet), Failover: 'SECONDARY' };
      expect(() => sim.world.route53.change(ZONE, [{ Action: 'CREATE', ResourceRecordSet: record }])).toThrow(
        /already exists/,
      );
      expect(() =>
        sim.world.route53.change(ZONE, [{ Action: 'DELETE', ResourceRecordSet: { ...record, SetIdentifier: 'nope' } }]),
      ).toThrow(/was not found/);
      expect(() =>
        sim.world.route53.change(ZONE, [{ Action: 'UPSERT', ResourceRecordSet: { ...record, Name: 'api.other.com' } }]),
      ).toThrow(/not permitted in zone orders\.example\.com\./);
      const reordered = Object.fromEntries(Object.entries(record).reverse()) as ResourceRecordSet;
      const deleted = sim.world.route53.change(ZONE, [
        { Action: 'DELETE', ResourceRecordSet: reordered },
        { Action: 'CREATE', ResourceRecordSet: record },
      ]);
      expect(deleted.Status).toBe('PENDING');
      expect(() => sim.world.route53.change('ZNOPE', [])).toThrow(NoSuchHostedZone);
      expect(() => sim.world.route53.getChange('/change/CNOPE')).toThrow(NoSuchChange);
    } finally {
      sim.close();
    }
  });

  it('answers Throttling, then PriorRequestNotComplete, then accepts when DNS changes are throttled', () => {
    const sim = startSim('dns-throttled');
    try {
      const batch = flipBatch(sim);
      const names: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        try {
          sim.world.route53.change(ZONE, batch);
        } catch (error) {
          names.push((error as Error).name);
        }
      }
      expect(names).toEqual(['Throttling', 'PriorRequestNotComplete']);
      expect(sim.world.route53.change(ZONE, batch).Status).toBe('PENDING');
    } finally {
      sim.close();
    }
  });

  it('answers PriorRequestNotComplete to a change of the same zone while it still processes the last one', async () => {
    const sim = startSim('region-outage');
    try {
      const batch = flipBatch(sim);
      expect(sim.world.route53.change(ZONE, batch).Status).toBe('PENDING');
      // The same instant: the zone is still processing the change it accepted (ZONE_CHANGE_PROCESSING_MS, 200 ms).
      expect(() => sim.world.route53.change(ZONE, batch)).toThrow(
        expect.objectContaining({ name: 'PriorRequestNotComplete' }),
      );
      await sim.advanceTo(1);
      expect(sim.world.route53.change(ZONE, batch).Status).toBe('PENDING');
    } finally {
      sim.close();
    }
  });

  it('answers SECONDARY when the primary is unhealthy and fails open to PRIMARY when both are', async () => {
    const spec: ScenarioSpec = {
      name: 'both-down',
      description: 'both regions down',
      outages: [
        { region: 'primary', atSeconds: 60 },
        { region: 'standby', atSeconds: 300 },
      ],
    };
    const sim = startSim(spec);
    try {
      expect(sim.world.resolve('api.orders.example.com')?.region).toBe('us-east-1');
      await sim.advanceTo(280);
      expect(sim.world.resolve('API.orders.example.com.')).toMatchObject({ region: 'us-west-2', failedOpen: false });
      await sim.advanceTo(600);
      expect(sim.world.resolve('api.orders.example.com')).toMatchObject({
        setIdentifier: 'api-us-east-1',
        region: 'us-east-1',
        failedOpen: true,
      });
      expect(sim.world.resolve('nothing.orders.example.com')).toBeUndefined();
    } finally {
      sim.close();
    }
  });

  it('does not fail back to the old primary when it recovers after the roles were flipped', async () => {
    const sim = startSim('flapping-health');
    try {
      await sim.advanceTo(200);
      sim.world.route53.change(ZONE, flipBatch(sim));
      await sim.advanceTo(300 + 200);
      expect(sim.world.healthChecks.of('us-east-1').healthy).toBe(true);
      expect(sim.world.resolve('api.orders.example.com')?.region).toBe('us-west-2');
    } finally {
      sim.close();
    }
  });

  it('fails back by itself when only health checks moved traffic and the primary recovers', async () => {
    const sim = startSim('flapping-health');
    try {
      await sim.advanceTo(250);
      expect(sim.world.resolve('api.orders.example.com')?.region).toBe('us-west-2');
      await sim.advanceTo(300 + 200);
      expect(sim.world.resolve('api.orders.example.com')?.region).toBe('us-east-1');
    } finally {
      sim.close();
    }
  });

  it('reports one observation per checker region when GetHealthCheckStatus is asked', async () => {
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(200);
      const observations = sim.world.route53.healthCheckStatus(sim.world.healthChecks.of('us-east-1').id);
      expect(observations).toHaveLength(8);
      expect(observations[0]?.StatusReport?.Status).toMatch(/^Failure/);
      expect(observations[0]?.StatusReport?.CheckedTime).toBeInstanceOf(Date);
      expect(() => sim.world.route53.healthCheckStatus('nope')).toThrow(/No health check exists/);
    } finally {
      sim.close();
    }
  });
  describe('health checks with Inverted (UpdateHealthCheck)', () => {
    it('reports an inverted check unhealthy while its endpoint answers, in DNS answers and HealthCheckStatus', async () => {
      const sim = startSim('flapping-health');
      try {
        // Prepare: the roles flipped, us-east-1 healthy again and SECONDARY
        await sim.advanceTo(200);
        sim.world.route53.change(ZONE, flipBatch(sim));
        await sim.advanceTo(300 + 200);
        const east = sim.world.healthChecks.of('us-east-1');
        const version = sim.world.route53.healthCheck(east.id).HealthCheckVersion;

        // Act
        const updated = sim.world.route53.updateHealthCheck({
          HealthCheckId: east.id,
          HealthCheckVersion: version,
          Inverted: true,
        });
        const invertedAt = sim.clock.now();

        // Assess: GetHealthCheck says Inverted, at the next version; what Route 53 reports is inverted from then on;
        // DNS answers the PRIMARY record (us-west-2)
        expect(updated.HealthCheckConfig?.Inverted).toBe(true);
        expect(updated.HealthCheckVersion).toBe((version ?? 0) + 1);
        expect([east.healthy, east.reportedHealthy]).toEqual([true, false]);
        expect(sim.world.resolve('api.orders.example.com')).toMatchObject({ failover: 'PRIMARY', region: 'us-west-2' });
        const minute = Math.ceil(invertedAt / 60_000) * 60_000;
        expect(east.minimumStatus(minute, minute + 60_000)).toBe(0);
        expect(east.minimumStatus(minute - 600_000, minute - 540_000)).toBe(1);
      } finally {
        sim.close();
      }
    });

    it('refuses an UpdateHealthCheck at a stale version, and one of a health check that does not exist', () => {
      const sim = startSim('region-outage');
      try {
        const id = sim.world.healthChecks.of('us-east-1').id;
        sim.world.route53.updateHealthCheck({ HealthCheckId: id, HealthCheckVersion: 1, Inverted: true });

        expect(() =>
          sim.world.route53.updateHealthCheck({ HealthCheckId: id, HealthCheckVersion: 1, Inverted: false }),
        ).toThrow(expect.objectContaining({ name: 'HealthCheckVersionMismatch' }));
        expect(() => sim.world.route53.updateHealthCheck({ HealthCheckId: 'nope', Inverted: true })).toThrow(
          expect.objectContaining({ name: 'NoSuchHealthCheck' }),
        );
        expect(sim.world.healthChecks.of('us-east-1').inverted).toBe(true);
      } finally {
        sim.close();
      }
    });

    it('takes the health check ids a health-check-inverted fence names in the plan', () => {
      const sim = startSim('region-outage');
      try {
        expect([sim.world.healthChecks.of('us-east-1').id, sim.world.healthChecks.of('us-west-2').id]).toEqual([
          '3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d',
          '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d',
        ]);
      } finally {
        sim.close();
      }
    });
  });
});
