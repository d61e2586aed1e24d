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
import { GetHealthCheckStatusCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/verify-recovery';
import { resetDnsAnswers, useDnsAnswers } from '../../../shared/aws/dns-answers';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { acceptEvents, lambdaContext } from '../../support/lambda';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN, ordersPlan } from '../../support/plan-fixtures';
import { catalogPromotion, ordersAssessment, ordersDbPromotion, ordersRun } from '../../support/resource-fixtures';

process.env.AWS_REGION = 'us-west-2';

const rds = mockClient(RDSClient);
const eventbridge = mockClient(EventBridgeClient);
const route53 = mockClient(Route53Client);
/** What the zone's name servers answer, per `name TYPE`. */
const answers = new Map<string, string[]>();
const context = lambdaContext('verify-recovery');

describe('verify-recovery handler', () => {
  beforeEach(() => {
    rds.reset();
    eventbridge.reset();
    route53.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    acceptEvents(eventbridge);
    // The records after the flip: us-west-2's PRIMARY, and DNS answering it; all 8 checkers reach its endpoint.
    route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: ['us-east-1', 'us-west-2'].map((region) => ({
        Name: 'api.orders.example.com.',
        Type: 'CNAME',
        SetIdentifier: `api-${region}`,
        Failover: region === 'us-west-2' ? 'PRIMARY' : 'SECONDARY',
        TTL: 60,
        ResourceRecords: [{ Value: `api.${region}.orders.example.com` }],
        HealthCheckId: `hc-${region}`,
      })),
      IsTruncated: false,
    });
    route53.on(GetHealthCheckStatusCommand).resolves({
      HealthCheckObservations: Array.from({ length: 8 }, () => ({ StatusReport: { Status: 'Success: HTTP 200' } })),
    });
    answers.clear();
    answers.set('api.orders.example.com CNAME', ['api.us-west-2.orders.example.com']);
    useDnsAnswers({ answer: async (name, type) => answers.get(`${name} ${type}`) ?? [] });
  });

  afterAll(() => {
    setPlans(undefined);
    resetDnsAnswers();
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
    // What DNS answers: the plan's zone read from the record on, and the serving record's health check.
    expect(result.checks.filter((c) => /^(dns answer|health check) /.test(c.name)).map((c) => c.ok)).toEqual([
      true,
      true,
    ]);
    expect(route53).toHaveReceivedCommandWith(ListResourceRecordSetsCommand, {
      HostedZoneId: 'Z0123456789ORDERSAPI',
      StartRecordName: 'api.orders.example.com',
      StartRecordType: 'CNAME',
    });
    expect(route53).toHaveReceivedCommandWith(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-us-west-2' });
  });
});
