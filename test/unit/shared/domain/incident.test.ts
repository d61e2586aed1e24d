import { impactStartedAt, incidentIdFor, parseAlarmTime } from '../../../../shared/domain/incident';

const reasonData = (data: object) => JSON.stringify(data);

describe('incidentIdFor', () => {
  it('gives the same id when the same alarm transition is delivered twice', () => {
    // Prepare
    const timestamp = '2026-11-25T03:04:05.678+0000';

    // Act
    const first = incidentIdFor('orders', 'orders-primary-health', timestamp);
    const second = incidentIdFor('orders', 'orders-primary-health', timestamp);

    // Assess
    expect(first).toBe(second);
    expect(first).toMatch(/^orders-20261125T030405Z-[0-9a-f]{8}$/);
  });

  it('gives different ids when the alarm or the transition time differ', () => {
    // Act
    const ids = new Set([
      incidentIdFor('orders', 'orders-primary-health', '2026-11-25T03:04:05.678+0000'),
      incidentIdFor('orders', 'orders-primary-health', '2026-11-25T03:04:05.679+0000'),
      incidentIdFor('orders', 'orders-other-alarm', '2026-11-25T03:04:05.678+0000'),
    ]);

    // Assess
    expect(ids.size).toBe(3);
  });

  it('stays within 80 characters of [A-Za-z0-9-_] when the app name is long', () => {
    // Prepare
    const app = `a${'b'.repeat(62)}`;

    // Act
    const id = incidentIdFor(app, 'alarm', '2026-11-25T03:04:05Z');

    // Assess
    expect(id.length).toBeLessThanOrEqual(80);
    expect(id).toMatch(/^[A-Za-z0-9_-]+-20261125T030405Z-[0-9a-f]{8}$/);
  });

  it('throws when the state timestamp is not a time', () => {
    // Act / Assess
    expect(() => incidentIdFor('orders', 'alarm', 'yesterday-ish')).toThrow(/not a time/);
  });
});

describe('parseAlarmTime', () => {
  it('reads CloudWatch offsets without a colon when given one', () => {
    // Act / Assess
    expect(parseAlarmTime('2026-11-25T03:04:05.000+0000')?.toISOString()).toBe('2026-11-25T03:04:05.000Z');
    expect(parseAlarmTime('2026-11-25T05:04:05.000+0200')?.toISOString()).toBe('2026-11-25T03:04:05.000Z');
    expect(parseAlarmTime('not a time')).toBeUndefined();
  });

  it('answers a time it read before with a Date of its own when a caller changed the one it got', () => {
    // Prepare: the intake remembers each time it parsed (a storm repeats a few thousand times)
    const time = '2026-11-25T03:04:05.000+0000';
    const first = parseAlarmTime(time);
    first?.setFullYear(1999);

    // Act
    const again = parseAlarmTime(time);

    // Assess
    expect(again?.toISOString()).toBe('2026-11-25T03:04:05.000Z');
    expect(again).not.toBe(first);
  });

  it('still reads every time right after more distinct times than it remembers', () => {
    // Prepare: past its bound the memory starts over
    const times = Array.from({ length: 3000 }, (_, second) => new Date(Date.UTC(2026, 10, 25, 3, 0, second)));

    // Act
    const read = times.map((at) => parseAlarmTime(at.toISOString().replace('Z', '+0000'))?.getTime());
    const readAgain = parseAlarmTime(times[0]?.toISOString() ?? '')?.getTime();

    // Assess
    expect(read).toEqual(times.map((at) => at.getTime()));
    expect(readAgain).toBe(times[0]?.getTime());
  });
});

describe('impactStartedAt', () => {
  it('returns the earliest evaluated datapoint when reasonData lists several', () => {
    // Prepare
    const state = {
      timestamp: '2026-11-25T03:05:10.000+0000',
      reasonData: reasonData({
        version: '1.0',
        startDate: '2026-11-25T03:03:00.000+0000',
        evaluatedDatapoints: [
          { timestamp: '2026-11-25T03:04:00.000+0000', value: 0 },
          { timestamp: '2026-11-25T03:02:00.000+0000', value: 0 },
        ],
      }),
    };

    // Act
    const started = impactStartedAt(state);

    // Assess
    expect(started).toBe('2026-11-25T03:02:00.000Z');
  });

  it('returns startDate when there are no evaluated datapoints', () => {
    // Act
    const started = impactStartedAt({
      timestamp: '2026-11-25T03:05:10.000+0000',
      reasonData: reasonData({ startDate: '2026-11-25T03:03:30.000+0000' }),
    });

    // Assess
    expect(started).toBe('2026-11-25T03:03:30.000Z');
  });

  it('falls back to the state timestamp when reasonData is missing or not JSON', () => {
    // Act / Assess
    expect(impactStartedAt({ timestamp: '2026-11-25T03:05:10.000+0000' })).toBe('2026-11-25T03:05:10.000Z');
    expect(impactStartedAt({ timestamp: '2026-11-25T03:05:10.000+0000', reasonData: '{not json' })).toBe(
      '2026-11-25T03:05:10.000Z',
    );
  });

  it('ignores datapoints after the state change or more than a day before it', () => {
    // Act
    const started = impactStartedAt({
      timestamp: '2026-11-25T03:05:10.000+0000',
      reasonData: reasonData({
        evaluatedDatapoints: [
          { timestamp: '2026-11-25T03:06:00.000+0000' },
          { timestamp: '2026-11-20T03:00:00.000+0000' },
          { timestamp: '2026-11-25T03:04:00.000+0000' },
        ],
      }),
    });

    // Assess
    expect(started).toBe('2026-11-25T03:04:00.000Z');
  });
});
