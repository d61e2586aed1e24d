import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { GlobalClusterState } from '../domain/ports';
import { PacedReads } from './paced-reads';
import { RdsAdapter } from './rds';
import { RDS_READ_PACING, readCluster, readInstance, readUnlessNotFound, startOnce } from './rds-calls';
import { rdsClient } from './sdk/rds';

/** An RDS instance as the reprotect runbook reads it. */
export interface ReprotectInstance {
  identifier: string;
  arn: string;
  status: string;
  encrypted: boolean;
  /** The instance it replicates from (an ARN for a cross-region replica), while it is a read replica. */
  replicationSource?: string;
  /** DescribeDBInstances StatusInfos "read replication": replicating, error, stopped, terminated. */
  replication?: string;
  instanceClass?: string;
  /** The Aurora cluster it belongs to, for a cluster instance. */
  cluster?: string;
  /** DeleteDBInstance refuses while it is on. */
  deletionProtection: boolean;
}

/** An Aurora cluster as the reprotect runbook reads it. */
export interface ReprotectCluster {
  identifier: string;
  arn: string;
  status: string;
  /** The global cluster it is a member of; absent: a standalone cluster (taken out of its global cluster). */
  globalCluster?: string;
  encrypted: boolean;
  engine: string;
  engineVersion?: string;
}

/** A new cross-region read replica of an RDS instance. */
export interface ReadReplicaRequest {
  identifier: string;
  /** The source instance's ARN (a cross-region replica names its source by ARN; its region is the source region). */
  sourceArn: string;
  /** A key of the replica's region; required by RDS when the source is encrypted. */
  kmsKeyId?: string;
  instanceClass?: string;
}

/** A new secondary cluster of an Aurora global database, and its first instance. */
export interface SecondaryClusterRequest {
  identifier: string;
  globalCluster: string;
  engine: string;
  engineVersion?: string;
  kmsKeyId?: string;
}

/** What the reprotect runbook asks of RDS (shared/usecases/reprotect/). */
export interface ReprotectPort {
  describeInstance(region: string, identifier: string): Promise<ReprotectInstance | undefined>;
  describeCluster(region: string, identifier: string): Promise<ReprotectCluster | undefined>;
  describeGlobalCluster(region: string, identifier: string): Promise<GlobalClusterState | undefined>;
  /** The snapshot's status (creating, available, …), undefined when there is none of that name. */
  describeSnapshot(region: string, identifier: string): Promise<string | undefined>;
  /** Each create returns `exists` when the name is taken already (a retry or redrive of the same run). */
  createSnapshot(region: string, instance: string, snapshot: string): Promise<'started' | 'exists'>;
  createReadReplica(region: string, request: ReadReplicaRequest): Promise<'started' | 'exists'>;
  createSecondaryCluster(region: string, request: SecondaryClusterRequest): Promise<'started' | 'exists'>;
  createClusterInstance(
    region: string,
    request: { identifier: string; cluster: string; engine: string; instanceClass: string },
  ): Promise<'started' | 'exists'>;
  /** DeleteDBInstance with a final snapshot; `gone` when there is nothing (left) to delete. */
  deleteInstance(region: string, identifier: string, finalSnapshot: string): Promise<'deleting' | 'gone'>;
}

/**
 * ReprotectPort over the RDS API. Each call names its region: a cross-region replica or secondary cluster is
 * created in the region it goes into (the target), its source named by ARN. For CreateDBInstanceReadReplica the
 * SDK's RDS middleware (@aws-sdk/middleware-sdk-rds) sees a source ARN of another region and adds the presigned
 * URL (`PreSignedUrl`, signed for the source region) that the RDS API asks of a cross-region replica.
 */
export class RdsReprotectAdapter implements ReprotectPort {
  private readonly client: (region: string) => RDSClient;
  private readonly rds: RdsAdapter;
  private readonly reads: PacedReads;

  /**
   * @param deps.client - the RDS client of a region; defaults to the shared clients (built once per region).
   * @param deps.reads - how reads are tried again when throttled; defaults to the adapter's own (RDS_READ_PACING).
   */
  constructor(deps: { client?: (region: string) => RDSClient; reads?: PacedReads } = {}) {
    this.client = deps.client ?? ((region) => rdsClient(region));
    this.reads = deps.reads ?? new PacedReads(RDS_READ_PACING);
    this.rds = new RdsAdapter({ client: this.client, reads: this.reads });
  }

