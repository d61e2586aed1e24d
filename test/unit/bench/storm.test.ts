import { generateStorm, type StormResult, stormReport } from '../../../bench/storm';

const now = new Date('2026-11-25T03:30:00.000Z');
const storm = () => generateStorm({ seed: 7, count: 2000, now, alarmName: 'orders-primary-health' });

const result = (overrides: Partial<StormResult> = {}): StormResult => ({
  concurrency: 1,
  memo: true,
  deliveries: 10_000,
  duplicates: 9_700,
  outOfOrder: 270,
  byKind: { plan: 9_244, 'unknown-alarm': 495, malformed: 261 },
  byStatus: { started: 1 },
  executions: 1,
  calls: { 'DynamoDBClient.PutItemCommand': 30 },
  totalCalls: 30,
  duplicateCalls: 12,
  maxCallsPerDuplicate: 1,
  wallMs: 1_000,
  cpuMs: 500,
  ...overrides,
});

describe('generateStorm', () => {
  it('gives the same deliveries in the same order for the same seed', () => {
    // Act / Assess
    expect(JSON.stringify(storm())).toBe(JSON.stringify(storm()));
  });

  it('mixes duplicates, out-of-order deliveries, flaps, unknown alarms and malformed events', () => {
    // Act
    const deliveries = storm();

    // Assess
    expect(deliveries).toHaveLength(2000);
    const kinds = new Set(deliveries.map((delivery) => delivery.kind));
    expect(kinds).toEqual(new Set(['plan', 'unknown-alarm', 'malformed']));
    expect(deliveries.filter((delivery) => delivery.duplicate).length).toBeGreaterThan(1000);
    expect(deliveries.some((delivery) => delivery.outOfOrder)).toBe(true);
    const intoAlarm = new Set(
      deliveries
        .filter((delivery) => delivery.kind === 'plan' && delivery.stateChange?.includes('|ALARM|'))
        .map((delivery) => delivery.stateChange),
    );
    expect(intoAlarm.size).toBe(6);
  });

  it('delivers every repeat of a state change as the same event', () => {
    // Act
    const deliveries = storm().filter((delivery) => delivery.kind === 'plan');

    // Assess
    const first = new Map<string, string>();
    for (const delivery of deliveries) {
      const json = JSON.stringify(delivery.event);
      const key = delivery.stateChange ?? '';
      if (!first.has(key)) first.set(key, json);
      expect(json).toBe(first.get(key));
    }
  });
});

describe('stormReport', () => {
  it('prints no events/s target for a run with no container memory', () => {
    // Act
    const lines = stormReport([result({ memo: false, concurrency: 50, wallMs: 62_965 })]);

    // Assess
    expect(lines[0]).toContain('every delivery a new container (no memory)');
    expect(lines.some((line) => line.includes('target events/s'))).toBe(false);
    expect(lines).toContain('  events/s 159 (no target: every delivery waits on a conditional put to dynalite)');
  });

  it('prints met target lines when one execution, at most one call per duplicate and 5,000 events/s are reached', () => {
    // Act
    const lines = stormReport([result({ wallMs: 1_000 })]);

    // Assess
    expect(lines).toContain('  target executions == 1: met (1)');
    expect(lines).toContain('  target calls per duplicate <= 1: met (at most 1, mean 0.00)');
    expect(lines).toContain('  target events/s >= 5000: met (10000)');
  });

  it('prints NOT MET with the measured value when a target is missed', () => {
    // Act
    const lines = stormReport([
      result({ concurrency: 50, executions: 6, maxCallsPerDuplicate: 3, duplicateCalls: 13_861, wallMs: 88_397 }),
    ]);

    // Assess
    expect(lines[0]).toMatch(/^alarm storm, 50 in flight: 10000 deliveries/);
    expect(lines).toContain('  target executions == 1: NOT MET (6)');
    expect(lines).toContain('  target calls per duplicate <= 1: NOT MET (at most 3, mean 1.43)');
    expect(lines).toContain('  target events/s >= 5000: NOT MET (113)');
  });
});
