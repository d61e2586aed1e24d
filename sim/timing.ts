/**
 * The timing model of the simulated AWS. Each default names its published source, as listed in the project's AWS
 * facts sheet (aws-facts.md); where no source gives a figure, the comment says it is a modelling choice.
 * Every value can be overridden per scenario (`resolveTiming`).
 */

export interface TimingModel {
  healthCheck: {
    /**
     * Seconds between two checks. Route 53 Developer Guide, "How Route 53 determines whether a health check is
     * healthy": 10 (fast) or 30 (default).
     */
    intervalSeconds: number;
    /** Consecutive failed (or passed) checks that change the status. Same source: 1-10, default 3. */
    failureThreshold: number;
    /** Healthy when more than this share of checkers report healthy. Same source: > 18%. */
    healthyCheckerShare: number;
    /**
     * Checker regions reporting in GetHealthCheckStatus. Route 53 API, HealthCheckRegion lists 8; not in the facts
     * sheet, and it only shapes the observations (all checkers see the same endpoint here).
     */
    checkerCount: number;
  };
  alarm: {
    /**
     * Period of the HealthCheckStatus alarm. Route 53 Developer Guide, "Monitoring health checks using
     * CloudWatch": 1-minute resolution.
     */
    periodSeconds: number;
    /** Periods evaluated (all must breach) to go to ALARM. Modelling choice: HealthCheckStatus < 1 for 1 period. */
    evaluationPeriods: number;
    /**
     * Seconds after a period ends before CloudWatch evaluates it. Modelling choice (0): the facts sheet only says
     * "several minutes might elapse" between a failing check and its notification; scenarios may raise it.
     */
    evaluationDelaySeconds: number;
  };
  events: {
    /** EventBridge to Lambda delivery, ms. bitesizedserverless.com, "Serverless messaging latency compared": p50 148 ms. */
    deliveryMs: number;
  };
  stepFunctions: {
    /** Per Lambda step, ms. Same source: Standard p50 142 ms. */
    stepLatencyMs: number;
  };
  lambda: {
    /** Handler duration range, ms (warm, one or two AWS calls). Modelling choice; middy adds < 1 ms (middy docs). */
    minDurationMs: number;
    maxDurationMs: number;
  };
  rds: {
    /** PromoteReadReplica, start to available. RDS User Guide, "Promoting a read replica": "several minutes or longer". */
    promoteSeconds: number;
    /** Seeded spread around promoteSeconds (± share). Modelling choice. */
    promoteJitter: number;
    /** Share of the promotion spent rebooting at its end (RDS User Guide: "the instance reboots"). Modelling choice. */
    promoteRebootShare: number;
    /** Replica lag range, seconds. Modelling choice: the facts sheet gives no RDS figure (ReplicaLag is in seconds). */
    replicaLagMinSeconds: number;
    replicaLagMaxSeconds: number;
    /**
     * Cadence of log uploads: LatestRestorableTime is "typically within 5 min of now" (RDS User Guide, "Restoring
     * a DB instance to a specified time").
     */
    restorableCadenceSeconds: number;
    /**
     * How far the cross-region automated backup copy trails the source's LatestRestorableTime. Modelling choice:
     * the facts sheet has no figure; we assume the same 5-minute cadence.
     */
    crossRegionCopyLagSeconds: number;
    /**
     * StopDBInstance, `stopping` to `stopped`. Modelling choice: the facts sheet has no figure (the RDS User Guide,
     * "Stopping an Amazon RDS DB instance temporarily", gives none either).
     */
    stopSeconds: number;
    /**
     * CreateDBSnapshot, `creating` to `available`. RDS User Guide, "Creating a DB snapshot": the first snapshot of
     * an instance holds all its data, later ones are incremental; no published duration: 600 s is a modelling choice.
     */
    snapshotSeconds: number;
    /**
     * CreateDBInstanceReadReplica across regions, `creating` to `available`. RDS User Guide, "Creating a read
     * replica": RDS takes a snapshot of the source and begins replication, and a long-running transaction slows it;
     * no published duration: 1200 s is a modelling choice.
     */
    replicaCreateSeconds: number;
    /**
     * The new replica's lag when it becomes available (the writes made since its snapshot), falling linearly to the
     * usual seeded lag over `replicaCatchUpSeconds`. Same source ("its volumes continue to load data blocks"):
     * modelling choices.
     */
    replicaInitialLagSeconds: number;
    replicaCatchUpSeconds: number;
    /** DeleteDBInstance (with a final snapshot), `deleting` to gone. Modelling choice, as restore.deleteSeconds. */
    deleteSeconds: number;
  };
  aurora: {
    /**
     * FailoverGlobalCluster with AllowDataLoss. Aurora User Guide, "Disaster recovery for Aurora global
     * databases": new primary "within a few minutes".
     */
    failoverSeconds: number;
    /** SwitchoverGlobalCluster. Same source: RPO 0, duration grows with lag (added on top). */
    switchoverSeconds: number;
    /** Seeded spread of both (± share). Modelling choice. */
    jitter: number;
    /** AuroraGlobalDBRPOLag range, ms. Aurora User Guide, Global Database: lag "typically < 1 s". */
    lagMinMs: number;
    lagMaxMs: number;
    /**
     * CreateDBCluster joined to a global cluster (a new secondary), `creating` to `available`, and its first
     * instance. Aurora User Guide, "Adding an AWS Region to an Amazon Aurora global database": replication begins
     * when the cluster's primary instance is available; no published duration: modelling choices (as restores).
     */
    secondaryClusterSeconds: number;
    secondaryInstanceSeconds: number;
  };
  restore: {
    /**
     * RestoreDBInstanceToPointInTime (RDS, from replicated automated backups), start to available, before storage:
     * RDS User Guide, "Replicating automated backups to another AWS Region": "duration grows with storage and log
     * replay" (aws-facts.md, Databases); no published figure, so the 600 s base is a modelling choice.
     */
    instanceBaseSeconds: number;
    /** Added per GiB of allocated storage (the same source: grows with storage). Modelling choice: 3 s/GiB. */
    instanceSecondsPerGiB: number;
    /** RestoreDBClusterToPointInTime (Aurora), start to available: same source and choice as the RDS base. */
    clusterBaseSeconds: number;
    /** Added per GiB of the cluster volume. Modelling choice: 1 s/GiB (Aurora restores the shared volume). */
    clusterSecondsPerGiB: number;
    /** CreateDBInstance in a restored Aurora cluster, start to available. Modelling choice. */
    auroraInstanceSeconds: number;
    /** DeleteDBInstance/DeleteDBCluster without a final snapshot, `deleting` to gone. Modelling choice. */
    deleteSeconds: number;
    /** Seeded spread of the restore durations (± share). Modelling choice. */
    jitter: number;
  };
  route53: {
    /**
     * PENDING to INSYNC. Route 53 API, GetChange: propagation "designed for <= 60 s" (observed 60-130 s in public
     * issue reports: raise it per scenario).
     */
    changeInSyncSeconds: number;
    /** TTL of the failover records. AWS News blog, Route 53 health check improvements: 60 s recommended. */
    recordTtlSeconds: number;
    /**
     * How long after a CloudWatch alarm's evaluation a Route 53 health check on it (CLOUDWATCH_METRIC) follows.
     * Modelling choice (30 s, an endpoint check's default interval): the Route 53 Developer Guide says the checkers
     * read the alarm's data stream but gives no figure (shared/domain/dns-switch.ts ALARM_SWITCH_DELAY).
     */
    alarmHealthCheckSeconds: number;
  };
}

