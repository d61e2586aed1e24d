import { PlanValidationError } from '../../../../shared/errors';
import { parsePlan } from '../../../../shared/plan/load';
import { ordersPlanInput } from '../../../support/plan-fixtures';

/** The orders plan with `fence` on its record, of the given type. */
const withFence = (fence: unknown, type = 'CNAME') => {
  const input = ordersPlanInput();
  const [zone] = input.dns;
  const [record] = zone?.records ?? [];
  return { ...input, dns: [{ ...zone, records: [{ ...record, type, fence }] }] };
};

const issues = (input: unknown) => {
  try {
    parsePlan(input, 'orders.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a PlanValidationError');
};

describe('dns[].records[].fence', () => {
  it('accepts a maintenance target that suits the record type, and fences during the failover by default', () => {
    // Act
    const plan = parsePlan(withFence({ method: 'maintenance-target', value: 'maintenance.example.com' }), 'orders.yml');

    // Assess
    expect(plan.dns[0]?.records[0]?.fence).toEqual({ method: 'maintenance-target', value: 'maintenance.example.com' });
    expect(plan.fence).toEqual({ duringFailover: true });
  });

  it('accepts an IPv4 address for an A record', () => {
    expect(() =>
      parsePlan(withFence({ method: 'maintenance-target', value: '192.0.2.10' }, 'A'), 'o.yml'),
    ).not.toThrow();
  });

  it('names the value when it does not suit the record type', () => {
    expect(issues(withFence({ method: 'maintenance-target', value: 'maintenance.example.com' }, 'A'))).toEqual([
      {
        path: 'dns[0].records[0].fence.value',
        message: expect.stringContaining('an IPv4 address for A'),
      },
    ]);
  });

  it('names the method when it is not one Switchback knows', () => {
    expect(issues(withFence({ method: 'delete-record', value: 'x.example.com' }))).toEqual([
      { path: 'dns[0].records[0].fence.method', message: expect.stringContaining('maintenance-target') },
    ]);
  });

  it('names fence.duringFailover when it is not a boolean', () => {
    expect(issues({ ...ordersPlanInput(), fence: { duringFailover: 'yes' } })).toEqual([
      { path: 'fence.duringFailover', message: 'expected true or false' },
    ]);
  });
});

describe('dns[].records[].fence methods and the DNS switch', () => {
  const arcSwitch = {
    method: 'arc-routing-control',
    clusterEndpoints: [
      { region: 'us-west-2', url: 'https://host-a.us-west-2.example.aws/v1' },
      { region: 'eu-west-1', url: 'https://host-b.eu-west-1.example.aws/v1' },
    ],
    routingControls: {
      primary: 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol/east0a1b',
      standby: 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol/west0a1b',
    },
  };
  const inverted = {
    method: 'health-check-inverted',
    primaryHealthCheckId: '3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d',
    standbyHealthCheckId: '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d',
  };

  it('accepts routing-control-off on an ARC plan', () => {
    // Act
    const plan = parsePlan({ ...withFence({ method: 'routing-control-off' }), dnsSwitch: arcSwitch }, 'o.yml');

    // Assess
    expect(plan.dns[0]?.records[0]?.fence).toEqual({ method: 'routing-control-off' });
  });

  it('refuses routing-control-off on a plan that does not switch DNS with ARC, naming the field and the fix', () => {
    expect(issues(withFence({ method: 'routing-control-off' }))).toEqual([
      {
        path: 'dns[0].records[0].fence.method',
        message: expect.stringContaining('"routing-control-off" needs dnsSwitch.method "arc-routing-control"'),
      },
    ]);
  });

  it('accepts health-check-inverted with both health checks on a route53-records plan', () => {
    // Act
    const plan = parsePlan(withFence(inverted), 'o.yml');

    // Assess
    expect(plan.dns[0]?.records[0]?.fence).toEqual(inverted);
  });

  it('refuses health-check-inverted on an ARC plan: inverting the routing control health check would bring the old region back', () => {
    expect(issues({ ...withFence(inverted), dnsSwitch: arcSwitch })).toEqual([
      {
        path: 'dns[0].records[0].fence.method',
        message: expect.stringContaining('use "routing-control-off"'),
      },
    ]);
  });

  it('names a health check id that is not one', () => {
    expect(issues(withFence({ ...inverted, standbyHealthCheckId: 'hc-west' }))).toEqual([
      {
        path: 'dns[0].records[0].fence.standbyHealthCheckId',
        message: expect.stringContaining('not a Route 53 health check id'),
      },
    ]);
  });

  it('names the missing health check of a region', () => {
    const { standbyHealthCheckId: _missing, ...primaryOnly } = inverted;
    expect(issues(withFence(primaryOnly))).toEqual([
      {
        path: 'dns[0].records[0].fence.standbyHealthCheckId',
        message: expect.stringContaining("expected the id of the standby region record's health check"),
      },
    ]);
  });
});
