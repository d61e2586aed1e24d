import type { CloudWatchRegion } from '@aws-sdk/client-route-53';
import type { DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import { DNS_QUERY_TIMEOUT_MS, DnsQueryError } from '../shared/aws/dns-answers';
import { copyName } from '../shared/domain/copy-names';
import { dnsName } from '../shared/domain/dns-answers';
import type { Topology } from '../shared/domain/topology';
import type { Plan, RdsReadReplica } from '../shared/plan/schema';
import type { Scheduler } from './clock';
import { awsError, SimError } from './errors';
import { ArcModel } from './models/arc';
import { AuroraModel } from './models/aurora';
import { Alarms, Metrics, ROUTE53_METRICS_REGION } from './models/cloudwatch';
import { EventBus } from './models/eventbridge';
import { HealthChecks, Regions } from './models/health';
import { type IamDrift, IamModel } from './models/iam';
import type { AlarmTransition } from './models/metric-alarm';
import { ProberModel } from './models/prober';
import { HISTORY_MS, type RdsInstance, RdsModel } from './models/rds';
import { type RestoreFaults, RestoreModel } from './models/restore';
import { normalizeName, ROUTE53_CONTROL_REGION, Route53Model } from './models/route53';
import { SwitchAlarmModel } from './models/switch-alarm';
import { type WiringDrift, WiringModel } from './models/wiring';
import { Random } from './random';
import { resolveTiming, type TimingModel, type TimingOverrides } from './timing';

/**
 * The simulated two-region AWS of a local drill, built from a validated plan, a scenario and a seed.
 *
 * What the drill runner calls:
 * - `createWorld({ plan, scenario, seed, clock })` with a `VirtualClock` (sim/clock.ts) installed first; the world
 *   starts its health checks and alarm evaluations at once;
 * - `useClientPlugin(createSimPlugin(world))` (sim/sdk-plugin.ts) so every SDK client of the product is served here;
 * - `world.bus.subscribe(pattern, handler)` to deliver "CloudWatch Alarm State Change" (and the product's own
 *   events) to the real handlers, after the modelled EventBridge latency;
 * - `world.stepFunctions = { startExecution, sendTaskSuccess, sendTaskFailure, describeExecution }` to run the
 *   state machine when a handler calls StartExecution (the default only records);
 * - `world.secrets.put(...)` for the Slack notifier's secret;
 * - `world.timing`, `world.lambdaDurationMs(key, n)` for the latencies the runner adds;
 * - afterwards: `world.actions`, `world.bus.events`, `world.alarms.transitions()`, `world.resolve(name)`,
 *   `world.groundTruth()`, `world.criticalPathLowerBound()`, and `world.stop()`.
 *
 * The SDK resolves credentials before the simulator answers: the drill process needs static fake credentials
 * (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), as the local DynamoDB does. All times are virtual epoch ms.
 */

/** The AWS account id of the simulated world. */
export const SIM_ACCOUNT = '123456789012';
/** The access key id the drill process signs with (fake static credentials), and the principal it belongs to. */
export const DRILL_ACCESS_KEY_ID = 'drill';
export const DRILL_OPERATOR_ARN = `arn:aws:sts::${SIM_ACCOUNT}:assumed-role/switchback-drill-operator/drill`;

import type { OutageService } from './outage-services';

export { ALL_OUTAGE_SERVICES, type OutageService } from './outage-services';

/**
 * The identifier of the read replica that a reprotect created in the primary region for a `reprotected` start, named
 * as reprotect names it (`<plan replica>-rp-<6 hex>`, shared/domain/copy-names.ts) so that the runbooks after it (a failback,
 * then reprotect the other way) work on names the deployed roles grant (the old primary is kept, stopped, beside it).
 */
export const reprotectedStandby = (replicaInstance: string): string =>
  copyName(replicaInstance, 'rp', `the drill (a re-protected start)|${replicaInstance}`);

/**
 * The ledger's topology for a `reprotected` start: the standby region serves; each RDS database writes on its
 * promoted replica with the new replica in the primary region standing by (the old primary replaced); each Aurora
 * database writes on its secondary cluster with the old primary rejoined as its standby.
 */
export const reprotectedTopology = (plan: Plan, since: string): Topology => {
  return {
    activeRegion: plan.regions.standby,
    databases: plan.databases.map((db) =>
      db.kind === 'rds-read-replica'
        ? {
            id: db.id,
            kind: db.kind,
            writer: { region: db.replica.region, identifier: db.replica.instance },
            standby: { region: db.primary.region, identifier: reprotectedStandby(db.replica.instance) },
            oldPrimary: { region: db.primary.region, identifier: db.primary.instance, state: 'replaced', since },
          }
        : {
            id: db.id,
            kind: db.kind,
            writer: { region: db.secondary.region, identifier: db.secondary.cluster },
            standby: { region: db.primary.region, identifier: db.primary.cluster },
          },
    ),
    updatedAt: since,
    updatedBy: 'the drill (a re-protected start)',
  };
};

/** A scenario as data: what goes wrong and when, relative to the drill start. Built by sim/scenarios.ts. */
export interface ScenarioSpec {
  name: string;
  description: string;
  /** Which runbook the drill runs: the failover (started by the health alarm, default) or a restore test. */
  runbook?: 'failover' | 'restore-test';
  /**
   * Region outages, in seconds after the drill start; `untilSeconds` absent means it never ends. `us-east-1` is
   * us-east-1 whatever the plan's regions: the region of Route 53's control plane and HealthCheckStatus metric.
   */
  outages: { region: 'primary' | 'standby' | 'us-east-1'; atSeconds: number; untilSeconds?: number }[];
  /**
   * Services whose calls to a down region get no answer. Default: RDS only (the application and its databases
   * fail; AWS's regional services there keep answering). `route53` is Route 53's API (control plane, us-east-1);
   * its DNS answers and health checks are a data plane that no outage here stops.
   */
  outageAffects?: readonly OutageService[];
  /**
   * An operator starts the failover by hand (as `switchback run` does), this many seconds after the drill start:
   * for scenarios where no alarm can arrive.
   */
  manualStart?: {
    atSeconds: number;
    reason: string;
    mode?: 'live' | 'game-day';
    /** The operator starts nothing when a failover is already running by then (detected without them). */
    unlessStarted?: boolean;
  };
  rds?: {
    /** Fixed replica lag, seconds. */
    lagSeconds?: number;
    /**
     * Other callers of the RDS API in the standby region (monitoring, other tools, the console) that ask for more than
     * its request rate from `atSeconds` on: they take `perSecond` of its 12 requests a second and leave the rest,
     * without a burst (RdsModel#shareRequestRate).
     */
    otherCallers?: { atSeconds: number; perSecond: number };
    /** How every RDS promotion ends. */
    promotionOutcome?: 'available' | 'incompatible-parameters';
    /** The replica is `backing-up` for `seconds`, from `atSeconds` after the start, or from the first promote call. */
    backingUp?: { atSeconds?: number; seconds: number };
  };
  aurora?: { lagMs?: number };
  backups?: { staleSeconds?: number; crossRegionCopy?: boolean };
  route53?: {
    changeFaults?: ('Throttling' | 'PriorRequestNotComplete')[];
    /**
     * Other callers of Route 53's API in the account (the console, other tools) that ask for more than its request
     * rate from `atSeconds` on: they take `perSecond` of it and leave the rest, without a burst (RequestRateLimits).
     */
    otherCallers?: { atSeconds: number; perSecond: number };
  };
  arc?: {
    /**
     * Other writers of the ARC cluster endpoint in the standby region (other applications failing over through the
     * same cluster, which try that endpoint first) from `atSeconds` on: they take `perSecond` of its 3 writes a second
     * (all of them at 3), leaving the rest without a burst (ArcModel#otherWriters).
     */
    otherWriters?: { atSeconds: number; perSecond: number };
  };
  /**
   * Drift: the world differs from the plan before anything happens. `standbyMissing`: the first RDS read replica of
   * the plan does not exist; `recordMissing`: the standby record of the first record pair does not exist;
   * `recordNotFailover`: that record is a weighted record instead of a failover record; `standbyEndpointUnhealthy`:
   * the standby region's endpoint fails its Route 53 health check throughout (its application does not answer the
   * checkers; its databases and AWS's services there do).
   */
  drift?: {
    standbyMissing?: boolean;
    recordMissing?: boolean;
    recordNotFailover?: boolean;
    standbyEndpointUnhealthy?: boolean;
    wiring?: WiringDrift;
    iam?: IamDrift;
  };
  /** How point-in-time restores end and the storage they restore (sim/models/restore.ts). */
  restore?: RestoreFaults;
  timing?: TimingOverrides;
  /**
   * The fence retry schedule as deployed (start-fence every `everySeconds`), and the application's probes of DNS and
   * writes every `probeEverySeconds`, whose evidence goes into the report's `fence`.
   */
  fenceRetry?: { everySeconds: number; probeEverySeconds: number };
  /**
   * When the plan's scheduled readiness runs (EventBridge Scheduler invokes the readiness function, which records its
   * result in the ledger), in seconds: what a live failover that reads no record goes by.
   */
  readinessAtSeconds?: number;
  /** Runbooks a person starts by hand after the failover (StartExecution of its state machine), in seconds. */
  runbooks?: { action: 'fence' | 'reprotect' | 'failback' | 'game-day'; atSeconds: number }[];
  /**
   * How the world starts. `plan` (default): as the plan file says. `reprotected`: after an earlier failover that was
   * fenced and re-protected: the standby region writes, the old RDS primary is stopped and a new read replica of the
   * writer stands by in the primary region (`reprotectedStandby`), the old Aurora primary is a secondary again, the
   * standby records are PRIMARY; the ledger's topology says the same.
   */
  start?: 'plan' | 'reprotected';
}

/** One mutating call that reached the simulator, in call order. */
export interface SimAction {
  atMs: number;
  at: string;
  service: 'rds' | 'route53' | 'route53-recovery-cluster' | 'ssm' | 'cloudwatch';
  operation: string;
  target: string;
  region: string;
  /** "accepted", or the name of the error it answered. */
  outcome: string;
}

/** One AWS call that reached the simulator (any service but DynamoDB), in call order. */
export interface SimCall {
  atMs: number;
  /** The SDK client, e.g. "RDSClient". */
  client: string;
  operation: string;
  /** The region the call went to (us-east-1 for Route 53's API). */
  region: string;
  /** The function that made it (undefined: the drill itself, or a rule/alarm model outside any function). */
  fn?: string;
}

/**
 * The fence runbook's functions: the failover starts it after recovery (its last step), and the fence retry on a
 * schedule; nothing of the recovery waits on them (shared/domain/live-path.ts lists them `afterRecovery`).
 */
const AFTER_RECOVERY_FUNCTIONS = new Set([
  'start-fence',
  'assess-fence',
  'fence-database',
  'fence-record',
  'record-fence',
]);

/**
 * The scheduled readiness: it checks the plan between incidents, with the control planes of other regions too
 * (us-east-1's Route 53 API among them); no run waits on it, and a run reads only what it recorded in the ledger.
 */
const SCHEDULED_FUNCTIONS = new Set(['readiness']);

/** Step Functions as the drill runner provides it; the SDK plugin delegates SFN commands here. */
export interface SimStepFunctions {
  /**
   * Starts an execution. The same name with the same input returns the existing execution (Step Functions
   * Developer Guide: idempotent); the same name with a different input throws ExecutionAlreadyExists
   * (build it with `awsError('SFNClient', { code: 'ExecutionAlreadyExists', ... })`).
   */
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): Promise<{
    executionArn: string;
    startDate: Date;
  }>;
  sendTaskSuccess(request: { taskToken: string; output: string }): Promise<void>;
  sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }): Promise<void>;
  describeExecution(request: { executionArn: string }): Promise<Omit<DescribeExecutionOutput, '$metadata'>>;
}

