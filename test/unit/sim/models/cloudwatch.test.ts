import type { BusEvent } from '../../../../sim/models/eventbridge';
import { startSim, T0 } from '../fixture';

interface AlarmDetail {
  alarmName: string;
  state: { value: string; reason: string; reasonData: string; timestamp: string };
  previousState: { value: string; timestamp: string };
  configuration: { metrics: { metricStat: { metric: { name: string; dimensions: Record<string, string> } } }[] };
}

const query = (namespace: string, name: string, dimensions: Record<string, string>, period = 60, stat = 'Minimum') => ({
  Id: 'q1',
  MetricStat: {
    Metric: {
      Namespace: namespace,
      MetricName: name,
      Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
    },
    Period: period,
    Stat: stat,
  },
});

describe('Alarms', () => {
  it('goes to ALARM at the end of the first period with an unhealthy datapoint when the primary goes down', async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      // Act
      await sim.advanceTo(600);

      // Assess
      const check = sim.world.healthChecks.of('us-east-1');
      const unhealthyAt = check.samples.find((s) => !s.healthy)?.atMs ?? 0;
      const periodEnd = Math.floor(unhealthyAt / 60_000) * 60_000 + 60_000;
      const transitions = sim.world.alarms.transitions();
      expect(transitions).toEqual([
        {
          alarmName: 'orders-primary-health',
          atMs: periodEnd,
          from: 'OK',
          to: 'ALARM',
          eventId: expect.any(String),
          startDateMs: periodEnd - 60_000,
        },
      ]);
    } finally {
      sim.close();
    }
  });

  it('emits a CloudWatch Alarm State Change event shaped like AWS when the alarm changes state', async () => {
    // Prepare
    const sim = startSim('region-outage');
    const received: { atMs: number; event: BusEvent }[] = [];
    sim.world.bus.subscribe(
      { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
      (event) => {
        received.push({ atMs: Date.now(), event });
      },
    );
    try {
      // Act
      await sim.advanceTo(600);

      // Assess
      const [transition] = sim.world.alarms.transitions();
      expect(received).toHaveLength(1);
      const { atMs, event } = received[0] ?? { atMs: 0, event: undefined };
      expect(atMs).toBe((transition?.atMs ?? 0) + 148);
      expect(event).toMatchObject({
        version: '0',
        id: transition?.eventId,
        'detail-type': 'CloudWatch Alarm State Change',
        source: 'aws.cloudwatch',
        account: '123456789012',
        region: 'us-east-1',
        resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-primary-health'],
      });
      expect(event?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const detail = event?.detail as AlarmDetail;
      expect(detail.alarmName).toBe('orders-primary-health');
      expect(detail.state.value).toBe('ALARM');
      expect(detail.previousState.value).toBe('OK');
      expect(detail.state.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      expect(detail.state.reason).toMatch(/^Threshold Crossed: 1 out of the last 1 datapoints \[0\.0 \(/);
      const reasonData = JSON.parse(detail.state.reasonData);
      const periodStart = new Date((transition?.atMs ?? 0) - 60_000).toISOString().replace('Z', '+0000');
      expect(reasonData).toMatchObject({
        version: '1.0',
        startDate: periodStart,
        statistic: 'Minimum',
        period: 60,
        threshold: 1,
        evaluatedDatapoints: [{ timestamp: periodStart, value: 0 }],
      });
      expect(detail.configuration.metrics[0]?.metricStat.metric).toEqual({
        namespace: 'AWS/Route53',
        name: 'HealthCheckStatus',
        dimensions: { HealthCheckId: sim.world.healthChecks.of('us-east-1').id },
      });
    } finally {
      sim.close();
    }
  });

  it('goes ALARM, OK, ALARM when the primary flaps', async () => {
    // Prepare
    const sim = startSim('flapping-health');
    try {
      // Act
      await sim.advanceTo(1200);

      // Assess
      expect(sim.world.alarms.transitions().map((t) => t.to)).toEqual(['ALARM', 'OK', 'ALARM']);
      const ok = sim.world.bus.events[1]?.event.detail as AlarmDetail;
      expect(ok.state.value).toBe('OK');
      expect(ok.previousState.value).toBe('ALARM');
    } finally {
      sim.close();
    }
  });

  it('describes the alarm in us-east-1 only when DescribeAlarms is asked', async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(300);

      // Act
      const east = sim.world.alarms.describe('us-east-1', ['orders-primary-health']);
      const west = sim.world.alarms.describe('us-west-2');

      // Assess
      expect(east).toHaveLength(1);
      expect(east[0]).toMatchObject({
        AlarmName: 'orders-primary-health',
        StateValue: 'ALARM',
        MetricName: 'HealthCheckStatus',
        Namespace: 'AWS/Route53',
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        Period: 60,
        EvaluationPeriods: 1,
      });
      expect(east[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
      expect(west).toEqual([]);
    } finally {
      sim.close();
    }
  });
});

describe('Metrics', () => {
  it('serves HealthCheckStatus per minute, newest first, when queried with GetMetricData', async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(300);
      const id = sim.world.healthChecks.of('us-east-1').id;

      // Act
      const result = sim.world.metrics.query(
        'us-east-1',
        query('AWS/Route53', 'HealthCheckStatus', { HealthCheckId: id }),
        T0 - 120_000,
        T0 + 300_000,
        sim.clock.now(),
      );

      // Assess
      expect(result.Id).toBe('q1');
      expect(result.StatusCode).toBe('Complete');
      expect(result.Timestamps?.map((t) => (t.getTime() - T0) / 60_000)).toEqual([4, 3, 2, 1, 0, -1, -2]);
      expect(result.Values).toEqual([0, 0, 0, 1, 1, 1, 1]);
    } finally {
      sim.close();
    }
  });

  it('aggregates by the statistic over longer periods and ascends when asked', async () => {
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(600);
      const id = sim.world.healthChecks.of('us-east-1').id;

      const result = sim.world.metrics.query(
        'us-east-1',
        query('AWS/Route53', 'HealthCheckStatus', { HealthCheckId: id }, 300, 'Minimum'),
        T0,
        T0 + 600_000,
        sim.clock.now(),
        true,
      );

      expect(result.Timestamps?.map((t) => t.getTime() - T0)).toEqual([0, 300_000]);
      expect(result.Values).toEqual([0, 0]);
    } finally {
      sim.close();
    }
  });

  it('freezes ReplicaLag at its last value when the primary region goes down', async () => {
    // Prepare
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(900);

      // Act
      const result = sim.world.metrics.query(
        'us-west-2',
        query('AWS/RDS', 'ReplicaLag', { DBInstanceIdentifier: 'orders-db-replica' }, 60, 'Maximum'),
        T0 - 600_000,
        T0 + 900_000,
        sim.clock.now(),
      );

      // Assess
      const values = result.Values ?? [];
      expect(values).toHaveLength(25);
      for (const value of values) {
        expect(value).toBeGreaterThanOrEqual(1);
        expect(value).toBeLessThanOrEqual(3);
      }
      const lastBeforeOutage = values[values.length - 1 - 10];
      expect(values.slice(0, 14)).toEqual(Array(14).fill(lastBeforeOutage));
    } finally {
      sim.close();
    }
  });

  it('reports AuroraGlobalDBRPOLag in milliseconds for the secondary only', async () => {
    const sim = startSim('region-outage');
    try {
      await sim.advanceTo(120);

      const secondary = sim.world.metrics.query(
        'us-west-2',
        query('AWS/RDS', 'AuroraGlobalDBRPOLag', { DBClusterIdentifier: 'catalog-west' }, 60, 'Maximum'),
        T0 - 300_000,
        T0,
        sim.clock.now(),
      );
      const writer = sim.world.metrics.query(
        'us-east-1',
        query('AWS/RDS', 'AuroraGlobalDBRPOLag', { DBClusterIdentifier: 'catalog-east' }, 60, 'Maximum'),
        T0 - 300_000,
        T0,
        sim.clock.now(),
      );

      expect(secondary.Values).toHaveLength(5);
      for (const value of secondary.Values ?? []) {
        expect(value).toBeGreaterThanOrEqual(100);
        expect(value).toBeLessThan(1000);
      }
      expect(writer.Values).toEqual([]);
    } finally {
      sim.close();
    }
  });

  it('answers an empty result when the series does not exist', () => {
    const sim = startSim('region-outage');
    try {
      const result = sim.world.metrics.query(
        'us-west-2',
        query('AWS/RDS', 'ReplicaLag', { DBInstanceIdentifier: 'no-such-db' }),
        T0 - 600_000,
        T0,
        sim.clock.now(),
      );
      expect(result).toMatchObject({ Id: 'q1', Timestamps: [], Values: [], StatusCode: 'Complete' });
    } finally {
      sim.close();
    }
  });
});
