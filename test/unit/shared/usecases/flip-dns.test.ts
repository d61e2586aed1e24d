import 'aws-sdk-client-mock-jest';
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { RecordingActionLog } from '../../../../shared/aws/action-log';
import { Route53Adapter } from '../../../../shared/aws/route53';
import type { FailoverRecordSet } from '../../../../shared/domain/ports';
import { DETAIL_TYPES, type PhaseChangedDetail } from '../../../../shared/domain/run';
import { DnsFlipError, LockHeldError, ThrottledError } from '../../../../shared/errors';
import { type FlipDnsDeps, flipDns } from '../../../../shared/usecases/flip-dns';
import {
  FakeClock,
  FakeEvents,
  FakeLedger,
  FakeLog,
  FakeRoute53,
  FakeRoutingControls,
  FakeSwitchAlarm,
} from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
import { catalogPromotion, ordersDbPromotion, ordersRun } from '../../../support/resource-fixtures';
import { lockOwner } from '../../../support/run-fixtures';

const NOW = '2026-11-25T03:05:01.000Z';
const API_ZONE = 'Z0123456789ORDERSAPI';
const WEB_ZONE = 'Z0987654321ORDERSWEB';
const route53Mock = mockClient(Route53Client);

const record = (
  name: string,
  setIdentifier: string,
  failover: 'PRIMARY' | 'SECONDARY',
  rest: Record<string, unknown>,
): FailoverRecordSet => ({ name, type: 'CNAME', setIdentifier, failover, rest });

/** Two zones: api has two pairs (api, checkout), web has one (www). */
const plan = ordersPlan({
  dns: [
    {
      hostedZoneId: API_ZONE,
      records: [
        {
          name: 'api.orders.example.com',
          type: 'CNAME',
          primarySetIdentifier: 'api-us-east-1',
          standbySetIdentifier: 'api-us-west-2',
        },
        {
          name: 'checkout.orders.example.com',
          type: 'CNAME',
          primarySetIdentifier: 'co-us-east-1',
          standbySetIdentifier: 'co-us-west-2',
        },
      ],
    },
    {
      hostedZoneId: WEB_ZONE,
      records: [
        {
          name: 'www.orders.example.com',
          type: 'CNAME',
          primarySetIdentifier: 'www-us-east-1',
          standbySetIdentifier: 'www-us-west-2',
        },
      ],
    },
  ],
});

const apiEast = record('api.orders.example.com', 'api-us-east-1', 'PRIMARY', {
  TTL: 60,
  ResourceRecords: [{ Value: 'east.orders.example.com' }],
  HealthCheckId: 'hc-api-east',
});
const apiWest = record('api.orders.example.com', 'api-us-west-2', 'SECONDARY', {
  AliasTarget: {
    HostedZoneId: 'Z1H1FL5HABSF5',
    DNSName: 'west-alb.us-west-2.elb.amazonaws.com.',
    EvaluateTargetHealth: true,
  },
  HealthCheckId: 'hc-api-west',
});
const coEast = record('checkout.orders.example.com', 'co-us-east-1', 'PRIMARY', {
  TTL: 60,
  ResourceRecords: [{ Value: 'co-east' }],
});
const coWest = record('checkout.orders.example.com', 'co-us-west-2', 'SECONDARY', {
  TTL: 60,
  ResourceRecords: [{ Value: 'co-west' }],
});
const wwwEast = record('www.orders.example.com', 'www-us-east-1', 'PRIMARY', {
  TTL: 30,
  ResourceRecords: [{ Value: 'www-east' }],
});
const wwwWest = record('www.orders.example.com', 'www-us-west-2', 'SECONDARY', {
  TTL: 30,
  ResourceRecords: [{ Value: 'www-west' }],
});

const flipped = (r: FailoverRecordSet): FailoverRecordSet => ({
  ...r,
  failover: r.failover === 'PRIMARY' ? 'SECONDARY' : 'PRIMARY',
});