/** Executions and task answers seen by the default Step Functions, which records but runs nothing. */
export interface RecordedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  startDate: Date;
}

/** The default `world.stepFunctions`: records starts (with AWS's idempotency rules) and task answers. */
export class RecordingStepFunctions implements SimStepFunctions {
  readonly executions: RecordedExecution[] = [];
  readonly taskAnswers: { taskToken: string; outcome: 'success' | 'failure'; payload: string; at: Date }[] = [];

  constructor(private readonly now: () => number) {}

  async startExecution(request: { stateMachineArn: string; name?: string; input?: string }) {
    const name = request.name ?? `execution-${this.executions.length + 1}`;
    const input = request.input ?? '{}';
    const existing = this.executions.find((e) => e.stateMachineArn === request.stateMachineArn && e.name === name);
    if (existing) {
      if (existing.input !== input) {
        throw awsError('SFNClient', {
          code: 'ExecutionAlreadyExists',
          message: `Execution Already Exists: '${existing.executionArn}'`,
        });
      }
      return { executionArn: existing.executionArn, startDate: existing.startDate };
    }
    const executionArn = `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const execution = {
      executionArn,
      stateMachineArn: request.stateMachineArn,
      name,
      input,
      startDate: new Date(this.now()),
    };
    this.executions.push(execution);
    return { executionArn, startDate: execution.startDate };
  }

  async sendTaskSuccess(request: { taskToken: string; output: string }) {
    this.taskAnswers.push({
      taskToken: request.taskToken,
      outcome: 'success',
      payload: request.output,
      at: new Date(this.now()),
    });
  }

  async sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }) {
    this.taskAnswers.push({
      taskToken: request.taskToken,
      outcome: 'failure',
      payload: JSON.stringify({ error: request.error, cause: request.cause }),
      at: new Date(this.now()),
    });
  }

  async describeExecution(request: { executionArn: string }) {
    const execution = this.executions.find((e) => e.executionArn === request.executionArn);
    if (!execution) {
      throw awsError('SFNClient', {
        code: 'ExecutionDoesNotExist',
        message: `Execution Does Not Exist: '${request.executionArn}'`,
      });
    }
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: 'RUNNING' as const,
      startDate: execution.startDate,
      input: execution.input,
    };
  }
}

/** Secrets Manager secrets and SSM parameters of the world (the Slack notifier reads its secret here). */
export class SimSecrets {
  private readonly secrets = new Map<string, string>();
  private readonly parameters = new Map<string, { value: string; secure: boolean }>();

  /** Stores a secret (Secrets Manager, by name) or a parameter (SSM; a SecureString unless `secure` is false). */
  put(source: 'secretsmanager' | 'ssm', name: string, value: string, secure = true): void {
    if (source === 'secretsmanager') this.secrets.set(name, value);
    else this.parameters.set(name, { value, secure });
  }

  secret(name: string): string | undefined {
    return this.secrets.get(name);
  }

  parameter(name: string): { value: string; secure: boolean } | undefined {
    return this.parameters.get(name);
  }
}

/** What a team-owned function (a restore test's validation hook) answers: its result, or an error it throws. */
export type SimFunction = (payload: unknown) => unknown;

/** The plans' own Lambda functions in the world (Invoke answers from here; an unknown name is ResourceNotFound). */
export class SimFunctions {
  private readonly byName = new Map<string, SimFunction>();
  readonly invocations: { name: string; payload: unknown; atMs: number }[] = [];

  put(name: string, fn: SimFunction): void {
    this.byName.set(name, fn);
  }

  get(name: string): SimFunction | undefined {
    return this.byName.get(name);
  }
}

/** The critical path's lower bound under the world's model: no polling, no orchestration delay. */
export interface CriticalPathBound {
  /** When the primary region went down (the real start of the outage). */
  outageAt: string;
  /** When the alarm went to ALARM. */
  alarmAt: string;
  /**
   * The alarm's first breaching datapoint (its reasonData startDate): the product's impactStartedAt, from which
   * it counts RTO. Later than `outageAt`: the product cannot see the outage before its first failed checks.
   */
  impactStartedAt: string;
  /** Outage start to ALARM. */
  detectionSeconds: number;
  promotionSeconds: number;
  dnsSeconds: number;
  verifySeconds: number;
  /** Outage start to recovered: detection + promotion + DNS + verification. */
  totalSeconds: number;
  /** The same bound counted from `impactStartedAt`, like the product's measured RTO: compare RTO with this one. */
  totalFromImpactSeconds: number;
}

/** What really happened in the world, to compare the product's measurements against. */
export interface GroundTruth {
  outageStartedAt?: string;
  firstAlarmAt?: string;
  /** Per plan database: the replication lag when the primary region went down (the data at risk), seconds. */
  dataAtRiskSeconds: Record<string, number | null>;
  /** Per plan database: when its standby became writable, if it did. */
  writableAt: Record<string, string | null>;
  /** Alarm transitions, in order. */
  alarmTransitions: { alarmName: string; at: string; from: string; to: string }[];
}

export interface WorldOptions {
  plan: Plan;
  scenario: ScenarioSpec;
  seed: number;
  clock: Scheduler;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The zone apex of a set of record names: their common suffix, at least one label shorter than any of them. */
const zoneApex = (names: string[]): string => {
  const split = names.map((n) => normalizeName(n).slice(0, -1).split('.').reverse());
  const first = split[0] ?? [];
  let common = 0;
  while (common < first.length && split.every((labels) => labels[common] === first[common])) common += 1;
  const shortest = Math.min(...split.map((labels) => labels.length));
  const take = Math.max(Math.min(common, shortest - 1), Math.min(2, common));
  return `${first.slice(0, take).reverse().join('.')}.`;
};

export class World {
  readonly plan: Plan;
  readonly scenario: ScenarioSpec;
  readonly seed: number;
  readonly clock: Scheduler;
  readonly timing: TimingModel;
  readonly random: Random;
  readonly account = SIM_ACCOUNT;
  /** Virtual time at which the world was built: the scenario's T0. */
  readonly t0Ms: number;
  readonly regions: Regions;
  readonly healthChecks: HealthChecks;
  readonly rds: RdsModel;
  readonly aurora: AuroraModel;
  /** Point-in-time restores (restore tests' throwaway instances and clusters). */
  readonly restores: RestoreModel;
  readonly route53: Route53Model;
  readonly metrics = new Metrics();
  readonly alarms: Alarms;
  /** The standby prober of a plan with `trigger.prober` (sim/models/prober.ts); undefined without one. */
  readonly prober?: ProberModel;
  readonly bus: EventBus;
  /**
   * Every mutating call (PromoteReadReplica, FailoverGlobalCluster, SwitchoverGlobalCluster, ChangeResourceRecordSets,
   * the restores, CreateDBInstance and the deletes).
   */
  readonly actions: SimAction[] = [];
  /** Every call that reached the simulator (not DynamoDB, which is local), in order: where the product reached. */
  readonly calls: SimCall[] = [];
  /** How many of `calls` the drill's own preflight made before the scenario began (a readiness-like look, not the live path). */
  preflightCalls = 0;
  /**
   * The calls of the scenario itself, after the drill's preflight: the product's live path and its detection, not
   * the fence runbook that the failover starts once it recovered (it reaches for the failed region on purpose), nor
   * the plan's scheduled readiness.
   */
  get liveCalls(): SimCall[] {
    return this.calls
      .slice(this.preflightCalls)
      .filter((call) => !AFTER_RECOVERY_FUNCTIONS.has(call.fn ?? '') && !SCHEDULED_FUNCTIONS.has(call.fn ?? ''));
  }
  /** Route 53 ARC routing controls (plans whose dnsSwitch.method is `arc-routing-control`). */
  readonly arc = new ArcModel(() => this.clock.now());
  /** The switch alarm and its Route 53 health check (plans whose dnsSwitch.method is `alarm-health-check`). */
  switchAlarm: SwitchAlarmModel | undefined;
  /** Switchback's own rules, state machines and dead-letter queue in the standby region (readiness reads them). */
  readonly wiring: WiringModel;
  /** IAM's policy simulator over the deployment's roles as serverless.yml gives them (readiness). */
  readonly iam: IamModel;
  readonly secrets = new SimSecrets();
  /**
   * Who each access key id belongs to, as STS GetCallerIdentity answers: the drill's operator by default. A key not
   * here is refused the way STS refuses an unknown key (InvalidClientTokenId).
   */
  readonly principals = new Map<string, string>([[DRILL_ACCESS_KEY_ID, DRILL_OPERATOR_ARN]]);
  /** The plans' own functions (validation hooks); empty unless the drill puts some. */
  readonly functions = new SimFunctions();
  /** Replace with the runner's implementation; the default records and runs nothing. */
  stepFunctions: SimStepFunctions;
  private readonly outageAffects: ReadonlySet<string>;

  constructor(options: WorldOptions) {
    const { plan, scenario, seed, clock } = options;
    this.plan = plan;
    this.scenario = scenario;
    this.seed = seed;
    this.clock = clock;
    this.t0Ms = clock.now();
    this.timing = resolveTiming(scenario.timing);
    this.random = new Random(seed);
    this.outageAffects = new Set(scenario.outageAffects ?? ['rds']);
    this.stepFunctions = new RecordingStepFunctions(() => clock.now());
    const { primary, standby } = plan.regions;
    this.regions = new Regions(clock, [...new Set([primary, standby, ROUTE53_CONTROL_REGION])]);
    for (const outage of scenario.outages) {
      const names = { primary, standby, 'us-east-1': ROUTE53_CONTROL_REGION };
      this.regions.addOutage({
        region: names[outage.region],
        fromMs: this.t0Ms + outage.atSeconds * 1000,
        toMs: outage.untilSeconds === undefined ? undefined : this.t0Ms + outage.untilSeconds * 1000,
      });
    }
    const endpoints = new Map([primary, standby].map((region) => [region, `${plan.app}.${region}.endpoint.sim`]));
    // Fixed draw order from here on: health checks, then databases in plan order.
    // A plan whose record fence inverts health checks names them: the world's checks carry those ids.
    const inverted = plan.dns
      .flatMap((zone) => zone.records.map((record) => record.fence))
      .find((fence) => fence?.method === 'health-check-inverted');
    const ids = new Map(
      inverted?.method === 'health-check-inverted'
        ? [
            [primary, inverted.primaryHealthCheckId],
            [standby, inverted.standbyHealthCheckId],
          ]
        : [],
    );
    this.healthChecks = new HealthChecks(
      clock,
      this.timing,
      this.regions,
      this.random,
      endpoints,
      ids,
      new Set(scenario.drift?.standbyEndpointUnhealthy ? [standby] : []),
    );
    this.rds = new RdsModel(clock, this.timing, this.random, this.regions, this.account, this.t0Ms);
    this.aurora = new AuroraModel(clock, this.timing, this.random, this.regions, this.account, this.t0Ms);
    this.restores = new RestoreModel(
      clock,
      this.timing,
      this.random,
      this.account,
      this.rds,
      this.aurora,
      scenario.restore,
    );
    if (scenario.restore?.leftovers) {
      this.restores.seedLeftovers(plan.regions.standby, [
        { Key: 'switchback:restore-test', Value: 'an-earlier-test' },
        { Key: 'switchback:plan', Value: plan.app },
        { Key: 'switchback:delete-after', Value: new Date(this.t0Ms - 3600_000).toISOString() },
      ]);
    }
    this.bus = new EventBus(clock, () => this.timing.events.deliveryMs);
    // The alarms live where HealthCheckStatus does (us-east-1): while CloudWatch there is down, none is evaluated.
    this.alarms = new Alarms(clock, this.timing, this.random, this.bus, this.account, () =>
      this.isServiceDown('cloudwatch', ROUTE53_METRICS_REGION),
    );
    if (plan.trigger.prober) {
      this.prober = new ProberModel(
        clock,
        this.timing,
        this.random,
        this.bus,
        this.account,
        plan,
        this.regions,
        () => this.isServiceDown('cloudwatch', standby),
        plan.trigger.prober,
      );
    }
    this.route53 = new Route53Model(clock, this.timing, this.random, this.healthChecks);
    this.route53.healthOf = (id) =>
      this.arc.healthOf(id) ?? (id === this.switchAlarm?.healthCheckId ? this.switchAlarm.healthy : undefined);
    this.route53.otherHealthCheck = (id) => {
      const control = [...this.arc.controls.values()].find((each) => each.healthCheckId === id);
      if (control) return { Type: 'RECOVERY_CONTROL', RoutingControlArn: control.arn };
      const alarm = this.switchAlarm;
      if (alarm && id === alarm.healthCheckId) {
        return {
          Type: 'CLOUDWATCH_METRIC',
          AlarmIdentifier: { Region: alarm.region as CloudWatchRegion, Name: alarm.name },
          InsufficientDataHealthStatus: 'LastKnownStatus',
        };
      }
      return undefined;
    };
    this.wiring = new WiringModel(standby, this.account, scenario.drift?.wiring, [plan]);
    this.iam = new IamModel(this.account, standby, scenario.drift?.iam);
    this.buildDatabases();
    this.buildDns();
    this.buildMetricsAndAlarms();
    this.route53.changeFaults.push(...(scenario.route53?.changeFaults ?? []));
    const otherCallers = scenario.route53?.otherCallers;
    if (otherCallers) {
      clock.schedule(this.t0Ms + otherCallers.atSeconds * 1000, () =>
        this.route53.requestRate.shareWith(otherCallers.perSecond),
      );
    }
    const rdsCallers = scenario.rds?.otherCallers;
    if (rdsCallers) {
      clock.schedule(this.t0Ms + rdsCallers.atSeconds * 1000, () =>
        this.rds.shareRequestRate(standby, rdsCallers.perSecond),
      );
    }
    const otherWriters = scenario.arc?.otherWriters;
    if (otherWriters) {
      clock.schedule(this.t0Ms + otherWriters.atSeconds * 1000, () =>
        this.arc.otherWriters(standby, otherWriters.perSecond),
      );
    }
  }

  /** Starts the periodic processes (health checks, alarm evaluation). `createWorld` calls it. */
  start(): void {
    this.healthChecks.start();
    this.alarms.start();
    this.switchAlarm?.start();
    this.prober?.start();
  }

  /** Stops the periodic processes, so that no timer of the world remains. */
  stop(): void {
    this.healthChecks.stop();
    this.alarms.stop();
    this.switchAlarm?.stop();
    this.prober?.stop();
  }

  /** Every transition of the plan's signals (its alarms and its prober's alarm), in time order. */
  signalTransitions(): AlarmTransition[] {
    return [
      ...this.alarms.transitions().filter((t) => this.plan.trigger.alarms.includes(t.alarmName)),
      ...(this.prober?.transitions ?? []),
    ].sort((a, b) => a.atMs - b.atMs);
  }

  /** Whether calls to `service` in `region` fail now (the region is down and the scenario says it affects it). */
  isServiceDown(service: OutageService, region: string): boolean {
    return this.outageAffects.has(service) && this.regions.isDown(region);
  }

  /** What DNS answers now for `name` (see Route53Model.resolve). */
  resolve(name: string, type?: string) {
    return this.route53.resolve(name, type);
  }

  /**
   * From when (epoch ms) the steps' DNS questions go unanswered: the path from Switchback's functions to DNS does not
   * answer (UDP and TCP 53 blocked on the way, or the resolver down); Route 53's name servers themselves answer in
   * every outage the drill models. Undefined: DNS answers. `resolve`, the drill's own look, is not affected.
   */
  dnsUnansweredFromMs: number | undefined;

  /**
   * What a step's DNS question gets (the verify steps' DnsAnswerPort in a drill): the simulated Route 53's answer, or,
   * once DNS goes unanswered, what the live adapter (shared/aws/dns-answers.ts) gives after its resolver's timeout
   * on virtual time: a DnsQueryError.
   */
  async answerDns(name: string, type: string): Promise<string[]> {
    if (this.dnsUnansweredFromMs !== undefined && this.clock.now() >= this.dnsUnansweredFromMs) {
      await new Promise<void>((resolve) => this.clock.schedule(this.clock.now() + DNS_QUERY_TIMEOUT_MS, resolve));
      // The adapter's first question, the name's own NS, is the one that times out.
      throw new DnsQueryError(`${dnsName(name)} NS: the resolver did not answer (ETIMEOUT)`);
    }
    return this.resolve(name, type)?.values ?? [];
  }

  /** Records a mutating call (the SDK plugin does this). */
  /**
   * PutParameter of an SSM parameter. The application honours the plan's failback write pause: while the parameter
   * reads its paused value it sends no writes, so its RDS replicas catch up (ReplicaLag 0 from the next minute).
   */
  putParameter(name: string, value: string, secure: boolean): void {
    this.secrets.put('ssm', name, value, secure);
    const pause = this.plan.failback.writePause;
    if (!pause || pause.ssmParameter !== name) return;
    if (value === pause.pausedValue) this.rds.writesPausedFromMs ??= this.clock.now();
    else this.rds.writesPausedFromMs = undefined;
  }

  recordAction(action: Omit<SimAction, 'atMs' | 'at'>): void {
    const atMs = this.clock.now();
    this.actions.push({ atMs, at: iso(atMs), ...action });
  }

  /** A seeded Lambda duration for invocation `index` of `key` (e.g. the function name), ms. */
  lambdaDurationMs(key: string, index: number): number {
    const { minDurationMs, maxDurationMs } = this.timing.lambda;
    return Math.round(this.random.betweenAt(`lambda:${key}`, index, minDurationMs, maxDurationMs));
  }

  /**
   * The fastest recovery the model allows: detection (primary outage start to the first ALARM of a plan alarm),
   * plus the slowest promotion, plus the Route 53 INSYNC delay, plus verification (0): no polling, no
   * orchestration. `totalSeconds` counts from the outage; `totalFromImpactSeconds` from the alarm's first
   * breaching datapoint, the origin of the product's RTO. Throws if the primary has had no outage or no alarm yet.
   */
  criticalPathLowerBound(): CriticalPathBound {
    const outage = this.regions.firstOutage(this.plan.regions.primary);
    if (!outage) throw new SimError('criticalPathLowerBound: the scenario has no outage of the primary region.');
    const alarm = this.signalTransitions().find((t) => t.to === 'ALARM' && t.atMs >= outage.fromMs);
    if (!alarm) throw new SimError('criticalPathLowerBound: no plan alarm has gone to ALARM since the outage began.');
    const promotionMs = Math.max(
      0,
      ...this.rds.instances.filter((i) => i.sourceArn).map((i) => i.promoteDurationMs),
      ...this.aurora.globals.map((g) => g.failoverMs),
    );
    const detectionSeconds = (alarm.atMs - outage.fromMs) / 1000;
    const promotionSeconds = promotionMs / 1000;
    // Routing controls switch DNS without a Route 53 change to propagate (modelled as immediate: sim/models/arc.ts).
    // A switch alarm: at best the datapoint lands just before its period ends, then evaluation and Route 53's read.
    const dnsSeconds =
      this.plan.dnsSwitch.method === 'arc-routing-control'
        ? 0
        : this.plan.dnsSwitch.method === 'alarm-health-check'
          ? this.timing.alarm.evaluationDelaySeconds + this.timing.route53.alarmHealthCheckSeconds
          : this.timing.route53.changeInSyncSeconds;
    return {
      outageAt: iso(outage.fromMs),
      alarmAt: iso(alarm.atMs),
      impactStartedAt: iso(alarm.startDateMs),
      detectionSeconds,
      promotionSeconds,
      dnsSeconds,
      verifySeconds: 0,
      totalSeconds: detectionSeconds + promotionSeconds + dnsSeconds,
      totalFromImpactSeconds: (alarm.atMs - alarm.startDateMs) / 1000 + promotionSeconds + dnsSeconds,
    };
  }

  /** What really happened: outage, first alarm, data at risk per database, when each standby became writable. */
  groundTruth(): GroundTruth {
    const now = this.clock.now();
    const outage = this.regions.firstOutage(this.plan.regions.primary);
    const transitions = this.signalTransitions();
    const firstAlarm = transitions.find((t) => t.to === 'ALARM');
    const dataAtRiskSeconds: Record<string, number | null> = {};
    const writableAt: Record<string, string | null> = {};
    for (const db of this.plan.databases) {
      if (db.kind === 'rds-read-replica') {
        const replica = this.rds.find(db.replica.region, db.replica.instance);
        dataAtRiskSeconds[db.id] = replica && outage ? this.rds.lagSecondsAt(replica, outage.fromMs) : null;
        const promotion = replica?.promotion;
        writableAt[db.id] =
          promotion && promotion.outcome === 'available' && promotion.doneMs <= now ? iso(promotion.doneMs) : null;
      } else {
        const found = this.aurora.findCluster(db.secondary.region, db.secondary.cluster);
        dataAtRiskSeconds[db.id] = found && outage ? this.aurora.lagMsAt(found.global, outage.fromMs) / 1000 : null;
        const op = found?.global.operations.find((o) => o.toArn === found.cluster.arn && o.doneMs <= now);
        writableAt[db.id] = op ? iso(op.doneMs) : null;
      }
    }
    return {
      outageStartedAt: outage ? iso(outage.fromMs) : undefined,
      firstAlarmAt: firstAlarm ? iso(firstAlarm.atMs) : undefined,
      dataAtRiskSeconds,
      writableAt,
      alarmTransitions: transitions.map((t) => ({ alarmName: t.alarmName, at: iso(t.atMs), from: t.from, to: t.to })),
    };
  }

  private buildDatabases(): void {
    const backups = this.scenario.backups ?? {};
    const firstReplica = this.plan.databases.find((db) => db.kind === 'rds-read-replica');
    if (this.scenario.drift?.standbyMissing && !firstReplica) {
      throw new SimError(
        `scenario ${this.scenario.name} removes an RDS read replica, but plan ${this.plan.app} has none: pick another scenario`,
      );
    }
    for (const db of this.plan.databases) {
      if (db.kind === 'rds-read-replica') {
        const rds = this.scenario.rds ?? {};
        const backingUp = rds.backingUp;
        this.rds.addPair(
          { identifier: db.primary.instance, region: db.primary.region },
          { identifier: db.replica.instance, region: db.replica.region },
          {
            lagSeconds: rds.lagSeconds,
            promotionOutcome: rds.promotionOutcome,
            backingUp:
              backingUp?.atSeconds !== undefined
                ? [
                    {
                      fromMs: this.t0Ms + backingUp.atSeconds * 1000,
                      toMs: this.t0Ms + (backingUp.atSeconds + backingUp.seconds) * 1000,
                    },
                  ]
                : [],
            backingUpOnFirstPromoteSeconds:
              backingUp && backingUp.atSeconds === undefined ? backingUp.seconds : undefined,
            staleBackupsSeconds: backups.staleSeconds,
            crossRegionCopy: backups.crossRegionCopy,
          },
        );
        if (this.scenario.start === 'reprotected') this.startReprotected(db);
        if (this.scenario.drift?.standbyMissing && db === firstReplica) {
          // Deleted (or never created): RDS answers DBInstanceNotFound for it.
          const replica = this.rds.find(db.replica.region, db.replica.instance);
          this.rds.instances.splice(this.rds.instances.indexOf(replica as NonNullable<typeof replica>), 1);
        }
      } else {
        const global = this.aurora.addGlobal(
          db.globalCluster,
          { cluster: db.primary.cluster, region: db.primary.region },
          { cluster: db.secondary.cluster, region: db.secondary.region },
          { lagMs: this.scenario.aurora?.lagMs, staleBackupsSeconds: backups.staleSeconds },
        );
        // After an earlier managed failover the secondary writes and the old primary rejoined as a secondary.
        if (this.scenario.start === 'reprotected') global.writerArn = global.members[1]?.arn ?? global.writerArn;
      }
    }
  }

  /**
   * An RDS pair as an earlier failover, fence and reprotect leave it, a week before the drill: the replica was
   * promoted, the old primary stopped, and a new read replica of the writer created in the primary region.
   */
  private startReprotected(db: RdsReadReplica): void {
    const weekAgo = this.t0Ms - 7 * 86_400_000;
    const replica = this.rds.find(db.replica.region, db.replica.instance);
    const primary = this.rds.find(db.primary.region, db.primary.instance);
    if (!replica || !primary) return;
    replica.promotion = {
      startedMs: weekAgo,
      rebootMs: weekAgo + replica.promoteDurationMs / 2,
      doneMs: weekAgo + replica.promoteDurationMs,
      outcome: 'available',
      lagSecondsAtStart: 0,
      backupRetentionPeriod: 7,
    };
    primary.stop = { startedMs: weekAgo + 3_600_000, doneMs: weekAgo + 3_660_000 };
    this.rds.addReplica(
      replica,
      { identifier: reprotectedStandby(db.replica.instance), region: db.primary.region },
      { lagSeconds: this.scenario.rds?.lagSeconds },
      weekAgo + 7_200_000,
    );
  }

  private buildDns(): void {
    const { primary, standby } = this.plan.regions;
    const drift = this.scenario.drift ?? {};
    const firstRecord = this.plan.dns[0]?.records[0];
    const dnsSwitch = this.plan.dnsSwitch;
    // ARC plans: each region's records carry its routing control's health check (set up once, outside the live path).
    const arcCheck = new Map<string, string>();
    if (dnsSwitch.method === 'arc-routing-control') {
      for (const [region, arn] of [
        [primary, dnsSwitch.routingControls.primary],
        [standby, dnsSwitch.routingControls.standby],
      ] as const) {
        // A re-protected world serves from the standby region: its control is On, the primary's Off.
        const off = this.scenario.start === 'reprotected' && region === primary;
        arcCheck.set(
          region,
          this.arc.addControl(arn, `arc-${this.random.uuidAt('arc-health-check', arcCheck.size)}`, off ? 'Off' : 'On')
            .healthCheckId,
        );
      }
    }
    // Alarm plans: the primary region's records carry the health check on the switch alarm, the standby's none
    // (both set up once, outside the live path). A re-protected world was failed over: primary out.
    if (dnsSwitch.method === 'alarm-health-check') {
      this.switchAlarm = new SwitchAlarmModel(
        this.clock,
        this.plan.app,
        standby,
        dnsSwitch.alarmName,
        `alarm-${this.random.uuidAt('switch-alarm-health-check', 0)}`,
        this.account,
        {
          periodMs: this.timing.alarm.periodSeconds * 1000,
          evaluationDelayMs: this.timing.alarm.evaluationDelaySeconds * 1000,
          healthCheckReadMs: this.timing.route53.alarmHealthCheckSeconds * 1000,
        },
        () => this.isServiceDown('cloudwatch', standby),
        this.scenario.start === 'reprotected',
      );
    }
    const switchCheck = (region: string): string | undefined => {
      if (!this.switchAlarm) return arcCheck.get(region) ?? this.healthChecks.of(region).id;
      return region === primary ? this.switchAlarm.healthCheckId : undefined;
    };
    for (const hostedZone of this.plan.dns) {
      const zone = this.route53.addZone(hostedZone.hostedZoneId, zoneApex(hostedZone.records.map((r) => r.name)));
      for (const record of hostedZone.records) {
        const name = normalizeName(record.name);
        // A re-protected world serves from the standby region: its records are PRIMARY. A switch alarm's failover
        // leaves the roles as they are (the alarm, latched ALARM, keeps the primary's record out of the answers).
        const [primaryRole, standbyRole] =
          this.scenario.start === 'reprotected' && !this.switchAlarm
            ? (['SECONDARY', 'PRIMARY'] as const)
            : (['PRIMARY', 'SECONDARY'] as const);
        for (const [region, setIdentifier, failover] of [
          [primary, record.primarySetIdentifier, primaryRole],
          [standby, record.standbySetIdentifier, standbyRole],
        ] as const) {
          const drifted = record === firstRecord && region === standby;
          if (drifted && drift.recordMissing) continue;
          const value = this.regionalValue(record.type, name, region);
          this.route53.registerEndpoint(value, region);
          this.route53.seedRecord(zone.id, {
            Name: name,
            Type: record.type,
            SetIdentifier: setIdentifier,
            // A weighted record of weight 0 where the failover record should be: Route 53 keeps it out of answers.
            ...(drifted && drift.recordNotFailover ? { Weight: 0 } : { Failover: failover }),
            TTL: this.timing.route53.recordTtlSeconds,
            ResourceRecords: [{ Value: value }],
            ...(switchCheck(region) ? { HealthCheckId: switchCheck(region) } : {}),
          });
        }
      }
    }
  }

  /** A per-region record value: a hostname for CNAME, an address for A/AAAA, a quoted string otherwise. */
  private regionalValue(type: string, name: string, region: string): string {
    const index = this.plan.regions.primary === region ? 1 : 2;
    if (type === 'CNAME') return `${region}.${name.slice(0, -1)}`;
    if (type === 'A') return `10.${index}.0.10`;
    if (type === 'AAAA') return `fd00:${index}::10`;
    return `"${region}"`;
  }

  private buildMetricsAndAlarms(): void {
    for (const check of this.healthChecks.byRegion.values()) {
      this.metrics.register(
        ROUTE53_METRICS_REGION,
        'AWS/Route53',
        'HealthCheckStatus',
        { HealthCheckId: check.id },
        (m) =>
          m + 60_000 <= this.clock.now() && m >= this.t0Ms - HISTORY_MS
            ? check.minimumStatus(m, m + 60_000)
            : undefined,
      );
    }
    const publishLag = (instance: RdsInstance) =>
      this.metrics.register(
        instance.region,
        'AWS/RDS',
        'ReplicaLag',
        { DBInstanceIdentifier: instance.identifier },
        (m) => this.rds.replicaLagSample(instance, m),
      );
    for (const instance of this.rds.instances) if (instance.sourceArn) publishLag(instance);
    // A replica made later (CreateDBInstanceReadReplica) publishes ReplicaLag too, once it is available.
    this.rds.onReplicaCreated = publishLag;
    for (const global of this.aurora.globals) {
      for (const cluster of global.members) {
        this.metrics.register(
          cluster.region,
          'AWS/RDS',
          'AuroraGlobalDBRPOLag',
          { DBClusterIdentifier: cluster.identifier },
          (m) => this.aurora.rpoLagSample(global, cluster, m),
        );
      }
    }
    const primaryCheck = this.healthChecks.of(this.plan.regions.primary);
    for (const name of this.plan.trigger.alarms) this.alarms.add(name, primaryCheck);
  }
}

/** Builds the world of a drill and starts its periodic processes. Install the virtual clock first. */
export const createWorld = (options: WorldOptions): World => {
  const world = new World(options);
  world.start();
  return world;
};
