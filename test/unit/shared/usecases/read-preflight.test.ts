import type { RecordSetReading } from '../../../../shared/domain/preflight';
import { EndpointUnreachableError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/load';
import type { Plan } from '../../../../shared/plan/schema';
import { readPreflight } from '../../../../shared/usecases/read-preflight';
import { ordersPlan } from '../../../support/plan-fixtures';

const arcPlan = (): Plan => ({
  ...ordersPlan(),
  dnsSwitch: {
    method: 'arc-routing-control',
    clusterEndpoints: [{ region: 'us-west-2', url: 'https://host-aaaaaa.us-west-2.example.com/v1' }],
    routingControls: {
      primary: 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc/routingcontrol/east',
      standby: 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc/routingcontrol/west',
    },
  },
});

const deps = (listRecordSets: (zone: string, name: string, type: string) => Promise<RecordSetReading[]>) => ({
  plans: new PlanRegistry([ordersPlan()]),
  rds: {
    describeInstance: jest.fn().mockResolvedValue(undefined),
    describeCluster: jest.fn().mockResolvedValue(undefined),
    describeGlobalCluster: jest.fn().mockResolvedValue(undefined),
  },
  route53: { listRecordSets: jest.fn(listRecordSets) },
  ledger: { getLock: jest.fn().mockResolvedValue(undefined) },
});

describe('readPreflight', () => {
  it('never calls Route 53 (us-east-1) on the live path of an arc-routing-control plan, and says why', async () => {
    // Prepare
    const d = deps(async () => []);

    // Act
    const readings = await readPreflight(arcPlan(), d, undefined, { live: true });

    // Assess
    expect(d.route53.listRecordSets).not.toHaveBeenCalled();
    expect(readings.recordsNotRead).toMatch(/arc-routing-control.*readiness checks the records/);
  });

  it('reads the records of an arc-routing-control plan outside the live path (readiness, the drill preflight)', async () => {
    const d = deps(async () => []);
    const readings = await readPreflight(arcPlan(), d);
    expect(d.route53.listRecordSets).toHaveBeenCalled();
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
