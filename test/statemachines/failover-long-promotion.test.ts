import { join } from 'node:path';
import { LONG_PROMOTION_DATABASES, runLongPromotion, TARGET_HISTORY_EVENTS } from '../../bench/long-promotion';

/**
 * The failover ASL (statemachines/failover.asl.json) on a long incident, in a drill: the real state machine and
 * handlers against the simulator on the virtual clock, with 10 databases whose promotions take 60 minutes and a
 * DNS change that takes 15 minutes to reach INSYNC (bench/long-promotion.ts, the bench's `long-promotion` section).
 * A Standard execution holds 25,000 history events; the run must stay within a quarter of that, and its polling
 * must not add more than 2% to the RTO over the critical-path bound.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');

describe('failover state machine with 60-minute promotions', () => {
  it('recovers 10 databases within 6,250 history events and 2% of the critical-path bound when promotions take an hour', async () => {
    // Act
    const result = await runLongPromotion(PLAN);

    // Assess: it really waited for the hour-long promotions and the 15-minute DNS change
    const { report } = result;
    expect(report.outcome).toBe('recovered');
    expect(report.criticalPath?.lowerBoundSeconds).toBeGreaterThanOrEqual(3600 + 900);
    const entered = (state: string) => report.timeline.filter((t) => t.state === state && t.event === 'entered').length;
    expect(entered('Start Promotion')).toBe(LONG_PROMOTION_DATABASES);
    // Assess: bounded history, polls that do not grow with the number of databases, and a small overshoot
    expect(result.historyEvents).toBeLessThanOrEqual(TARGET_HISTORY_EVENTS);
    expect(entered('Check Promotions')).toBeLessThan(400);
    expect(result.rtoRatio).not.toBeNull();
    expect(result.rtoRatio as number).toBeLessThanOrEqual(1.02);
  }, 600_000);
});
