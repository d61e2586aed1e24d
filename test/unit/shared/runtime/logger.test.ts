import { appendRunKeys, logger } from '../../../../shared/runtime/logger';

const RUN = {
  plan: 'orders',
  incidentId: 'orders-live-1',
  executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:orders-live-1',
};

describe('appendRunKeys', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("appends the run's plan, incident and execution to the invocation's log keys", () => {
    // Prepare
    const appendKeys = jest.spyOn(logger, 'appendKeys');

    // Act
    appendRunKeys({ ...RUN, epoch: 3 } as typeof RUN);

    // Assess
    expect(appendKeys).toHaveBeenCalledWith(RUN);
  });

  it('appends the extra keys it is given, such as the database', () => {
    // Prepare
    const appendKeys = jest.spyOn(logger, 'appendKeys');

    // Act
    appendRunKeys(RUN, { database: 'orders-db' });

    // Assess
    expect(appendKeys).toHaveBeenCalledWith({ ...RUN, database: 'orders-db' });
  });
});
