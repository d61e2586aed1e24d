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
}

export const SCENARIOS = {
  'region-outage': {
    summary: 'the primary region goes down and stays down',
    description: 'The primary region goes down and stays down; replica lag is normal (1-3 s, Aurora < 1 s).',
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
} satisfies Record<string, ScenarioDefinition>;

export type ScenarioName = keyof typeof SCENARIOS;

/** The names of the scenarios, in a stable order. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** Every scenario's one-line summary and full description (for `switchback drill --list` and `--help`). */
export const describeScenarios = (): { name: ScenarioName; summary: string; description: string }[] =>
  SCENARIO_NAMES.map((name) => ({ name, summary: SCENARIOS[name].summary, description: SCENARIOS[name].description }));
