import { PlanRegistry } from '../plan/load';
import { config } from './config';

/**
 * The plans of this deployment, packaged with every function in `PLANS_DIR`. Loaded on first use and kept for
 * the life of the process: plans change only with a deploy, and an invalid plan fails the first invocation with
 * the file and field to fix.
 */
let registry: PlanRegistry | undefined;

/** The deployment's plan registry, loaded once from `config().PLANS_DIR`. */
export const plans = (): PlanRegistry => {
  registry ??= PlanRegistry.fromDirectory(config().PLANS_DIR);
  return registry;
};

/** Replaces the registry (tests and drills that bring their own plans); `undefined` reloads from disk on next use. */
export const setPlans = (next: PlanRegistry | undefined): void => {
  registry = next;
};
