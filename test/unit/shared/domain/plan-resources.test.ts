import { planResources, sharedResources } from '../../../../shared/domain/plan-resources';
import { ordersPlan } from '../../../support/plan-fixtures';

describe('planResources', () => {
  it('lists databases, records and alarms with where the plan names them', () => {
    const keys = planResources(ordersPlan()).map((r) => `${r.path} ${r.key}`);
    expect(keys).toContain('databases[0].replica.instance rds:instance:us-west-2:orders-db-replica');
    expect(keys).toContain('databases[1].globalCluster rds:global:global:catalog-global');
    expect(keys).toContain(
      'dns[0].records[0].standbySetIdentifier route53:Z0123456789ORDERSAPI|api.orders.example.com|CNAME|api-us-west-2',
    );
    expect(keys).toContain('trigger.alarms[0] alarm:orders-primary-health');
  });
});

describe('sharedResources', () => {
  it('finds nothing shared between plans on different resources', () => {
    const other = ordersPlan({
      app: 'billing',
      trigger: { alarms: ['billing-health'] },
      databases: [
        {
          id: 'billing-db',
          kind: 'rds-read-replica',
          primary: { instance: 'billing-db', region: 'us-east-1' },
          replica: { instance: 'billing-db-replica', region: 'us-west-2' },
        },
      ],
      dns: [
        {
          hostedZoneId: 'Z0123456789ORDERSAPI',
          records: [
            {
              name: 'billing.example.com',
              type: 'CNAME',
              primarySetIdentifier: 'b-east',
              standbySetIdentifier: 'b-west',
            },
          ],
        },
      ],
    });
    expect(sharedResources(ordersPlan(), other)).toEqual([]);
  });

  it('matches a database named in other capitals and a record named with a trailing dot, as AWS compares them', () => {
    const other = ordersPlan({
      app: 'billing',
      trigger: { alarms: ['billing-health'] },
      databases: [
        {
          id: 'billing-db',
          kind: 'rds-read-replica',
          primary: { instance: 'orders-db', region: 'us-east-1' },
          replica: { instance: 'orders-db-replica', region: 'us-west-2' },
        },
      ],
      dns: [
        {
          hostedZoneId: 'Z0123456789ORDERSAPI',
          records: [
            {
              name: 'API.orders.example.com.',
              type: 'CNAME',
              primarySetIdentifier: 'api-us-east-1',
              standbySetIdentifier: 'x-west',
            },
          ],
        },
      ],
    });
    const shared = sharedResources(ordersPlan(), other).map(([mine, theirs]) => `${mine.path} = ${theirs.path}`);
    expect(shared).toEqual([
      'databases[0].primary.instance = databases[0].primary.instance',
      'databases[0].replica.instance = databases[0].replica.instance',
      'dns[0].records[0].primarySetIdentifier = dns[0].records[0].primarySetIdentifier',
    ]);
  });
});
