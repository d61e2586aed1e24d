import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/check-promotion';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';
import { ordersDbItem, ordersDbPromotion, ordersRun } from '../../support/resource-fixtures';

process.env.AWS_REGION = 'us-west-2';

const rds = mockClient(RDSClient);
const context = lambdaContext('check-promotion');

describe('check-promotion handler', () => {
  beforeEach(() => {
    rds.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
  });

  afterAll(() => {
    setPlans(undefined);
  });

  it('returns the promotion as writable when the promoted instance is available and standalone', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'orders-db-replica', DBInstanceStatus: 'available', BackupRetentionPeriod: 7 },
      ],
    });
    const promotion = ordersDbPromotion({ writable: false, status: 'rebooting', writableAt: undefined });

    // Act
    const result = await handler({ run: ordersRun(), database: ordersDbItem(), promotion }, context);

    // Assess
    expect(result).toMatchObject({ databaseId: 'orders-db', writable: true, status: 'available' });
    expect(result.writableAt).toEqual(expect.any(String));
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db-replica' });
  });
});
