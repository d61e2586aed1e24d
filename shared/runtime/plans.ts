import { PlanRegistry } from '../plan/registry';
import { config } from './config';

/**
 * The plans of this deployment, compiled to JSON at package time (shared/plan/compile.ts) and packaged with every
 * function in `PLANS_DIR`. Loaded on first use and kept for the life of the process: plans change only with a
 * deploy, and a plan that fails validation fails the first invocation with the file and field to fix.
 */
let registry: PlanRegistry | undefined;

/** The deployment's plan registry, loaded once from the compiled plans in `config().PLANS_DIR`. */
export const plans = (): PlanRegistry => {
  registry ??= PlanRegistry.fromCompiledDirectory(config().PLANS_DIR);
  return registry;
};

/** Replaces the registry (tests and drills that bring their own plans); `undefined` reloads from disk on next use. */
export const setPlans = (next: PlanRegistry | undefined): void => {
  registry = next;
};
