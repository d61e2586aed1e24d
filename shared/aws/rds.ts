import {
  type DBCluster,
  type DBClusterAutomatedBackup,
  type DBInstance,
  type DBInstanceAutomatedBackup,
  DescribeDBClusterAutomatedBackupsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  PromoteReadReplicaCommand,
  type RDSClient,
  StopDBInstanceCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { RDS_BATCH_SIZE } from '../domain/polling';
import type { DbClusterState, DbInstanceState, GlobalClusterState, RdsPort, RdsReadPort } from '../domain/ports';
import { awsErrorName, toSwitchbackError } from './aws-errors';
import { PacedReads } from './paced-reads';
import { RDS_READ_PACING, readUnlessNotFound } from './rds-calls';
import { rdsClient } from './sdk/rds';

/** `arn:aws:rds:us-west-2:123456789012:cluster:catalog-west` -> region and the last part (the identifier). */
const parseRdsArn = (arn: string): { region: string; identifier: string } => {
  const parts = arn.split(':');
  return { region: parts[3] ?? '', identifier: parts.slice(6).join(':') || arn };
};

const iso = (date: Date | undefined): string | undefined => (date ? date.toISOString() : undefined);

const newest = (times: (Date | undefined)[]): string | undefined => {
  const known = times.filter((time): time is Date => time instanceof Date);
  if (known.length === 0) return undefined;
  return new Date(Math.max(...known.map((time) => time.getTime()))).toISOString();
};

interface RegionalKey {
  region: string;
  identifier: string;
}

/** What one batched read found, by lower-cased identifier and ARN (RDS identifiers are not case-sensitive). */
type Found<T> = Map<string, T>;

const foundBy = <T>(items: readonly T[] | undefined, names: (item: T) => (string | undefined)[]): Found<T> => {
  const found: Found<T> = new Map();
  for (const item of items ?? []) {
    for (const name of names(item)) if (name) found.set(name.toLowerCase(), item);
  }
  return found;
};

/** A read waiting for its batch: what it asked, and how to answer it. */
interface Waiting<T> {
  key: RegionalKey;
  resolve: (value: T | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads of one kind that a handler makes at once, sent as one RDS request per Region: a poll of 20 replicas, or Assess
 * reading every database of a plan, is one DescribeDBInstances instead of 20. RDS's request rate is shared by every
 * caller of the account in the Region (a burst of 300, then 12 a second: aws-facts.md), and a plan at the size limits
 * read one database a request, about 80 requests per Assess: with the account's other callers taking most of the
 * rate, a throttled Assess retried them all, and failed in Decide.
 * The reads asked in one turn (until the promise jobs queued with them have run: reads that follow others' answers
 * join too) go out together, as DataLoader batches (not a dependency here: about 5 KiB more in every function that
 * reads RDS, against the functions' weight budget). `read` answers for the identifiers of one Region, at most
 * RDS_BATCH_SIZE of them (a Map by lower-cased identifier or ARN); an identifier it did not find is `undefined` (RDS
 * has no such resource), and the error of a Region's read is the error of each of its reads. Nothing is cached: each
 * load is a new read.
 */
const regionalBatches = <T>(
  read: (region: string, identifiers: string[]) => Promise<Found<T>>,
  batching: () => boolean,
) => {
  let waiting: Waiting<T>[] = [];
  const answer = async (region: string, identifiers: string[], readers: Waiting<T>[]): Promise<void> => {
    try {
      const found = await read(region, identifiers);
      for (const reader of readers) reader.resolve(found.get(reader.key.identifier.toLowerCase()));
    } catch (error) {
      for (const reader of readers) reader.reject(error);
    }
  };
  const dispatch = (): void => {
    const batch = waiting;
    waiting = [];
    const byRegion = new Map<string, Waiting<T>[]>();
    for (const reader of batch) {
      const readers = byRegion.get(reader.key.region) ?? [];
      readers.push(reader);
      byRegion.set(reader.key.region, readers);
    }
    for (const [region, readers] of byRegion) {
      const identifiers = [...new Set(readers.map((reader) => reader.key.identifier))];
      for (let at = 0; at < identifiers.length; at += RDS_BATCH_SIZE) {
        const chunk = identifiers.slice(at, at + RDS_BATCH_SIZE);
        void answer(
          region,
          chunk,
          readers.filter((reader) => chunk.includes(reader.key.identifier)),
        );
      }
    }
  };
  return {
    load: (key: RegionalKey): Promise<T | undefined> =>
      new Promise<T | undefined>((resolve, reject) => {
        if (!batching()) {
          void answer(key.region, [key.identifier], [{ key, resolve, reject }]);
          return;
        }
        // The first read of a turn schedules the batch after the promise jobs queued so far (DataLoader's order).
        if (waiting.length === 0) void Promise.resolve().then(() => process.nextTick(dispatch));
        waiting.push({ key, resolve, reject });
      }),
  };
};

const toInstanceState = (instance: DBInstance, identifier: string): DbInstanceState => ({
  identifier: instance.DBInstanceIdentifier ?? identifier,
  arn: instance.DBInstanceArn,
  status: instance.DBInstanceStatus ?? 'unknown',
  replicationSource: instance.ReadReplicaSourceDBInstanceIdentifier || undefined,
  backupRetentionPeriod: instance.BackupRetentionPeriod ?? 0,
  latestRestorableTime: iso(instance.LatestRestorableTime),
});

const toClusterState = (cluster: DBCluster, identifier: string): DbClusterState => ({
  identifier: cluster.DBClusterIdentifier ?? identifier,
  arn: cluster.DBClusterArn ?? '',
  status: cluster.Status ?? 'unknown',
  ...(cluster.GlobalClusterIdentifier ? { globalCluster: cluster.GlobalClusterIdentifier } : {}),
  ...(cluster.EngineVersion ? { engineVersion: cluster.EngineVersion } : {}),
  backupRetentionPeriod: cluster.BackupRetentionPeriod ?? 0,
  latestRestorableTime: iso(cluster.LatestRestorableTime),
});

const toGlobalState = (global: GlobalCluster, identifier: string): GlobalClusterState => {
  const failover = global.FailoverState;
  return {
    identifier: global.GlobalClusterIdentifier ?? identifier,
    status: global.Status ?? 'unknown',
    ...(global.EngineVersion ? { engineVersion: global.EngineVersion } : {}),
    members: (global.GlobalClusterMembers ?? []).flatMap((member) => {
      if (!member.DBClusterArn) return [];
      const { region: memberRegion, identifier: clusterIdentifier } = parseRdsArn(member.DBClusterArn);
      return [
        {
          clusterArn: member.DBClusterArn,
          clusterIdentifier,
          region: memberRegion,
          isWriter: member.IsWriter === true,
          ...(member.SynchronizationStatus ? { synchronizationStatus: member.SynchronizationStatus } : {}),
        },
      ];
    }),
    failoverState: failover?.Status
      ? {
          status: failover.Status,
          fromClusterArn: failover.FromDbClusterArn,
          toClusterArn: failover.ToDbClusterArn,
          isDataLossAllowed: failover.IsDataLossAllowed,
        }
      : undefined,
  };
};

/**
 * The reads of RdsPort over the RDS API (RdsAdapter adds the changes). Every call names its region: the failover path talks to the standby region only
 * (the global-cluster calls too, which any region of the global cluster serves), so that it never waits on the
 * region it recovers from. "Not found" answers become `undefined`; a request RDS throttles, read or write, is tried
 * again within RDS_READ_PACING's budget, then becomes ThrottledError (toSwitchbackError); every other error keeps its
 * AWS name for the use case to judge.
 */
export class RdsReader implements RdsReadPort {
  protected readonly client: (region: string) => RDSClient;
  protected readonly reads: PacedReads;

  private readonly batch: boolean;

  /**
   * @param deps.client - the RDS client of a region; defaults to the shared clients (built once per region).
   * @param deps.reads - how throttled requests are tried again, reads and writes; defaults to the adapter's own
   *   (RDS_READ_PACING).
   * @param deps.batch - send the reads of one kind made at once as one request per Region (regionalBatches): for the
   *   handlers that read a whole plan (Assess, Check Promotions, Verify Recovery, Check Failback Lag, readiness), each
   *   with an adapter of its own per invocation. Lambda runs one invocation at a time in an environment, but a drill
   *   runs a function's concurrent invocations (a Map's iterations) in one process: an adapter shared by them would
   *   put reads of different invocations in one request, which AWS never sees. Without it, each read is a request.
   */
  constructor(deps: { client?: (region: string) => RDSClient; reads?: PacedReads; batch?: boolean } = {}) {
    this.client = deps.client ?? ((region) => rdsClient(region));
    this.reads = deps.reads ?? new PacedReads(RDS_READ_PACING);
    this.batch = deps.batch === true;
  }

  /**
   * The instances read at once, per Region: one by its identifier (what IAM can narrow to that instance), several by
   * a `db-instance-id` filter (IAM authorizes the request on `db:*` of the Region: scripts/plan-resources.js).
   */
  private readonly instances = regionalBatches<DBInstance>(
    async (region, ids) => {
      const client = this.client(region);
      const found = await this.oneOrFiltered(
        ids,
        'DBInstanceNotFoundFault',
        (only) => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: only })),
        (Values, Marker) =>
          client.send(
            new DescribeDBInstancesCommand({
              Filters: [{ Name: 'db-instance-id', Values }],
              MaxRecords: RDS_BATCH_SIZE,
              Marker,
            }),
          ),
        (out) => out.DBInstances,
      );
      return foundBy(found, (instance) => [instance.DBInstanceIdentifier, instance.DBInstanceArn]);
    },
    () => this.batch,
  );

  /** The clusters read at once, per Region: one by its identifier, several by a `db-cluster-id` filter (`cluster:*`). */
  private readonly clusters = regionalBatches<DBCluster>(
    async (region, ids) => {
      const client = this.client(region);
      const found = await this.oneOrFiltered(
        ids,
        'DBClusterNotFoundFault',
        (only) => client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: only })),
        (Values, Marker) =>
          client.send(
            new DescribeDBClustersCommand({
              Filters: [{ Name: 'db-cluster-id', Values }],
              MaxRecords: RDS_BATCH_SIZE,
              Marker,
            }),
          ),
        (out) => out.DBClusters,
      );
      return foundBy(found, (cluster) => [cluster.DBClusterIdentifier, cluster.DBClusterArn]);
    },
    () => this.batch,
  );

  /**
   * The global clusters read at once: one by its identifier; several by listing the account's global clusters (RDS
   * takes no filter for them: "This parameter isn't currently supported"), page by page (`global-cluster:*`).
   */
  private readonly globals = regionalBatches<GlobalCluster>(
    async (region, ids) => {
      const client = this.client(region);
      const found = await this.oneOrFiltered(
        ids,
        'GlobalClusterNotFoundFault',
        (only) => client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: only })),
        (_all, Marker) => client.send(new DescribeGlobalClustersCommand({ MaxRecords: RDS_BATCH_SIZE, Marker })),
        (out) => out.GlobalClusters,
      );
      return foundBy(found, (global) => [global.GlobalClusterIdentifier, global.GlobalClusterArn]);
    },
    () => this.batch,
  );

  /**
   * One resource by its identifier (its "not found" fault: none), or several by `filtered`, every page: each request
   * one paced read. What `items` takes from the answers.
   */
  private async oneOrFiltered<Out extends { Marker?: string }, T>(
    ids: string[],
    notFoundFault: string,
    one: (identifier: string) => Promise<Out>,
    filtered: (identifiers: string[], marker: string | undefined) => Promise<Out>,
    items: (out: Out) => T[] | undefined,
  ): Promise<T[]> {
    const [only] = ids;
    if (only === undefined || ids.length > 1) return this.pages((marker) => filtered(ids, marker), items);
    try {
      return items(await this.reads.run(() => one(only))) ?? [];
    } catch (error) {
      if (awsErrorName(error) === notFoundFault) return [];
      throw error;
    }
  }

  /** Every page of a describe (each one paced read): what `items` takes from each page's answer. */
  private async pages<Out extends { Marker?: string }, T>(
    send: (marker: string | undefined) => Promise<Out>,
    items: (out: Out) => T[] | undefined,
  ): Promise<T[]> {
    const found: T[] = [];
    let marker: string | undefined;
    do {
      const out = await this.reads.run(() => send(marker));
      found.push(...(items(out) ?? []));
      marker = out.Marker;
    } while (marker);
    return found;
  }

  describeInstance(region: string, identifier: string): Promise<DbInstanceState | undefined> {
    return readUnlessNotFound('DescribeDBInstances', 'DBInstanceNotFoundFault', async () => {
      const instance = await this.instances.load({ region, identifier });
      return instance && toInstanceState(instance, identifier);
    });
  }

  describeGlobalCluster(region: string, identifier: string): Promise<GlobalClusterState | undefined> {
    return readUnlessNotFound('DescribeGlobalClusters', 'GlobalClusterNotFoundFault', async () => {
      const global = await this.globals.load({ region, identifier });
      return global && toGlobalState(global, identifier);
    });
  }

  describeCluster(region: string, identifier: string): Promise<DbClusterState | undefined> {
    return readUnlessNotFound('DescribeDBClusters', 'DBClusterNotFoundFault', async () => {
      const cluster = await this.clusters.load({ region, identifier });
      return cluster && toClusterState(cluster, identifier);
    });
  }

  /**
   * Backups replicated into `region` from another region's instance or cluster (cross-Region automated backup
   * replication): the newest `RestoreWindow.LatestTime` of those whose source is `sourceArn`.
   */
  async latestReplicatedBackup(region: string, sourceArn: string): Promise<string | undefined> {
    return sourceArn.includes(':cluster:')
      ? this.latestClusterBackup(region, sourceArn)
      : this.latestInstanceBackup(region, sourceArn);
  }

  private async latestInstanceBackup(region: string, sourceArn: string): Promise<string | undefined> {
    const backups = await readUnlessNotFound(
      'DescribeDBInstanceAutomatedBackups',
      'DBInstanceAutomatedBackupNotFoundFault',
      () => this.instanceBackups.load({ region, identifier: sourceArn }),
    );
    return newest((backups ?? []).map((backup) => backup.RestoreWindow?.LatestTime));
  }

  private async latestClusterBackup(region: string, sourceArn: string): Promise<string | undefined> {
    const backups = await readUnlessNotFound(
      'DescribeDBClusterAutomatedBackups',
      'DBClusterAutomatedBackupNotFoundFault',
      () => this.clusterBackups.load({ region, identifier: sourceArn }),
    );
    return newest((backups ?? []).map((backup) => backup.RestoreWindow?.LatestTime));
  }

  /**
   * The replicated backups of the sources asked at once, per Region: one DescribeDBInstanceAutomatedBackups whose
   * `db-instance-id` filter names every source ARN, page by page. The filter accepts identifiers too: each source
   * keeps only the backups whose DBInstanceArn is exactly its ARN.
   */
  private readonly instanceBackups = regionalBatches<DBInstanceAutomatedBackup[]>(
    async (region, sources) => {
      const found = await this.pages(
        (Marker) =>
          this.client(region).send(
            new DescribeDBInstanceAutomatedBackupsCommand({
              Filters: [{ Name: 'db-instance-id', Values: sources }],
              Marker,
            }),
          ),
        (out) => out.DBInstanceAutomatedBackups,
      );
      return new Map(sources.map((source) => [source.toLowerCase(), found.filter((b) => b.DBInstanceArn === source)]));
    },
    () => this.batch,
  );

  /** The same for clusters: DescribeDBClusterAutomatedBackups with a `db-cluster-id` filter of every source ARN. */
  private readonly clusterBackups = regionalBatches<DBClusterAutomatedBackup[]>(
    async (region, sources) => {
      const found = await this.pages(
        (Marker) =>
          this.client(region).send(
            new DescribeDBClusterAutomatedBackupsCommand({
              Filters: [{ Name: 'db-cluster-id', Values: sources }],
              Marker,
            }),
          ),
        (out) => out.DBClusterAutomatedBackups,
      );
      return new Map(sources.map((source) => [source.toLowerCase(), found.filter((b) => b.DBClusterArn === source)]));
    },
    () => this.batch,
  );
}

