import { join } from 'node:path';
import { loadPlanFile } from '../../../shared/plan/load';
import type { Plan } from '../../../shared/plan/schema';
import { VirtualClock } from '../../../sim/clock';
import { buildScenario, type ScenarioOptions } from '../../../sim/scenarios';
import { createWorld, type ScenarioSpec, type World } from '../../../sim/world';

/** The drill start used by the simulator tests: 2026-01-15 03:00 UTC. */
export const T0 = Date.UTC(2026, 0, 15, 3, 0, 0);

/** The example plan of the repository (orders: an RDS pair and an Aurora global cluster, two CNAME pairs). */
export const examplePlan = (): Plan => loadPlanFile(join(__dirname, '../../../plans/example.yml'));

export interface SimHarness {
  clock: VirtualClock;
  world: World;
  plan: Plan;
  /** Advances virtual time by `ms`, running every model event due meanwhile. */
  advance(ms: number): Promise<void>;
  /** Advances virtual time to T0 + `seconds`. */
  advanceTo(seconds: number): Promise<void>;
  close(): void;
}

/** Installs the virtual clock at T0 and builds the example plan's world for a scenario (or a custom spec). */
export const startSim = (
  scenario: string | ScenarioSpec = 'region-outage',
  options: { seed?: number; scenarioOptions?: ScenarioOptions; plan?: Plan } = {},
): SimHarness => {
  const plan = options.plan ?? examplePlan();
  const spec = typeof scenario === 'string' ? buildScenario(scenario, options.scenarioOptions) : scenario;
  const clock = VirtualClock.install({ startMs: T0 });
  const world = createWorld({ plan, scenario: spec, seed: options.seed ?? 42, clock });
  const advance = async (ms: number) => {
    const target = clock.now() + ms;
    await clock.runUntil(() => clock.now() >= target, { maxVirtualMs: ms });
  };
  return {
    clock,
    world,
    plan,
    advance,
    advanceTo: (seconds) => advance(T0 + seconds * 1000 - clock.now()),
    close: () => {
      world.stop();
      clock.uninstall();
    },
  };
};
