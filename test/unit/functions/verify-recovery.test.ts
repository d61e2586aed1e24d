import 'aws-sdk-client-mock-jest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeDBClusterAutomatedBackupsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/verify-recovery';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { acceptEvents, lambdaContext } from '../../support/lambda';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN, ordersPlan } from '../../support/plan-fixtures';
import { catalogPromotion, ordersAssessment, ordersDbPromotion, ordersRun } from '../../support/resource-fixtures';

process.env.AWS_REGION = 'us-west-2';

const rds = mockClient(RDSClient);
const eventbridge = mockClient(EventBridgeClient);
const context = lambdaContext('verify-recovery');

describe('verify-recovery handler', () => {
  beforeEach(() => {
    rds.reset();
    eventbridge.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    acceptEvents(eventbridge);
  });

  afterAll(() => {
    setPlans(undefined);
  });

  it('returns the checks without warnings when the new primaries are writable and their copies fresh', async () => {
    // Prepare
    const recent = new Date(Date.now() - 60_000);
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({
        DBInstances: [
          {
            DBInstanceIdentifier: 'orders-db-replica',
            DBInstanceArn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
            DBInstanceStatus: 'available',
            BackupRetentionPeriod: 7,
            LatestRestorableTime: recent,
          },
        ],
      })
      .on(DescribeGlobalClustersCommand)
      .resolves({
        GlobalClusters: [
          {
            GlobalClusterIdentifier: 'catalog-global',
            GlobalClusterMembers: [
              { DBClusterArn: CATALOG_EAST_ARN, IsWriter: false },
              { DBClusterArn: CATALOG_WEST_ARN, IsWriter: true },
            ],
          },
        ],
      })
      .on(DescribeDBClustersCommand)
      .resolves({
        DBClusters: [
          {
            DBClusterIdentifier: 'catalog-west',
            DBClusterArn: CATALOG_WEST_ARN,
            Status: 'available',
            BackupRetentionPeriod: 1,
            LatestRestorableTime: recent,
          },
        ],
      })
      .on(DescribeDBInstanceAutomatedBackupsCommand)
      .resolves({
        DBInstanceAutomatedBackups: [
          { DBInstanceArn: ORDERS_PRIMARY_ARN, RestoreWindow: { LatestTime: new Date('2026-11-25T02:59:00.000Z') } },
        ],
      })
      .on(DescribeDBClusterAutomatedBackupsCommand)
      .resolves({ DBClusterAutomatedBackups: [] });

    // Act
    const result = await handler(
      { run: ordersRun(), assessment: ordersAssessment(), promotions: [ordersDbPromotion(), catalogPromotion()] },
      context,
    );

    // Assess
    expect(result.checks.filter((c) => c.name.endsWith('writable')).map((c) => c.ok)).toEqual([true, true]);
    // The Aurora secondary was the global database's cross-region copy: no replicated backup is needed for it.
    expect(result.warnings).toEqual([]);
    expect(result.checks.filter((c) => c.name.endsWith('cross-region copy')).map((c) => c.ok)).toEqual([true, true]);
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, {
      Filters: [{ Name: 'db-instance-id', Values: [ORDERS_PRIMARY_ARN] }],
    });
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
  });
});
