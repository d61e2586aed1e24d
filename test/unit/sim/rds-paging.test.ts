import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { resetClients, useClientPlugin } from '../../../shared/aws/clients';
import { RdsRestoreAdapter } from '../../../shared/aws/restore';
import { createSimPlugin, RDS_DEFAULT_MAX_RECORDS } from '../../../sim/sdk-plugin';
import { useFakeCredentials } from '../../support/credentials';
import { type SimHarness, startSim } from './fixture';

const credentials = { accessKeyId: 'sim', secretAccessKey: 'sim' };

/**
 * RDS's Describe* calls answer at most MaxRecords records (20-100, 100 by default) and a Marker for the rest: the
 * simulator pages as RDS does, so code that reads one page only misses what an account with more resources has.
 */
describe('RDS describe paging in the simulator', () => {
  let sim: SimHarness;
  let client: RDSClient;
  useFakeCredentials();

  /** `count` more RDS pairs, their replicas in us-west-2 beside the example plan's. */
  const addPairs = (count: number) => {
    for (let n = 0; n < count; n += 1) {
      sim.world.rds.addPair(
        { identifier: `other-app-${n}`, region: 'us-east-1' },
        { identifier: `other-app-${n}-replica`, region: 'us-west-2' },
        {},
      );
    }
  };

  beforeEach(() => {
    sim = startSim('region-outage');
    useClientPlugin(createSimPlugin(sim.world));
    client = new RDSClient({ region: 'us-west-2', credentials });
    client.middlewareStack.use(createSimPlugin(sim.world));
  });

  afterEach(() => {
    sim.close();
    resetClients();
  });

  it('answers DescribeDBInstances 100 records at a time, with a Marker while more are left', async () => {
    // Prepare: 150 replicas beside the example plan's one in us-west-2
    addPairs(150);

    // Act
    const first = await client.send(new DescribeDBInstancesCommand({}));
    const second = await client.send(new DescribeDBInstancesCommand({ Marker: first.Marker }));

    // Assess
    expect(first.DBInstances).toHaveLength(RDS_DEFAULT_MAX_RECORDS);
    expect(first.Marker).toEqual(expect.any(String));
    expect(second.DBInstances).toHaveLength(51);
    expect(second.Marker).toBeUndefined();
    const names = [...(first.DBInstances ?? []), ...(second.DBInstances ?? [])].map((i) => i.DBInstanceIdentifier);
    expect(new Set(names).size).toBe(151);
    expect(names).toContain('orders-db-replica');
    expect(names).toContain('other-app-149-replica');
  });

  it('takes MaxRecords from 20 to 100 and refuses any other value, naming the range', async () => {
    // Prepare
    addPairs(30);

    // Act
    const page = await client.send(new DescribeDBInstancesCommand({ MaxRecords: 20 }));
    const tooFew = client.send(new DescribeDBInstancesCommand({ MaxRecords: 10 }));
    const tooMany = client.send(new DescribeDBInstancesCommand({ MaxRecords: 101 }));

    // Assess
    expect(page.DBInstances).toHaveLength(20);
    expect(page.Marker).toEqual(expect.any(String));
    await expect(tooFew).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Invalid value 10 for MaxRecords. Must be between 20 and 100',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(tooMany).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('refuses a Marker that no DescribeDBInstances answer gave', async () => {
    // Act
    const call = client.send(new DescribeDBInstancesCommand({ Marker: 'not-a-marker' }));

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('Marker'),
    });
  });

  it("finds a restore test's leftover throwaway on the second page of the account's instances", async () => {
    // Prepare: 120 other instances, then the throwaway (listed after them)
    addPairs(120);
    const source = sim.world.rds.find('us-east-1', 'orders-db');
    sim.world.restores.restoreInstance('us-west-2', {
      SourceDBInstanceAutomatedBackupsArn: source?.replicatedBackupsArn,
      TargetDBInstanceIdentifier: 'sbrt-orders-db-0123456789',
      UseLatestRestorableTime: true,
    });

    // Act
    const { instances } = await new RdsRestoreAdapter().listByPrefix('us-west-2', 'sbrt-');

    // Assess
    expect(instances.map((instance) => instance.identifier)).toEqual(['sbrt-orders-db-0123456789']);
  });
});
