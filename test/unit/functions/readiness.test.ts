import { handler } from '../../../functions/readiness';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';

process.env.AWS_REGION = 'us-west-2';

const context = lambdaContext('readiness');

describe('readiness handler', () => {
  beforeEach(() => {
    setPlans(new PlanRegistry([ordersPlan()]));
  });

  it('refuses a schedule input without a plan, naming the field', async () => {
    // Act
    const result = handler({ plans: 'orders' }, context);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'MalformedEventError',
      message: expect.stringContaining('plan'),
    });
  });

  it('refuses a plan this deployment does not have, naming it', async () => {
    // Act
    const result = handler({ plan: 'payments' }, context);

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'PlanNotFoundError',
      message: expect.stringContaining('payments'),
    });
  });
});