/** The defaults, each from the source named on its field. */
export const DEFAULT_TIMING: TimingModel = Object.freeze({
  healthCheck: { intervalSeconds: 30, failureThreshold: 3, healthyCheckerShare: 0.18, checkerCount: 8 },
  alarm: { periodSeconds: 60, evaluationPeriods: 1, evaluationDelaySeconds: 0 },
  events: { deliveryMs: 148 },
  stepFunctions: { stepLatencyMs: 142 },
  lambda: { minDurationMs: 30, maxDurationMs: 80 },
  rds: {
    promoteSeconds: 240,
    promoteJitter: 0.1,
    promoteRebootShare: 0.25,
    replicaLagMinSeconds: 1,
    replicaLagMaxSeconds: 3,
    restorableCadenceSeconds: 300,
    crossRegionCopyLagSeconds: 300,
    stopSeconds: 120,
    snapshotSeconds: 600,
    replicaCreateSeconds: 1200,
    replicaInitialLagSeconds: 900,
    replicaCatchUpSeconds: 600,
    deleteSeconds: 240,
  },
  aurora: {
    failoverSeconds: 120,
    switchoverSeconds: 150,
    jitter: 0.1,
    lagMinMs: 100,
    lagMaxMs: 900,
    secondaryClusterSeconds: 600,
    secondaryInstanceSeconds: 420,
  },
  restore: {
    instanceBaseSeconds: 600,
    instanceSecondsPerGiB: 3,
    clusterBaseSeconds: 600,
    clusterSecondsPerGiB: 1,
    auroraInstanceSeconds: 420,
    deleteSeconds: 240,
    jitter: 0.1,
  },
  route53: { changeInSyncSeconds: 60, recordTtlSeconds: 60, alarmHealthCheckSeconds: 30 },
}) as TimingModel;

/** A partial timing model: any field may be given, the rest stays as the defaults. */
export type TimingOverrides = { [Group in keyof TimingModel]?: Partial<TimingModel[Group]> };

/**
 * The defaults with the overrides applied, checked: an unknown group or field, or a value that is not a number
 * (or out of range), throws a RangeError naming `timing.<group>.<field>` and what is expected.
 */
export const resolveTiming = (overrides: TimingOverrides = {}): TimingModel => {
  const out = structuredClone(DEFAULT_TIMING) as unknown as Record<string, Record<string, number>>;
  for (const [group, fields] of Object.entries(overrides)) {
    const target = out[group];
    if (!target) {
      throw new RangeError(`timing.${group} is not a timing group; known: ${Object.keys(out).join(', ')}`);
    }
    for (const [field, value] of Object.entries(fields ?? {})) {
      if (!(field in target)) {
        throw new RangeError(
          `timing.${group}.${field} is not a timing field; known: ${Object.keys(target).join(', ')}`,
        );
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new RangeError(`timing.${group}.${field} must be a number >= 0, got ${JSON.stringify(value)}`);
      }
      target[field] = value;
    }
  }
  const timing = out as unknown as TimingModel;
  if (timing.healthCheck.failureThreshold < 1 || !Number.isInteger(timing.healthCheck.failureThreshold)) {
    throw new RangeError('timing.healthCheck.failureThreshold must be a whole number from 1 to 10');
  }
  if (timing.healthCheck.intervalSeconds <= 0 || timing.alarm.periodSeconds <= 0) {
    throw new RangeError('timing.healthCheck.intervalSeconds and timing.alarm.periodSeconds must be > 0');
  }
  if (timing.lambda.maxDurationMs < timing.lambda.minDurationMs) {
    throw new RangeError('timing.lambda.maxDurationMs must be >= timing.lambda.minDurationMs');
  }
  return timing;
};