describe('flipDns', () => {
  let route53: FakeRoute53;
  let ledger: FakeLedger;
  let events: FakeEvents;
  let clock: FakeClock;
  let deps: FlipDnsDeps;
  const promotions = [ordersDbPromotion(), catalogPromotion()];

  beforeEach(async () => {
    route53Mock.reset();
    route53 = new FakeRoute53();
    ledger = new FakeLedger();
    events = new FakeEvents();
    clock = new FakeClock(NOW);
    const log = new FakeLog();
    deps = {
      route53,
      ledger,
      events,
      clock,
      log,
      actions: new RecordingActionLog({ clock, log }),
      route53Region: 'us-east-1',
      routingControls: new FakeRoutingControls(),
      switchAlarm: new FakeSwitchAlarm(),
    };
    await ledger.acquireLock('orders', lockOwner(ordersRun().incidentId), clock.now());
  });

  it('sends exactly one change per zone that swaps the roles and keeps the record data', async () => {
    // Prepare
    route53.addRecords(API_ZONE, apiEast, apiWest, coEast, coWest).addRecords(WEB_ZONE, wwwEast, wwwWest);

    // Act
    const result = await flipDns({ run: ordersRun(), plan, promotions }, deps);

    // Assess
    expect(route53.batches.map((batch) => batch.hostedZoneId)).toEqual([API_ZONE, WEB_ZONE]);
    expect(route53.batches[0]?.records).toEqual([
      { ...apiWest, failover: 'PRIMARY' },
      { ...apiEast, failover: 'SECONDARY' },
      { ...coWest, failover: 'PRIMARY' },
      { ...coEast, failover: 'SECONDARY' },
    ]);
    expect(route53.batches[1]?.records).toEqual([
      { ...wwwWest, failover: 'PRIMARY' },
      { ...wwwEast, failover: 'SECONDARY' },
    ]);
    expect(route53.batches[0]?.comment).toContain('orders-20261125T0300Z');
    expect(result).toEqual({
      changes: [
        { hostedZoneId: API_ZONE, changeId: '/change/C1', status: 'PENDING' },
        { hostedZoneId: WEB_ZONE, changeId: '/change/C2', status: 'PENDING' },
      ],
      inSync: false,
      pollSeconds: 1,
      startedAt: NOW,
      alreadyFlipped: [],
      actions: [
        {
          service: 'route53',
          operation: 'ChangeResourceRecordSets',
          target: `${API_ZONE}: api.orders.example.com CNAME, checkout.orders.example.com CNAME`,
          region: 'us-east-1',
          at: NOW,
          dryRun: false,
        },
        {
          service: 'route53',
          operation: 'ChangeResourceRecordSets',
          target: `${WEB_ZONE}: www.orders.example.com CNAME`,
          region: 'us-east-1',
          at: NOW,
          dryRun: false,
        },
      ],
    });
  });

  it('publishes promote succeeded with the promotions facts, then dns started', async () => {
    // Prepare
    route53.addRecords(API_ZONE, apiEast, apiWest, coEast, coWest).addRecords(WEB_ZONE, wwwEast, wwwWest);

    // Act
    await flipDns({ run: ordersRun(), plan, promotions }, deps);

    // Assess
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.map((p) => `${p.phase} ${p.status}`)).toEqual(['promote succeeded', 'dns started']);
    expect(phases[0]?.at).toBe('2026-11-25T03:05:00.000Z');
    expect(phases[0]?.facts).toEqual([
      'orders-db writable (orders-db-replica in us-west-2; 1 action(s); lag 4 s)',
      'catalog writable (catalog-west in us-west-2; 1 action(s); lag 1 s)',
    ]);
  });

  it('makes no call for a zone whose pairs are all flipped already', async () => {
    // Prepare
    route53
      .addRecords(API_ZONE, flipped(apiEast), flipped(apiWest), flipped(coEast), flipped(coWest))
      .addRecords(WEB_ZONE, wwwEast, wwwWest);

    // Act
    const result = await flipDns({ run: ordersRun(), plan, promotions }, deps);

    // Assess
    expect(route53.batches.map((batch) => batch.hostedZoneId)).toEqual([WEB_ZONE]);
    expect(result.alreadyFlipped).toEqual([API_ZONE]);
    expect(result.changes[0]).toEqual({ hostedZoneId: API_ZONE, changeId: null, status: 'INSYNC' });
  });

  it('is in sync and publishes dns succeeded without any call when every zone is flipped already', async () => {
    // Prepare
    route53
      .addRecords(API_ZONE, flipped(apiEast), flipped(apiWest), flipped(coEast), flipped(coWest))
      .addRecords(WEB_ZONE, flipped(wwwEast), flipped(wwwWest));

    // Act
    const result = await flipDns({ run: ordersRun(), plan, promotions }, deps);

    // Assess
    expect(route53.batches).toEqual([]);
    expect(result).toMatchObject({ inSync: true, inSyncAt: NOW, alreadyFlipped: [API_ZONE, WEB_ZONE], actions: [] });
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.map((p) => `${p.phase} ${p.status}`)).toEqual(['promote succeeded', 'dns started', 'dns succeeded']);
  });

  it('flips a pair whose old primary is already SECONDARY but whose standby is not PRIMARY', async () => {
    // Prepare
    route53
      .addRecords(API_ZONE, flipped(apiEast), apiWest, flipped(coEast), flipped(coWest))
      .addRecords(WEB_ZONE, flipped(wwwEast), flipped(wwwWest));

    // Act
    await flipDns({ run: ordersRun(), plan, promotions }, deps);

    // Assess
    expect(route53.batches).toHaveLength(1);
    expect(route53.batches[0]?.records.map((r) => `${r.setIdentifier} ${r.failover}`)).toEqual([
      'api-us-west-2 PRIMARY',
      'api-us-east-1 SECONDARY',
    ]);
  });

  it('throws DnsFlipError naming the zone, name, type and set identifier before changing anything when a record is missing', async () => {
    // Prepare
    route53.addRecords(API_ZONE, apiEast, apiWest, coEast, coWest).addRecords(WEB_ZONE, wwwEast);

    // Act
    const act = flipDns({ run: ordersRun(), plan, promotions }, deps);

    // Assess
    await expect(act).rejects.toBeInstanceOf(DnsFlipError);
    await expect(act).rejects.toThrow(
      `Hosted zone ${WEB_ZONE} has no failover record www.orders.example.com CNAME with set identifier "www-us-west-2"`,
    );
    expect(route53.batches).toEqual([]);
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.map((p) => `${p.phase} ${p.status}`)).toEqual(['promote succeeded', 'dns started']);
  });

  it('throws LockHeldError without changing anything when another incident holds the lock', async () => {
    // Prepare
    route53.addRecords(API_ZONE, apiEast, apiWest, coEast, coWest).addRecords(WEB_ZONE, wwwEast, wwwWest);
    await ledger.releaseLock('orders', lockOwner(ordersRun().incidentId));
    await ledger.acquireLock('orders', lockOwner('another-incident'), clock.now());

    // Act
    const act = flipDns({ run: ordersRun(), plan, promotions }, deps);

    // Assess
    await expect(act).rejects.toBeInstanceOf(LockHeldError);
    expect(route53.batches).toEqual([]);
  });

  it('passes ThrottledError through when Route 53 throttles the change', async () => {
    // Prepare
    route53.addRecords(API_ZONE, apiEast, apiWest, coEast, coWest).addRecords(WEB_ZONE, wwwEast, wwwWest);
    jest
      .spyOn(route53, 'upsertRecords')
      .mockRejectedValueOnce(new ThrottledError('route53', 'ChangeResourceRecordSets', undefined));

    // Act
    const act = flipDns({ run: ordersRun(), plan, promotions }, deps);

    // Assess
    await expect(act).rejects.toBeInstanceOf(ThrottledError);
  });

  describe('with the Route 53 adapter', () => {
    const toRecordSet = (r: FailoverRecordSet): ResourceRecordSet => ({
      Name: `${r.name}.`,
      Type: 'CNAME',
      SetIdentifier: r.setIdentifier,
      Failover: r.failover,
      ...r.rest,
    });

    beforeEach(() => {
      deps.route53 = new Route53Adapter({ client: () => new Route53Client({ region: 'us-east-1' }) });
      const zones: Record<string, FailoverRecordSet[]> = {
        [API_ZONE]: [apiEast, apiWest, coEast, coWest],
        [WEB_ZONE]: [wwwEast, wwwWest],
      };
      route53Mock.on(ListResourceRecordSetsCommand).callsFake(async (input) => ({
        ResourceRecordSets: (zones[input.HostedZoneId] ?? [])
          .filter((r) => r.name === input.StartRecordName)
          .map(toRecordSet),
        IsTruncated: false,
      }));
    });

    it('sends no change at all but records the planned actions and is in sync when the run is a dry run', async () => {
      // Act
      const result = await flipDns({ run: ordersRun({ mode: 'dry-run' }), plan, promotions }, deps);

      // Assess
      expect(route53Mock).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 0);
      expect(result).toMatchObject({
        inSync: true,
        changes: [
          { hostedZoneId: API_ZONE, changeId: null, status: 'INSYNC' },
          { hostedZoneId: WEB_ZONE, changeId: null, status: 'INSYNC' },
        ],
      });
      expect(result.actions.map((a) => [a.target.split(':')[0], a.dryRun])).toEqual([
        [API_ZONE, true],
        [WEB_ZONE, true],
      ]);
    });

    it('sends one ChangeResourceRecordSets per zone when the run is live', async () => {
      // Prepare
      route53Mock.on(ChangeResourceRecordSetsCommand).resolves({
        ChangeInfo: { Id: '/change/C9', Status: 'PENDING', SubmittedAt: new Date(NOW) },
      });

      // Act
      await flipDns({ run: ordersRun(), plan, promotions }, deps);

      // Assess
      expect(route53Mock).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 2);
      expect(route53Mock).toHaveReceivedNthSpecificCommandWith(1, ChangeResourceRecordSetsCommand, {
        HostedZoneId: API_ZONE,
        ChangeBatch: expect.objectContaining({
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'api.orders.example.com.',
                Type: 'CNAME',
                SetIdentifier: 'api-us-west-2',
                Failover: 'PRIMARY',
                AliasTarget: apiWest.rest.AliasTarget,
                HealthCheckId: 'hc-api-west',
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
                ResourceRecords: [{ Value: 'east.orders.example.com' }],
                HealthCheckId: 'hc-api-east',
              },
            },
            expect.objectContaining({
              ResourceRecordSet: expect.objectContaining({ SetIdentifier: 'co-us-west-2', Failover: 'PRIMARY' }),
            }),
            expect.objectContaining({
              ResourceRecordSet: expect.objectContaining({ SetIdentifier: 'co-us-east-1', Failover: 'SECONDARY' }),
            }),
          ],
        }),
      });
    });
  });
});