  async describeInstance(region: string, identifier: string): Promise<ReprotectInstance | undefined> {
    const instance = await readInstance(this.client(region), identifier, this.reads);
    if (!instance) return undefined;
    const replication = instance.StatusInfos?.find((info) => info.StatusType === 'read replication')?.Status;
    return {
      identifier: instance.DBInstanceIdentifier ?? identifier,
      arn: instance.DBInstanceArn ?? '',
      status: instance.DBInstanceStatus ?? 'unknown',
      encrypted: instance.StorageEncrypted === true,
      deletionProtection: instance.DeletionProtection === true,
      ...(instance.ReadReplicaSourceDBInstanceIdentifier
        ? { replicationSource: instance.ReadReplicaSourceDBInstanceIdentifier }
        : {}),
      ...(replication ? { replication } : {}),
      ...(instance.DBInstanceClass ? { instanceClass: instance.DBInstanceClass } : {}),
      ...(instance.DBClusterIdentifier ? { cluster: instance.DBClusterIdentifier } : {}),
    };
  }

  async describeCluster(region: string, identifier: string): Promise<ReprotectCluster | undefined> {
    const cluster = await readCluster(this.client(region), identifier, this.reads);
    if (!cluster) return undefined;
    return {
      identifier: cluster.DBClusterIdentifier ?? identifier,
      arn: cluster.DBClusterArn ?? '',
      status: cluster.Status ?? 'unknown',
      ...(cluster.GlobalClusterIdentifier ? { globalCluster: cluster.GlobalClusterIdentifier } : {}),
      encrypted: cluster.StorageEncrypted === true,
      engine: cluster.Engine ?? 'aurora-postgresql',
      ...(cluster.EngineVersion ? { engineVersion: cluster.EngineVersion } : {}),
    };
  }

  describeGlobalCluster(region: string, identifier: string): Promise<GlobalClusterState | undefined> {
    return this.rds.describeGlobalCluster(region, identifier);
  }

  describeSnapshot(region: string, identifier: string): Promise<string | undefined> {
    return readUnlessNotFound(
      'DescribeDBSnapshots',
      'DBSnapshotNotFoundFault',
      async () => {
        const out = await this.client(region).send(
          new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }),
        );
        const snapshot = out.DBSnapshots?.[0];
        return snapshot ? (snapshot.Status ?? 'unknown') : undefined;
      },
      this.reads,
    );
  }

  createSnapshot(region: string, instance: string, snapshot: string): Promise<'started' | 'exists'> {
    return startOnce('CreateDBSnapshot', 'DBSnapshotAlreadyExistsFault', () =>
      this.client(region).send(
        new CreateDBSnapshotCommand({ DBInstanceIdentifier: instance, DBSnapshotIdentifier: snapshot }),
      ),
    );
  }

  createReadReplica(region: string, request: ReadReplicaRequest): Promise<'started' | 'exists'> {
    return startOnce('CreateDBInstanceReadReplica', 'DBInstanceAlreadyExistsFault', () =>
      this.client(region).send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: request.identifier,
          SourceDBInstanceIdentifier: request.sourceArn,
          ...(request.kmsKeyId ? { KmsKeyId: request.kmsKeyId } : {}),
          ...(request.instanceClass ? { DBInstanceClass: request.instanceClass } : {}),
          PubliclyAccessible: false,
        }),
      ),
    );
  }

  createSecondaryCluster(region: string, request: SecondaryClusterRequest): Promise<'started' | 'exists'> {
    return startOnce('CreateDBCluster', 'DBClusterAlreadyExistsFault', () =>
      this.client(region).send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: request.identifier,
          GlobalClusterIdentifier: request.globalCluster,
          Engine: request.engine,
          ...(request.engineVersion ? { EngineVersion: request.engineVersion } : {}),
          ...(request.kmsKeyId ? { KmsKeyId: request.kmsKeyId, StorageEncrypted: true } : {}),
        }),
      ),
    );
  }

  createClusterInstance(
    region: string,
    request: { identifier: string; cluster: string; engine: string; instanceClass: string },
  ): Promise<'started' | 'exists'> {
    return startOnce('CreateDBInstance', 'DBInstanceAlreadyExistsFault', () =>
      this.client(region).send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: request.identifier,
          DBClusterIdentifier: request.cluster,
          Engine: request.engine,
          DBInstanceClass: request.instanceClass,
        }),
      ),
    );
  }

  async deleteInstance(region: string, identifier: string, finalSnapshot: string): Promise<'deleting' | 'gone'> {
    const deleting = await readUnlessNotFound('DeleteDBInstance', 'DBInstanceNotFoundFault', async () => {
      await this.client(region).send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: identifier,
          SkipFinalSnapshot: false,
          FinalDBSnapshotIdentifier: finalSnapshot,
        }),
      );
      return 'deleting' as const;
    });
    return deleting ?? 'gone';
  }
}
