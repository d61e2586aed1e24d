import 'aws-sdk-client-mock-jest';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/check-promotion';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';
import { catalogPromotion, ordersDbPromotion, ordersRun } from '../../support/resource-fixtures';

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

  it('returns every promotion writable when the promoted instance is available and standalone', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'orders-db-replica', DBInstanceStatus: 'available', BackupRetentionPeriod: 7 },
      ],
    });
    const promotion = ordersDbPromotion({ writable: false, status: 'rebooting', writableAt: undefined });

    // Act
    const result = await handler({ run: ordersRun(), promotions: [promotion, catalogPromotion()] }, context);

    // Assess
    expect(result.writable).toBe(true);
    expect(result.databases[0]).toMatchObject({ databaseId: 'orders-db', writable: true, status: 'available' });
    expect(result.databases[0]?.writableAt).toEqual(expect.any(String));
    expect(result.databases[1]).toEqual(catalogPromotion());
    // The catalog was already writable: only the pending database is read.
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1);
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-db-replica' });
  });

  it('returns not writable and the next wait when one promotion is still rebooting', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'orders-db-replica', DBInstanceStatus: 'rebooting', BackupRetentionPeriod: 7 },
      ],
    });
    const promotion = ordersDbPromotion({ writable: false, status: 'modifying', writableAt: undefined });

    // Act
    const result = await handler({ run: ordersRun(), promotions: [catalogPromotion(), promotion] }, context);

    // Assess
    expect(result).toMatchObject({ writable: false, pollSeconds: expect.any(Number) });
    expect(result.databases[1]).toMatchObject({ databaseId: 'orders-db', writable: false, status: 'rebooting' });
  });

  it('names the field when the payload has no promotions', async () => {
    // Act
    const act = handler({ run: ordersRun(), promotions: [] }, context);

    // Assess
    await expect(act).rejects.toThrow(/promotions/);
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 0);
  });
});
