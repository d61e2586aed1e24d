import { parsePlan } from '../shared/plan/load';
import type { Plan } from '../shared/plan/schema';
import { InvalidScenarioError, UnknownScenarioError } from './errors';
import type { TimingOverrides } from './timing';
import { ALL_OUTAGE_SERVICES, type ScenarioSpec } from './world';

/**
 * The named drill scenarios: each a set of faults applied to the simulated world. Times are seconds after the
 * drill start (T0). `buildScenario(name, options)` validates and returns the ScenarioSpec that `createWorld` takes.
 */

export interface ScenarioOptions {
  /** When the primary region goes down, seconds after T0. Default 60. */
  outageAtSeconds?: number;
  /**
   * The RDS replica is `backing-up` when the first promotion attempt arrives, for this many seconds (RDS refuses
   * PromoteReadReplica meanwhile: RDS User Guide, "Promoting a read replica"). Off by default.
   */
  backingUpSeconds?: number;
  /** Timing overrides (sim/timing.ts), e.g. `{ healthCheck: { intervalSeconds: 10 } }`. */
  timing?: TimingOverrides;
}

interface ScenarioDefinition {
  description: string;
  build(outageAt: number): Omit<ScenarioSpec, 'name' | 'description' | 'timing'>;
  /** A plan-level scenario: the plan as the scenario changes it, validated again before anything runs. */
  plan?: (plan: Plan) => unknown;
}

/** How long an operator takes to start a failover by hand when no alarm arrives: a modelling choice, 5 minutes. */
const OPERATOR_REACTION_SECONDS = 300;

const SCENARIOS = {
  'region-outage': {
    description:
      "The application in the primary region goes down and stays down (its endpoints and RDS); AWS's regional services there keep answering; replica lag is normal (1-3 s, Aurora < 1 s).",
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }] }),
  },
  'lagging-replica': {
    description:
      "The primary region goes down while the RDS replica lags 95 s, above the example plan's 60 s RPO: data loss needs a decision.",
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }], rds: { lagSeconds: 95 } }),
  },
  'promotion-fails': {
    description: 'The primary region goes down and the RDS replica promotion ends in incompatible-parameters.',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      rds: { promotionOutcome: 'incompatible-parameters' },
    }),
  },
  'stale-backups': {
    description:
      'The primary region goes down; the latest restorable time is 6 hours old and no backups are copied across regions.',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      backups: { staleSeconds: 6 * 3600, crossRegionCopy: false },
    }),
  },
  'dns-throttled': {
    description:
      'The primary region goes down; the first DNS change answers Throttling, the next PriorRequestNotComplete, then it succeeds (Route 53 Developer Guide, "Throttling of API requests").',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      route53: { changeFaults: ['Throttling', 'PriorRequestNotComplete'] },
    }),
  },
  'flapping-health': {
    description:
      'The primary flaps: down for 4 minutes, up for 4, then down again, so the alarm goes ALARM, OK, ALARM. One failover, no failback.',
    build: (at) => ({
      outages: [
        { region: 'primary', atSeconds: at, untilSeconds: at + 240 },
        { region: 'primary', atSeconds: at + 480 },
      ],
    }),
  },
  'standby-missing': {
    description:
      "Drift: the plan's RDS read replica was deleted in the standby region; then the primary region goes down. The preflight stops the run before any change.",
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }], drift: { standbyMissing: true } }),
  },
  'record-missing': {
    description:
      "Drift: the standby region's failover record of the first record pair was deleted; then the primary region goes down. The preflight stops the run before any change.",
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }], drift: { recordMissing: true } }),
  },
  'record-not-failover': {
    description:
      "Drift: the standby region's record of the first record pair is a weighted record, not a failover record; then the primary region goes down. The preflight stops the run before any change.",
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }], drift: { recordNotFailover: true } }),
  },
  'replica-backing-up': {
    description:
      "The RDS replica is backing-up from the start for 2 hours, longer than the plan's preflight.maxWaitSeconds; then the primary region goes down. The run waits, bounded, then stops before any change.",
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      rds: { backingUp: { atSeconds: 0, seconds: 2 * 3600 } },
    }),
  },
  'equal-set-identifiers': {
    description:
      'Plan-level: the first record pair names the same set identifier for both regions. The plan validation refuses it before anything runs (as `switchback plan validate` does).',
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }] }),
    plan: (plan) => ({
      ...plan,
      dns: plan.dns.map((zone, z) => ({
        ...zone,
        records: zone.records.map((record, r) =>
          z === 0 && r === 0 ? { ...record, standbySetIdentifier: record.primarySetIdentifier } : record,
        ),
      })),
    }),
  },
  'us-east-1-outage': {
    description:
      'All of us-east-1 goes down and stays down: its RDS, CloudWatch (so the HealthCheckStatus alarms), EventBridge and Route 53 API (record edits, GetChange), which take connections and never answer; Route 53 DNS answers and health checks keep working. No alarm can arrive, so an operator starts the failover by hand 5 minutes in.',
    build: (at) => ({
      outages: [{ region: 'us-east-1', atSeconds: at }],
      outageAffects: ALL_OUTAGE_SERVICES,
      // Modelling choice, no published figure: the on-call engineer, paged by something outside us-east-1 or by
      // customers, starts the run by hand 5 minutes after the outage.
      manualStart: { atSeconds: at + OPERATOR_REACTION_SECONDS, reason: 'us-east-1 is down; no alarm arrived' },
    }),
  },
  'old-primary-returns': {
    description:
      'The primary region goes down and the standby takes over; an operator runs the fence runbook 10 minutes after the outage (the old region does not answer: unreachable, recorded at once), the region returns at 15 minutes, and the fence run at 20 minutes stops the old RDS primary and finds the old Aurora primary rejoined as a secondary.',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at, untilSeconds: at + 900 }],
      runbooks: [
        { action: 'fence', atSeconds: at + 600 },
        { action: 'fence', atSeconds: at + 1200 },
      ],
    }),
  },
} satisfies Record<string, ScenarioDefinition>;

