import { functionTimeoutSeconds, statusChangeRoute } from '../../../sim/serverless-config';

describe('functionTimeoutSeconds (the local Lambda reads serverless.yml)', () => {
  it("gives a function the timeout serverless.yml sets for it, else the provider's", () => {
    // Act
    const timeouts = Object.fromEntries(
      ['notify', 'probe-primary', 'readiness', 'validate-restore', 'assess', 'promote-database', 'a-test-handler'].map(
        (name) => [name, functionTimeoutSeconds(name)],
      ),
    );

    // Assess: as serverless.yml writes them (notify, probe-primary, readiness and validate-restore set their own)
    expect(timeouts).toEqual({
      notify: 20,
      'probe-primary': 20,
      readiness: 60,
      'validate-restore': 890,
      assess: 30,
      'promote-database': 30,
      'a-test-handler': 30,
    });
  });
});

describe('statusChangeRoute (whom serverless.yml tells that an execution ended)', () => {
  it('routes the ends of every runbook, the game day and the restore test included, to on-run-failed', () => {
    // Act
    const routes = Object.fromEntries(
      ['failover', 'fence', 'reprotect', 'failback', 'game-day', 'restore-test'].map((name) => [
        name,
        statusChangeRoute(name),
      ]),
    );

    // Assess: a game day that stops at a leg is recorded failed, with its redrive, as every runbook is; a restore test
    // that ends before recording a database's test records it failed
    const onRunFailed = { target: 'on-run-failed', statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'] };
    expect(routes).toEqual({
      failover: onRunFailed,
      fence: onRunFailed,
      reprotect: onRunFailed,
      failback: onRunFailed,
      'game-day': onRunFailed,
      'restore-test': onRunFailed,
    });
  });

  it('routes no state machine serverless.yml does not define: a drill then delivers nothing for it', () => {
    // Act, Assess
    expect(statusChangeRoute('not-a-state-machine')).toBeUndefined();
  });
});