/**
 * RdsReader and the changes: promotion, stop, global-cluster failover and switchover. Only the steps that change
 * databases build one; the steps that only read build an RdsReader, whose bundle carries none of the changes' code.
 */
export class RdsAdapter extends RdsReader implements RdsPort {
  async promoteReadReplica(region: string, identifier: string, backupRetentionPeriod: number): Promise<void> {
    try {
      await this.reads.run(() =>
        this.client(region).send(
          new PromoteReadReplicaCommand({
            DBInstanceIdentifier: identifier,
            BackupRetentionPeriod: backupRetentionPeriod,
          }),
        ),
      );
    } catch (error) {
      throw toSwitchbackError('rds', 'PromoteReadReplica', error);
    }
  }

  async stopInstance(region: string, identifier: string): Promise<void> {
    try {
      await this.reads.run(() =>
        this.client(region).send(new StopDBInstanceCommand({ DBInstanceIdentifier: identifier })),
      );
    } catch (error) {
      throw toSwitchbackError('rds', 'StopDBInstance', error);
    }
  }

  /** Unplanned failover: the secondary becomes the writer at once; writes not yet replicated are lost. */
  async failoverGlobalCluster(region: string, globalCluster: string, targetClusterArn: string): Promise<void> {
    try {
      await this.reads.run(() =>
        this.client(region).send(
          new FailoverGlobalClusterCommand({
            GlobalClusterIdentifier: globalCluster,
            TargetDbClusterIdentifier: targetClusterArn,
            AllowDataLoss: true,
          }),
        ),
      );
    } catch (error) {
      throw toSwitchbackError('rds', 'FailoverGlobalCluster', error);
    }
  }

  /** Planned switchover: waits for the secondary to catch up (RPO 0); needs the primary region to answer. */
  async switchoverGlobalCluster(region: string, globalCluster: string, targetClusterArn: string): Promise<void> {
    try {
      await this.reads.run(() =>
        this.client(region).send(
          new SwitchoverGlobalClusterCommand({
            GlobalClusterIdentifier: globalCluster,
            TargetDbClusterIdentifier: targetClusterArn,
          }),
        ),
      );
    } catch (error) {
      throw toSwitchbackError('rds', 'SwitchoverGlobalCluster', error);
    }
  }
}
