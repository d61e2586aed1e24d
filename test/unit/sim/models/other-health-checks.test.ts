import { join } from 'node:path';
import { loadPlanFile } from '../../../../shared/plan/load';
import { startSim } from '../fixture';

const plan = (file: string) => loadPlanFile(join(__dirname, '../../../../plans', file));

/** The health check the primary record of the plan's first pair names, as the world built it. */
const primaryHealthCheck = (sim: ReturnType<typeof startSim>): string => {
  const [zone] = sim.plan.dns;
  const pair = zone?.records[0];
  if (!zone || !pair) throw new Error('the plan has a record pair');
  const records = sim.world.route53.list({
    HostedZoneId: zone.hostedZoneId,
    StartRecordName: pair.name,
    StartRecordType: pair.type,
  });
  const id = records.ResourceRecordSets?.find((r) => r.SetIdentifier === pair.primarySetIdentifier)?.HealthCheckId;
  if (!id) throw new Error('the primary record names a health check');
  return id;
};

describe("GetHealthCheck of a record's routing-control or alarm health check", () => {
  it('answers a RECOVERY_CONTROL health check with its routing control, as Route 53 does', () => {
    const sim = startSim('region-outage', { plan: plan('example-arc.yml') });
    try {
      const id = primaryHealthCheck(sim);
      const dnsSwitch = sim.plan.dnsSwitch;
      if (dnsSwitch.method !== 'arc-routing-control') throw new Error('an ARC plan');
      expect(sim.world.route53.healthCheck(id)).toMatchObject({
        Id: id,
        HealthCheckConfig: { Type: 'RECOVERY_CONTROL', RoutingControlArn: dnsSwitch.routingControls.primary },
      });
    } finally {
      sim.close();
    }
  });

  it('answers a CLOUDWATCH_METRIC health check with the switch alarm it follows', () => {
    const sim = startSim('region-outage', { plan: plan('example-alarm-dns.yml') });
    try {
      const id = primaryHealthCheck(sim);
      const dnsSwitch = sim.plan.dnsSwitch;
      if (dnsSwitch.method !== 'alarm-health-check') throw new Error('an alarm-health-check plan');
      expect(sim.world.route53.healthCheck(id)).toMatchObject({
        Id: id,
        HealthCheckConfig: {
          Type: 'CLOUDWATCH_METRIC',
          AlarmIdentifier: { Region: sim.plan.regions.standby, Name: dnsSwitch.alarmName },
        },
      });
    } finally {
      sim.close();
    }
  });

  it('still answers NoSuchHealthCheck for an id nothing created', () => {
    const sim = startSim('region-outage', { plan: plan('example-arc.yml') });
    try {
      expect(() => sim.world.route53.healthCheck('no-such-check')).toThrow(
        expect.objectContaining({ name: 'NoSuchHealthCheck' }),
      );
    } finally {
      sim.close();
    }
  });
});
