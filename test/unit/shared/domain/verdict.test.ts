import { recoveryVerdict, secondsOverBudget } from '../../../../shared/domain/verdict';

const within = { actualSeconds: 365, budgetSeconds: 900, withinBudget: true };
const rtoOver = { actualSeconds: 365.2, budgetSeconds: 60, withinBudget: false };
const rpoOver = { actualSeconds: 95, budgetSeconds: 60, withinBudget: false };

describe('recoveryVerdict', () => {
  it('says recovered within both budgets when neither was missed', () => {
    expect(recoveryVerdict({ rto: within, rpo: { ...within, actualSeconds: 2, budgetSeconds: 60 } })).toEqual({
      text: 'recovered within the RTO and RPO budgets',
      withinBudgets: true,
      rtoOverSeconds: 0,
      rpoOverSeconds: 0,
    });
  });

  it('names the seconds over the RTO budget, rounded up, when the RTO was missed', () => {
    expect(recoveryVerdict({ rto: rtoOver, rpo: { ...within, actualSeconds: 2, budgetSeconds: 60 } })).toMatchObject({
      text: 'recovered, 306 s over the RTO budget',
      withinBudgets: false,
      rtoOverSeconds: 306,
    });
  });

  it('names the seconds over the RPO budget when only the RPO was missed', () => {
    expect(recoveryVerdict({ rto: within, rpo: rpoOver })).toMatchObject({
      text: 'recovered, 35 s over the RPO budget',
      withinBudgets: false,
      rpoOverSeconds: 35,
    });
  });

  it('names both overruns when both budgets were missed', () => {
    expect(recoveryVerdict({ rto: rtoOver, rpo: rpoOver }).text).toBe(
      'recovered, 306 s over the RTO budget and 35 s over the RPO budget',
    );
  });

  it('claims only the budgets that were recorded', () => {
    expect(recoveryVerdict({ rto: within }).text).toBe('recovered within the RTO budget');
    expect(recoveryVerdict({}).text).toBe('recovered');
  });
});

describe('secondsOverBudget', () => {
  it('is 0 within budget or when nothing was recorded', () => {
    expect(secondsOverBudget(within)).toBe(0);
    expect(secondsOverBudget(undefined)).toBe(0);
  });
});
