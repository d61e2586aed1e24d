import 'aws-sdk-client-mock-jest';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/promote-database';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { holdLock, lambdaContext } from '../../support/lambda';
import { ORDERS_PRIMARY_ARN, ordersPlan } from '../../support/plan-fixtures';
import { ordersDbItem, ordersRun } from '../../support/resource-fixtures';

process.env.AWS_REGION = 'us-west-2';

const rds = mockClient(RDSClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const context = lambdaContext('promote-database');

describe('promote-database handler', () => {
  beforeEach(() => {
    rds.reset();
    dynamo.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    holdLock(dynamo, ordersRun());
  });

  afterAll(() => {
    setPlans(undefined);
  });

  it('promotes the replica of the database item and returns a PromotionResult', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'orders-db-replica',
          DBInstanceStatus: 'available',
          ReadReplicaSourceDBInstanceIdentifier: ORDERS_PRIMARY_ARN,
          BackupRetentionPeriod: 5,
        },
      ],
    });
    rds.on(PromoteReadReplicaCommand).resolves({});

    // Act
    const result = await handler({ run: ordersRun(), database: ordersDbItem() }, context);

    // Assess
    expect(rds).toHaveReceivedCommandWith(PromoteReadReplicaCommand, {
      DBInstanceIdentifier: 'orders-db-replica',
      BackupRetentionPeriod: 5,
    });
    expect(result).toMatchObject({
      databaseId: 'orders-db',
      writable: false,
      pollSeconds: 2,
      newPrimary: { region: 'us-west-2', identifier: 'orders-db-replica' },
      actions: [{ operation: 'PromoteReadReplica', dryRun: false }],
    });
  });

  it('throws MalformedEventError naming the field when the payload has no database', async () => {
    // Act
    const act = handler({ run: ordersRun() } as never, context);

    // Assess
    await expect(act).rejects.toMatchObject({
      name: 'MalformedEventError',
      message: expect.stringContaining('database'),
    });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
  });
});
