import type { Plan } from '../shared/plan/schema';
import { ALL_OUTAGE_SERVICES } from './outage-services';
import type { ScenarioSpec } from './world';

/**
 * The catalog of drill scenarios: names, what goes wrong in one line and in full, and the faults each applies.
 * No runtime import, so that the CLI can list the scenarios (`--help`, `--list`) without loading the simulator.
 */

export interface ScenarioDefinition {
  /** One line of what goes wrong, for `switchback drill --list` and `--help`. */
  summary: string;
  description: string;
  build(outageAt: number): Omit<ScenarioSpec, 'name' | 'description' | 'timing'>;
  /** A plan-level scenario: the plan as the scenario changes it, validated again before anything runs. */
  plan?: (plan: Plan) => unknown;
}

/** When the game-day-twice scenario starts its second game day after the first: well after the first has ended. */
const SECOND_GAME_DAY_AFTER_SECONDS = 3 * 3600;

/** How long an operator takes to start a failover by hand when no alarm arrives: a modelling choice, 5 minutes. */
const OPERATOR_REACTION_SECONDS = 300;

export const SCENARIOS = {
  'region-outage': {
    summary: 'the primary region goes down and stays down',
    description:
      "The application in the primary region goes down and stays down (its endpoints and RDS); AWS's regional services there keep answering; replica lag is normal (1-3 s, Aurora < 1 s).",
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }] }),
  },
  'lagging-replica': {
    summary: 'the primary goes down while the RDS replica lags past the RPO budget: approval needed',
    description:
      "The primary region goes down while the RDS replica lags 95 s, above the example plan's 60 s RPO: data loss needs a decision.",
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }], rds: { lagSeconds: 95 } }),
  },
  'promotion-fails': {
    summary: 'the primary goes down and the RDS replica promotion fails',
    description: 'The primary region goes down and the RDS replica promotion ends in incompatible-parameters.',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      rds: { promotionOutcome: 'incompatible-parameters' },
    }),
  },
  'stale-backups': {
    summary: 'the primary goes down; backups are 6 hours old and not copied across regions',
    description:
      'The primary region goes down; the latest restorable time is 6 hours old and no backups are copied across regions.',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      backups: { staleSeconds: 6 * 3600, crossRegionCopy: false },
    }),
  },
  'dns-throttled': {
    summary: 'the primary goes down; Route 53 throttles the first DNS changes',
    description:
      'The primary region goes down; the first DNS change answers Throttling, the next PriorRequestNotComplete, then it succeeds (Route 53 Developer Guide, "Throttling of API requests").',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      route53: { changeFaults: ['Throttling', 'PriorRequestNotComplete'] },
    }),
  },
  'route53-api-busy': {
    summary: "the primary goes down while the account's other tools use up Route 53's API rate",
    description:
      'The primary region goes down; from then on the account\'s other callers of Route 53\'s API (a DNS controller, a deployment, scripts) ask for more than its 10 requests a second and take 6 of them: the run gets the other 4, one at a time, and Route 53 throttles every request past that (Route 53 Developer Guide, "Throttling for Amazon Route 53 API requests").',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      route53: { otherCallers: { atSeconds: at, perSecond: 6 } },
    }),
  },
  'arc-cluster-busy': {
    summary: 'the primary goes down while other applications fail over through the same ARC cluster',
    description:
      "The primary region goes down; from then on the account's other applications fail over through the same ARC cluster at once, and keep its endpoint in the standby region at its quota of 3 mutating calls a second (ARC Developer Guide, \"Quotas for routing control\"): that endpoint throttles the run's switch, which goes to the cluster's next endpoint. Plans that switch DNS with ARC routing controls (plans/example-arc.yml); other plans fail over as in region-outage.",
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      arc: { otherWriters: { atSeconds: at, perSecond: 3 } },
    }),
  },
  'rds-api-busy': {
    summary: "the primary goes down while the account's other tools use up the RDS API's rate",
    description:
      'The primary region goes down; from then on the account\'s other callers of the RDS API in the standby region (monitoring, scripts, the console) ask for more than its 12 requests a second and take 10 of them: the run gets the other 2, one at a time, and RDS throttles every request past that (RDS User Guide, "Request throttling for the Amazon RDS API").',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      rds: { otherCallers: { atSeconds: at, perSecond: 10 } },
    }),
  },
  'flapping-health': {
    summary: 'the primary goes down, comes back, goes down again: one failover, no failback',
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
    summary: 'drift: the RDS read replica was deleted; the preflight stops the run before any change',
    description:
      "Drift: the plan's RDS read replica was deleted in the standby region; then the primary region goes down. The preflight stops the run before any change.",
    build: (at) => ({ outages: [{ region: 'primary', atSeconds: at }], drift: { standbyMissing: true } }),
  },
  'record-missing': {
    summary: "drift: the standby's failover record was deleted; the preflight stops the run",
    description:
      "Drift: the standby region's failover record of the first record pair was deleted; the plan's scheduled readiness runs; then the primary region goes down. The preflight stops the run before any change (a plan whose failover reads no record, ARC or alarm-health-check, by that readiness's finding).",
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      drift: { recordMissing: true },
      readinessAtSeconds: 1,
    }),
  },
  'record-not-failover': {
    summary: "drift: the standby's record is weighted, not failover; the preflight stops the run",
    description:
      "Drift: the standby region's record of the first record pair is a weighted record, not a failover record; the plan's scheduled readiness runs; then the primary region goes down. The preflight stops the run before any change (a plan whose failover reads no record, ARC or alarm-health-check, by that readiness's finding).",
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      drift: { recordNotFailover: true },
      readinessAtSeconds: 1,
    }),
  },
  'standby-unhealthy': {
    summary:
      "drift: the standby's endpoint fails its Route 53 health check; readiness finds it, the failover asks a person",
    description:
      "Drift: the standby region's endpoint fails its Route 53 health check (its application does not answer the checkers; its databases and AWS's services there do); the plan's scheduled readiness runs and finds it; then the primary region goes down. The failover asks a person before any change, whatever the replica lag (trigger.approval on-lag-over-rpo or always; auto only warns): after the switch Route 53 would answer the standby's records only by failing open, and once the fence has changed the old region's, the maintenance target or the old region instead (Route 53 Developer Guide, \"Troubleshooting DNS failover\"). Readiness reads the standby records' health checks of plans that switch DNS by editing records (plans/example.yml); an ARC or alarm-health-check plan's fail over as in region-outage. Approving (--approve) shows why: the databases are promoted and the records switched, then Verify Recovery, which reads what DNS answers and the serving record's health check, fails the run (exit 4): DNS answers the standby only by failing open.",
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      drift: { standbyEndpointUnhealthy: true },
      readinessAtSeconds: 1,
    }),
  },
  'replica-backing-up': {
    summary: 'the replica stays backing-up past the bounded wait; the run stops before any change',
    description:
      "The RDS replica is backing-up from the start for 2 hours, longer than the plan's preflight.maxWaitSeconds; then the primary region goes down. The run waits, bounded, then stops before any change.",
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at }],
      rds: { backingUp: { atSeconds: 0, seconds: 2 * 3600 } },
    }),
  },
  'equal-set-identifiers': {
    summary: 'plan-level: a record pair with one set identifier twice; refused by plan validation',
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
    summary: "all of us-east-1 goes down, Route 53's API and the health-check alarms with it",
    description:
      "All of us-east-1 goes down and stays down: its RDS, CloudWatch (so the HealthCheckStatus alarms), EventBridge and Route 53 API (record edits, GetChange), which take connections and never answer; Route 53 DNS answers and health checks keep working. The plan's scheduled readiness ran a second in, while us-east-1 still answered: what a failover that reads no record goes by (its record findings, and the records its verify compares DNS answers with). No HealthCheckStatus alarm can arrive: a plan with a standby prober (trigger.prober) detects the outage from the standby region; otherwise an operator starts the failover by hand 5 minutes in.",
    build: (at) => ({
      outages: [{ region: 'us-east-1', atSeconds: at }],
      outageAffects: ALL_OUTAGE_SERVICES,
      readinessAtSeconds: 1,
      // Modelling choice, no published figure: the on-call engineer, paged by something outside us-east-1 or by
      // customers, starts the run by hand 5 minutes after the outage.
      manualStart: {
        atSeconds: at + OPERATOR_REACTION_SECONDS,
        reason: 'us-east-1 is down; no alarm arrived',
        unlessStarted: true,
      },
    }),
  },
  'old-primary-returns': {
    summary:
      'the old primary region returns after the failover; the fence retry stops the old primary, DNS never answers it',
    description:
      "The primary region goes down and the standby takes over; the failover's last step starts the fence: the old region's records are pointed at their maintenance target at once (Route 53's API answers), its databases do not answer (unreachable, recorded in seconds). The fence retry (every 5 minutes) tries again until the region returns at 15 minutes, then stops the old RDS primary and finds the old Aurora primary rejoined, and stops starting runs. At 30 minutes the new primary's endpoint fails too: DNS answers the maintenance target (or, where the fence inverted the old region's health check, fails open to the new primary's record), never the old region, and no write reaches the old primary (probed every minute).",
    build: (at) => ({
      outages: [
        { region: 'primary', atSeconds: at, untilSeconds: at + 900 },
        { region: 'standby', atSeconds: at + 1800 },
      ],
      fenceRetry: { everySeconds: 300, probeEverySeconds: 60 },
    }),
  },
  reprotect: {
    summary:
      'after the failover and the fence, the reprotect runbook gives each new primary a standby in the old region',
    description:
      'The primary region goes down and the standby takes over; the region returns at 15 minutes; an operator runs the fence runbook at 20 minutes and the reprotect runbook at 25: the old RDS primary is snapshotted, a new cross-region read replica of the new primary is created in the old region and waited for until it replicates (its lag starts high and falls), and the old Aurora primary, which rejoined the global cluster, becomes its standby.',
    build: (at) => ({
      outages: [{ region: 'primary', atSeconds: at, untilSeconds: at + 900 }],
      runbooks: [
        { action: 'fence', atSeconds: at + 1200 },
        { action: 'reprotect', atSeconds: at + 1500 },
      ],
    }),
  },
  failback: {
    summary: 'failback runbook: back to the primary region with no data loss, from a re-protected topology',
    description:
      "The world starts a week after a failover that was fenced and re-protected: the standby region serves, a new RDS read replica and the old Aurora primary stand by in the primary region. An operator runs the failback runbook a minute in: it pauses writes (the plan's write pause), waits for zero replica lag, promotes the RDS replica, switches the Aurora global cluster over, flips DNS back, verifies and resumes writes.",
    build: () => ({ outages: [], start: 'reprotected', runbooks: [{ action: 'failback', atSeconds: 60 }] }),
  },
  'failback-lagging': {
    summary: 'failback runbook: the replica lag never reaches 0; the failback stops with nothing changed',
    description:
      'As failback, but the RDS replica in the primary region is stuck 45 s behind (even with writes paused): the failback waits failback.maxLagWaitSeconds for zero lag, resumes writes and stops (blocked) with nothing promoted.',
    build: () => ({
      outages: [],
      start: 'reprotected',
      rds: { lagSeconds: 45 },
      runbooks: [{ action: 'failback', atSeconds: 60 }],
    }),
  },
  'game-day': {
    summary: 'game-day runbook: planned failover, verification window, fence, reprotect, failback, re-protected again',
    description:
      "No outage: an operator starts the game-day runbook a minute in. It starts each leg as its own runbook and waits for its end: a planned failover (mode game-day: Aurora switches over, no data loss); after the plan's 10-minute verification window the fence runbook stops the old RDS primary and finds the old Aurora primary rejoined; reprotect gives each database a standby in the original region; the failback pauses writes, waits for zero lag, moves every writer back and flips DNS back (the Aurora switchover leaves its old writer as the secondary); then fence stops the old RDS writer in the standby region and reprotect gives the RDS database a new replica there. The original region serves and every database is protected again. One incident, one record, one report, one leg per runbook.",
    build: () => ({
      outages: [],
      runbooks: [{ action: 'game-day', atSeconds: 60 }],
    }),
  },
  'game-day-twice': {
    summary: 'game-day runbook twice on the same plan: the second runs on the copies the first left',
    description:
      'As game-day, then a second game day three hours after the first started (it takes about two) on the same plan. After the first, the RDS database writes on the replica the first reprotect made and stands by on the one the second reprotect made: the second game day fails over, fences, re-protects and fails back from those copies (the topology in the ledger names them, not the plan file). Both recover with no data loss; the original region serves and every database is protected again.',
    build: () => ({
      outages: [],
      runbooks: [
        { action: 'game-day', atSeconds: 60 },
        { action: 'game-day', atSeconds: 60 + SECOND_GAME_DAY_AFTER_SECONDS },
      ],
    }),
  },
  'restore-test': {
    summary: "restore-test runbook: each database's newest backup restored, validated and deleted",
    description:
      "No outage: the restore-test runbook restores each database's newest backup in the standby region into a throwaway, waits until it is available, validates it and deletes it.",
    build: () => ({ outages: [], runbook: 'restore-test', restore: { leftovers: true } }),
  },
  'restore-fails': {
    summary: 'restore-test runbook: the restore fails; the throwaway is still deleted and the failure recorded',
    description:
      'No outage: a restore test whose restore ends in incompatible-option-group; the throwaway is still deleted and the failure recorded.',
    build: () => ({ outages: [], runbook: 'restore-test', restore: { outcome: 'incompatible-option-group' } }),
  },
} satisfies Record<string, ScenarioDefinition>;

export type ScenarioName = keyof typeof SCENARIOS;

/** The names of the scenarios, in a stable order. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** Every scenario's one-line summary and full description (for `switchback drill --list` and `--help`). */
export const describeScenarios = (): { name: ScenarioName; summary: string; description: string }[] =>
  SCENARIO_NAMES.map((name) => ({ name, summary: SCENARIOS[name].summary, description: SCENARIOS[name].description }));
