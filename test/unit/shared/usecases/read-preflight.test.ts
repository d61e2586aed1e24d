import type { PreflightReadings, RecordSetReading } from '../../../../shared/domain/preflight';
import { EndpointUnreachableError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/load';
import type { Plan } from '../../../../shared/plan/schema';
import { readPreflight } from '../../../../shared/usecases/read-preflight';
import { arcOrdersPlan, ordersPlan } from '../../../support/plan-fixtures';

const arcPlan = arcOrdersPlan;

const deps = (listRecordSets: (zone: string, name: string, type: string) => Promise<RecordSetReading[]>) => ({
  plans: new PlanRegistry([ordersPlan()]),
  rds: {
    describeInstance: jest.fn().mockResolvedValue(undefined),
    describeCluster: jest.fn().mockResolvedValue(undefined),
    describeGlobalCluster: jest.fn().mockResolvedValue(undefined),
  },
  route53: { listRecordSets: jest.fn(listRecordSets) },
  ledger: { getLock: jest.fn().mockResolvedValue(undefined) },
  recordsOfReadiness: jest.fn(
    async (_plan: Plan): Promise<Pick<PreflightReadings, 'recordsNotRead' | 'recordFindings'>> => ({
      recordsNotRead: 'records not read: readiness says',
    }),
  ),
});

describe('readPreflight', () => {
  it('never calls Route 53 (us-east-1) on the live path of an arc-routing-control plan, and says why', async () => {
    // Prepare
    const d = deps(async () => []);

    // Act
    const readings = await readPreflight(arcPlan(), d, undefined, { live: true });

    // Assess
    expect(d.route53.listRecordSets).not.toHaveBeenCalled();
    expect(readings.recordsNotRead).toBe('records not read: readiness says');
  });

  it("goes by what the plan's last readiness found of the records on the live path of an arc-routing-control plan", async () => {
    // Prepare
    const d = deps(async () => []);
    const finding = {
      check: 'record-exists' as const,
      resource: 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
      expected: 'a failover record',
      found: 'only api-us-east-1',
      fix: 'create it',
    };
    d.recordsOfReadiness.mockResolvedValue({ recordsNotRead: 'found a record finding', recordFindings: [finding] });

    // Act
    const readings = await readPreflight(arcPlan(), d, undefined, { live: true });

    // Assess
    expect(d.recordsOfReadiness).toHaveBeenCalledWith(expect.objectContaining({ app: 'orders' }));
    expect(d.route53.listRecordSets).not.toHaveBeenCalled();
    expect(readings.recordFindings).toEqual([finding]);
    expect(readings.recordsNotRead).toBe('found a record finding');
  });

  it('refuses a live path of an arc-routing-control plan given no way to know its records', async () => {
    const { recordsOfReadiness: _, ...d } = deps(async () => []);
    await expect(readPreflight(arcPlan(), d, undefined, { live: true })).rejects.toThrow(
      'the live preflight of an arc-routing-control plan needs the records of its readiness',
    );
  });

  it('reads the records of an arc-routing-control plan outside the live path (readiness, the drill preflight)', async () => {
    const d = deps(async () => []);
    const readings = await readPreflight(arcPlan(), d);
    expect(d.route53.listRecordSets).toHaveBeenCalled();
    expect(d.recordsOfReadiness).not.toHaveBeenCalled();
    expect(readings.recordsNotRead).toBeUndefined();
  });

  it("skips the record checks with the reason when Route 53's API does not answer on the live path", async () => {
    const d = deps(async () => {
      throw new EndpointUnreachableError('route53', 'ListResourceRecordSets', new Error('socket hang up'));
    });
    const readings = await readPreflight(ordersPlan(), d, undefined, { live: true });
    expect(readings.records).toEqual([]);
    expect(readings.recordsNotRead).toMatch(/did not answer ListResourceRecordSets; Check DNS Switch decides/);
  });

  it('lets an unanswered Route 53 call fail outside the live path (readiness must say it could not look)', async () => {
    const d = deps(async () => {
      throw new EndpointUnreachableError('route53', 'ListResourceRecordSets', new Error('socket hang up'));
    });
    await expect(readPreflight(ordersPlan(), d)).rejects.toThrow(EndpointUnreachableError);
  });
});
