import { functionTimeoutSeconds } from '../../../sim/serverless-config';

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
