import { DEFAULT_TIMING, resolveTiming } from '../../../sim/timing';

describe('resolveTiming', () => {
  it('returns the published defaults when nothing is overridden', () => {
    // Act
    const timing = resolveTiming();

    // Assess
    expect(timing.healthCheck).toEqual({
      intervalSeconds: 30,
      failureThreshold: 3,
      healthyCheckerShare: 0.18,
      checkerCount: 8,
    });
    expect(timing.alarm.periodSeconds).toBe(60);
    expect(timing.events.deliveryMs).toBe(148);
    expect(timing.stepFunctions.stepLatencyMs).toBe(142);
    expect(timing.rds.promoteSeconds).toBe(240);
    expect(timing.aurora.failoverSeconds).toBe(120);
    expect(timing.aurora.switchoverSeconds).toBe(150);
    expect(timing.route53.changeInSyncSeconds).toBe(60);
  });

  it('applies an override and keeps the other fields when one field is given', () => {
    // Act
    const timing = resolveTiming({ healthCheck: { intervalSeconds: 10 } });

    // Assess
    expect(timing.healthCheck.intervalSeconds).toBe(10);
    expect(timing.healthCheck.failureThreshold).toBe(3);
    expect(DEFAULT_TIMING.healthCheck.intervalSeconds).toBe(30);
  });

  it('names the field when an override is unknown or not a number', () => {
    expect(() => resolveTiming({ rds: { promoteSecs: 1 } as never })).toThrow(
      /timing\.rds\.promoteSecs is not a timing field/,
    );
    expect(() => resolveTiming({ dns: {} } as never)).toThrow(/timing\.dns is not a timing group/);
    expect(() => resolveTiming({ route53: { changeInSyncSeconds: -1 } })).toThrow(
      /timing\.route53\.changeInSyncSeconds must be a number >= 0/,
    );
    expect(() => resolveTiming({ healthCheck: { failureThreshold: 0 } })).toThrow(/failureThreshold/);
  });
});
