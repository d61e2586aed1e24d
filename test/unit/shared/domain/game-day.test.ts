import { gameDayLegs, gameDayOutcome, legsToStart } from '../../../../shared/domain/game-day';
import { ordersPlan, ordersPlanInput } from '../../../support/plan-fixtures';

const GAME = { incidentId: 'orders-gd-1', mode: 'live' as const, reason: 'Q4 game day', requestedBy: 'alice' };

describe('gameDayLegs', () => {
  it('re-protects the other way after the failback when the plan has an RDS database', () => {
    // Act
    const legs = gameDayLegs(ordersPlan(), GAME);

    // Assess
    expect(legs.map((leg) => `${leg.name} ${leg.mode} ${leg.waitSeconds}`)).toEqual([
      'orders-gd-1-1-failover game-day 0',
      'orders-gd-1-2-fence live 600',
      'orders-gd-1-3-reprotect live 0',
      'orders-gd-1-4-failback game-day 0',
      'orders-gd-1-5-fence live 0',
      'orders-gd-1-6-reprotect live 0',
    ]);
    expect(legs[1]?.input).toMatchObject({ action: 'fence', incidentId: 'orders-gd-1-2-fence', requestedBy: 'alice' });
  });

  it('ends with the failback for Aurora databases only, and waits the window the plan gives', () => {
    // Prepare
    const input = ordersPlanInput();
    const plan = ordersPlan({
      databases: input.databases.filter((db) => db.kind === 'aurora-global') as typeof input.databases,
      gameDay: { verificationWindowSeconds: 1800 },
    });

    // Act
    const legs = gameDayLegs(plan, GAME);

    // Assess
    expect(legs.map((leg) => leg.action)).toEqual(['failover', 'fence', 'reprotect', 'failback']);
    expect(legs[1]?.waitSeconds).toBe(1800);
  });

  it('starts only the failover, as a dry run, in a dry run', () => {
    // Act
    const legs = gameDayLegs(ordersPlan(), { ...GAME, mode: 'dry-run' });

    // Assess
    expect(legs.every((leg) => leg.mode === 'dry-run')).toBe(true);
    expect(legsToStart(legs, 'dry-run').map((leg) => leg.action)).toEqual(['failover']);
  });
});

describe('gameDayOutcome', () => {
  it('is recovered when every started leg did its work, blocked when none ran, failed when one failed', () => {
    // Prepare
    const leg = (outcome: 'recovered' | 'skipped' | 'failed' | 'not-started') => ({
      action: 'fence' as const,
      incidentId: 'x',
      outcome,
    });

    // Act & Assess
    expect(gameDayOutcome([leg('recovered'), leg('skipped')], 2)).toBe('recovered');
    expect(gameDayOutcome([leg('not-started')], 1)).toBe('blocked');
    expect(gameDayOutcome([leg('recovered'), leg('failed')], 2)).toBe('failed');
    expect(gameDayOutcome([leg('recovered'), leg('not-started')], 2)).toBe('blocked');
  });
});
