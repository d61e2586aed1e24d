import 'aws-sdk-client-mock-jest';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  NoSuchHealthCheck,
  PriorRequestNotComplete,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { PacedReads } from '../../../../shared/aws/paced-reads';
import { Route53Adapter, Route53Reader } from '../../../../shared/aws/route53';
import { EndpointUnreachableError, ThrottledError } from '../../../../shared/errors';

const route53Mock = mockClient(Route53Client);
const ZONE = 'Z0123456789ORDERSAPI';

const adapter = () => new Route53Adapter({ client: () => new Route53Client({ region: 'us-east-1' }) });

describe('Route53Adapter', () => {
  beforeEach(() => {
    route53Mock.reset();
  });

  describe('getHealthCheck', () => {
    it('returns the interval and failure threshold, and undefined for a health check that does not exist', async () => {
      // Prepare
      route53Mock
        .on(GetHealthCheckCommand, { HealthCheckId: 'hc-east' })
        .resolves({
          HealthCheck: {
            Id: 'hc-east',
            CallerReference: 'x',
            HealthCheckVersion: 1,
            HealthCheckConfig: { Type: 'HTTPS', RequestInterval: 10, FailureThreshold: 2 },
          },
        })
        .on(GetHealthCheckCommand, { HealthCheckId: 'hc-gone' })
        .rejects(new NoSuchHealthCheck({ message: 'No health check exists', $metadata: {} }));

      // Act / Assess
      await expect(adapter().getHealthCheck('hc-east')).resolves.toEqual({ intervalSeconds: 10, failureThreshold: 2 });
      await expect(adapter().getHealthCheck('hc-gone')).resolves.toBeUndefined();
    });
  });

  describe('getHealthCheckStatus', () => {
    const observation = (region: string, status: string) => ({
      Region: region as 'us-east-1',
      IPAddress: '15.177.0.10',
      StatusReport: { Status: status, CheckedTime: new Date('2026-11-25T03:00:00.000Z') },
    });
    const reader = () =>
      new Route53Reader({ client: () => new Route53Client({ region: 'us-east-1', maxAttempts: 1 }) });

    it("counts the checkers that reported and those that reached the endpoint, keeping a failing report's words", async () => {
      // Prepare
      const timedOut = 'Failure: Connection timed out. The endpoint or the internet connection is down.';
      route53Mock.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-west' }).resolves({
        HealthCheckObservations: [
          observation('us-east-1', 'Success: HTTP Status Code 200, OK'),
          observation('eu-west-1', timedOut),
          observation('ap-southeast-1', timedOut),
        ],
      });

      // Act / Assess
      await expect(reader().getHealthCheckStatus('hc-west')).resolves.toEqual({
        checkers: 3,
        healthyCheckers: 1,
        failure: timedOut,
      });
    });

    it('gives no failure when every checker reached it, and undefined for a health check that does not exist', async () => {
      // Prepare
      route53Mock
        .on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-west' })
        .resolves({ HealthCheckObservations: [observation('us-east-1', 'Success: HTTP Status Code 200, OK')] })
        .on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-gone' })
        .rejects(new NoSuchHealthCheck({ message: 'No health check exists', $metadata: {} }));

      // Act / Assess
      await expect(reader().getHealthCheckStatus('hc-west')).resolves.toEqual({ checkers: 1, healthyCheckers: 1 });
      await expect(reader().getHealthCheckStatus('hc-gone')).resolves.toBeUndefined();
    });

    it('names the call when Route 53 does not answer', async () => {
      // Prepare
      route53Mock
        .on(GetHealthCheckStatusCommand)
        .rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError', $metadata: {} }));

      // Act
      const read = reader().getHealthCheckStatus('hc-west');

      // Assess
      await expect(read).rejects.toBeInstanceOf(EndpointUnreachableError);
      await expect(read).rejects.toThrow(/GetHealthCheckStatus/);
    });
  });

  describe('listRecordSets', () => {
    it('returns every record of the name and type with its routing policy, TTL, health check and what it answers', async () => {
      // Prepare
      route53Mock.on(ListResourceRecordSetsCommand).resolves({
        ResourceRecordSets: [
          {
            Name: 'api.orders.example.com.',
            Type: 'CNAME',
            SetIdentifier: 'api-us-east-1',
            Failover: 'PRIMARY',
            TTL: 60,
            ResourceRecords: [{ Value: 'east.orders.example.com' }],
            HealthCheckId: 'hc-east',
          },
          {
            Name: 'api.orders.example.com.',
            Type: 'CNAME',
            SetIdentifier: 'api-us-west-2',
            Weight: 0,
            TTL: 300,
            ResourceRecords: [{ Value: 'west.orders.example.com' }],
          },
          { Name: 'www.orders.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'x' }] },
        ],
        IsTruncated: false,
        MaxItems: 300,
      });

      // Act
      const records = await adapter().listRecordSets(ZONE, 'api.orders.example.com', 'CNAME');

      // Assess
      expect(records).toEqual([
        {
          setIdentifier: 'api-us-east-1',
          routing: 'failover',
          failover: 'PRIMARY',
          ttl: 60,
          healthCheckId: 'hc-east',
          alias: false,
          target: { values: ['east.orders.example.com'] },
        },
        {
          setIdentifier: 'api-us-west-2',
          routing: 'weighted',
          ttl: 300,
          alias: false,
          target: { values: ['west.orders.example.com'] },
        },
      ]);
    });

    it("keeps an alias record's target name as DNS compares it: lower case, without the trailing dot", async () => {
      // Prepare
      route53Mock.on(ListResourceRecordSetsCommand).resolves({
        ResourceRecordSets: [
          {
            Name: 'api.orders.example.com.',
            Type: 'A',
            SetIdentifier: 'api-us-west-2',
            Failover: 'SECONDARY',
            AliasTarget: {
              HostedZoneId: 'Z1H1FL5HABSF5',
              DNSName: 'dualstack.Orders-West-123.us-west-2.elb.amazonaws.com.',
              EvaluateTargetHealth: true,
            },
          },
        ],
        IsTruncated: false,
      });

      // Act
      const [record] = await adapter().listRecordSets(ZONE, 'api.orders.example.com', 'A');

      // Assess
      expect(record?.target).toEqual({ alias: 'dualstack.orders-west-123.us-west-2.elb.amazonaws.com' });
      expect(record?.evaluateTargetHealth).toBe(true);
    });
  });

  describe('paced reads', () => {
    const throttling = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: {} });

    it('reads a record pair again when Route 53 throttled it, and only a write gives the state machine the throttle', async () => {
      // Prepare: no pauses; the SDK's own attempts are the client's (one here)
      const pauses: number[] = [];
      const reads = new PacedReads({
        maxInFlight: 5,
        budgetMs: 15_000,
        firstPauseMs: 500,
        random: () => 1,
        sleep: async (ms) => {
          pauses.push(ms);
        },
      });
      const paced = new Route53Adapter({
        client: () => new Route53Client({ region: 'us-east-1', maxAttempts: 1 }),
        reads,
      });
      route53Mock
        .on(ListResourceRecordSetsCommand)
        .rejectsOnce(throttling())
        .rejectsOnce(throttling())
        .resolves({
          ResourceRecordSets: [
            { Name: 'api.orders.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'east' }] },
          ],
        })
        .on(ChangeResourceRecordSetsCommand)
        .rejects(throttling());

      // Act
      const records = await paced.listRecordSets(ZONE, 'api.orders.example.com', 'CNAME');
      const write = paced.upsertRecords(ZONE, [], 'flip');

      // Assess
      expect(records).toHaveLength(1);
      expect(route53Mock).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 3);
      expect(pauses).toEqual([500, 1000]);
      await expect(write).rejects.toBeInstanceOf(ThrottledError);
      expect(route53Mock).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 1);
    });
  });

  describe('listFailoverRecords', () => {
    it('returns the failover records of the name and type, following pages, keeping the rest of each record', async () => {
      // Prepare
      route53Mock
        .on(ListResourceRecordSetsCommand, { StartRecordIdentifier: undefined })
        .resolves({
          ResourceRecordSets: [
            {
              Name: 'api.orders.example.com.',
              Type: 'CNAME',
              SetIdentifier: 'api-us-east-1',
              Failover: 'PRIMARY',
              TTL: 60,
              ResourceRecords: [{ Value: 'east.orders.example.com' }],
              HealthCheckId: 'hc-east',
            },
          ],
          IsTruncated: true,
          NextRecordName: 'api.orders.example.com.',
          NextRecordType: 'CNAME',
          NextRecordIdentifier: 'api-us-west-2',
          MaxItems: 1,
        })
        .on(ListResourceRecordSetsCommand, { StartRecordIdentifier: 'api-us-west-2' })
        .resolves({
          ResourceRecordSets: [
            {
              Name: 'api.orders.example.com.',
              Type: 'CNAME',
              SetIdentifier: 'api-us-west-2',
              Failover: 'SECONDARY',
              AliasTarget: { HostedZoneId: 'Z2', DNSName: 'west.elb.amazonaws.com.', EvaluateTargetHealth: true },
            },
            { Name: 'api.orders.example.com.', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: '"v=1"' }] },
          ],
          IsTruncated: true,
          NextRecordName: 'b.orders.example.com.',
          NextRecordType: 'A',
          MaxItems: 2,
        });

      // Act
      const records = await adapter().listFailoverRecords(ZONE, 'api.orders.example.com', 'CNAME');

      // Assess
      expect(records).toEqual([
        {
          name: 'api.orders.example.com.',
          type: 'CNAME',
          setIdentifier: 'api-us-east-1',
          failover: 'PRIMARY',
          rest: { TTL: 60, ResourceRecords: [{ Value: 'east.orders.example.com' }], HealthCheckId: 'hc-east' },
        },
        {
          name: 'api.orders.example.com.',
          type: 'CNAME',
          setIdentifier: 'api-us-west-2',
          failover: 'SECONDARY',
          rest: { AliasTarget: { HostedZoneId: 'Z2', DNSName: 'west.elb.amazonaws.com.', EvaluateTargetHealth: true } },
        },
      ]);
      expect(route53Mock).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 2);
      expect(route53Mock).toHaveReceivedNthSpecificCommandWith(1, ListResourceRecordSetsCommand, {
        HostedZoneId: ZONE,
        StartRecordName: 'api.orders.example.com',
        StartRecordType: 'CNAME',
      });
    });

    it('leaves out records of the name that have no Failover role', async () => {
      // Prepare
      route53Mock.on(ListResourceRecordSetsCommand).resolves({
        ResourceRecordSets: [
          { Name: 'api.orders.example.com.', Type: 'CNAME', SetIdentifier: 'api-us-east-1', Weight: 100, TTL: 60 },
        ],
        IsTruncated: false,
      });

      // Act
      const records = await adapter().listFailoverRecords(ZONE, 'api.orders.example.com', 'CNAME');

      // Assess
      expect(records).toEqual([]);
    });
  });

  describe('upsertRecords', () => {
    it('sends one change batch that UPSERTs every record with its role and kept fields', async () => {
      // Prepare
      route53Mock.on(ChangeResourceRecordSetsCommand).resolves({
        ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: new Date() },
      });

      // Act
      const changeId = await adapter().upsertRecords(
        ZONE,
        [
          {
            name: 'api.orders.example.com.',
            type: 'CNAME',
            setIdentifier: 'api-us-west-2',
            failover: 'PRIMARY',
            rest: { TTL: 60, HealthCheckId: 'hc-west' },
          },
          {
            name: 'api.orders.example.com.',
            type: 'CNAME',
            setIdentifier: 'api-us-east-1',
            failover: 'SECONDARY',
            rest: { TTL: 60 },
          },
        ],
        'Switchback incident-1',
      );

      // Assess
      expect(changeId).toBe('/change/C123');
      expect(route53Mock).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 1);
      expect(route53Mock).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
        HostedZoneId: ZONE,
        ChangeBatch: {
          Comment: 'Switchback incident-1',
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'api.orders.example.com.',
                Type: 'CNAME',
                SetIdentifier: 'api-us-west-2',
                Failover: 'PRIMARY',
                TTL: 60,
                HealthCheckId: 'hc-west',
              },
            },
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'api.orders.example.com.',
                Type: 'CNAME',
                SetIdentifier: 'api-us-east-1',
                Failover: 'SECONDARY',
                TTL: 60,
              },
            },
          ],
        },
      });
    });

    it('throws ThrottledError when Route 53 answers PriorRequestNotComplete', async () => {
      // Prepare
      route53Mock
        .on(ChangeResourceRecordSetsCommand)
        .rejects(new PriorRequestNotComplete({ message: 'The request was rejected', $metadata: {} }));

      // Act
      const act = adapter().upsertRecords(ZONE, [], 'Switchback incident-1');

      // Assess
      await expect(act).rejects.toBeInstanceOf(ThrottledError);
    });
  });

  describe('getChangeStatus', () => {
    it('returns the status GetChange answers', async () => {
      // Prepare
      route53Mock
        .on(GetChangeCommand)
        .resolvesOnce({ ChangeInfo: { Id: '/change/C123', Status: 'PENDING', SubmittedAt: new Date() } })
        .resolves({ ChangeInfo: { Id: '/change/C123', Status: 'INSYNC', SubmittedAt: new Date() } });
      const route53 = adapter();

      // Act
      const statuses = [await route53.getChangeStatus('/change/C123'), await route53.getChangeStatus('/change/C123')];

      // Assess
      expect(statuses).toEqual(['PENDING', 'INSYNC']);
      expect(route53Mock).toHaveReceivedCommandWith(GetChangeCommand, { Id: '/change/C123' });
    });
  });
});
