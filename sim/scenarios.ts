import { parsePlan } from '../shared/plan/load';
import type { Plan } from '../shared/plan/schema';
import { InvalidScenarioError, UnknownScenarioError } from './errors';
import { SCENARIO_NAMES, SCENARIOS, type ScenarioDefinition, type ScenarioName } from './scenario-catalog';
import type { TimingOverrides } from './timing';
import type { ScenarioSpec } from './world';

export { describeScenarios, SCENARIO_NAMES, type ScenarioName } from './scenario-catalog';

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
