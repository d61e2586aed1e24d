/**
 * What a function keeps while its execution environment stays warm: the configuration it parsed and the adapters
 * (and through them the clients) it built on its first invocation, reused by the next ones, as Lambda reuses an
 * execution environment between invocations of one version of a function. A new deployment starts cold.
 *
 * Each such cache registers how to forget itself (`onColdStart`). A local drill is a deployment of its own (its plan,
 * its ledger, its wiring): it calls `coldStart()` before its first invocation and when it ends, so that a process that
 * runs several drills (the test suites, the soak's workers, the bench) never hands one drill's functions another's
 * configuration or adapters. The product never calls it.
 */

const resets = new Set<() => void>();

/** Registers how a module forgets what it keeps warm; returns a function that unregisters it. */
export const onColdStart = (reset: () => void): (() => void) => {
  resets.add(reset);
  return () => resets.delete(reset);
};

/** Forgets everything kept warm: the next invocation of every function builds it again, as after a deployment. */
export const coldStart = (): void => {
  for (const reset of resets) reset();
};