export type ScenarioName = keyof typeof SCENARIOS;

/**
 * The plan a scenario drills: the plan itself, or for a plan-level scenario the plan as the scenario changes it,
 * validated again like any plan.
 *
 * @throws PlanValidationError naming the field (with the scenario in the source) when the changed plan is invalid
 */
export const scenarioPlan = (name: string, plan: Plan, source: string): Plan => {
  if (!Object.hasOwn(SCENARIOS, name)) throw new UnknownScenarioError(name, SCENARIO_NAMES);
  const definition: ScenarioDefinition = SCENARIOS[name as ScenarioName];
  return definition.plan ? parsePlan(definition.plan(plan), `${source} as scenario ${name} changes it`) : plan;
};

/** Whether a scenario changes the plan itself (it is refused by plan validation before anything runs). */
export const isPlanLevelScenario = (name: string): boolean =>
  Object.hasOwn(SCENARIOS, name) && (SCENARIOS[name as ScenarioName] as ScenarioDefinition).plan !== undefined;

/** The names of the scenarios, in a stable order. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** The description of every scenario (for `switchback drill --list`). */
export const describeScenarios = (): { name: ScenarioName; description: string }[] =>
  SCENARIO_NAMES.map((name) => ({ name, description: SCENARIOS[name].description }));

const KNOWN_OPTIONS = ['outageAtSeconds', 'backingUpSeconds', 'timing'];

const nonNegative = (field: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidScenarioError(field, `expected a number of seconds >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
};

/**
 * The scenario `name` with `options` applied. Throws UnknownScenarioError (listing the known ones) for an unknown
 * name, and InvalidScenarioError naming the option for a bad option.
 */
export const buildScenario = (name: string, options: ScenarioOptions = {}): ScenarioSpec => {
  if (!Object.hasOwn(SCENARIOS, name)) throw new UnknownScenarioError(name, SCENARIO_NAMES);
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      throw new InvalidScenarioError(key, `unknown option; known: ${KNOWN_OPTIONS.join(', ')}`);
    }
  }
  const definition: ScenarioDefinition = SCENARIOS[name as ScenarioName];
  const outageAt = nonNegative('outageAtSeconds', options.outageAtSeconds ?? 60);
  const spec: ScenarioSpec = { name, description: definition.description, ...definition.build(outageAt) };
  if (options.backingUpSeconds !== undefined) {
    const seconds = nonNegative('backingUpSeconds', options.backingUpSeconds);
    spec.rds = { ...spec.rds, backingUp: { seconds } };
    spec.description += ` The replica is backing-up for ${seconds} s when the first promotion arrives.`;
  }
  if (options.timing) spec.timing = options.timing;
  return spec;
};
