import type { Call } from '../../scripts/iam-grants';
import { useClientPlugin } from '../../shared/aws/clients';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';
import type { LocalRunner } from '../../sim/local-runner';
import type { DrillProgress } from '../../sim/progress';
import type { World } from '../../sim/world';
import { type CallRecorder, createCallRecorder } from './aws-calls';

/** What may differ between the shared drills of one plan and scenario (all run with seed 1 and no Slack preview). */
export type SharedDrillOptions = Pick<DrillOptions, 'answer' | 'restoreRuns'>;

/**
 * What a test watches in a shared drill as it runs (what DNS answered at some virtual time, the actions as they are
 * recorded): called with the world before time runs, as `onWorld` is. It only reads: it must not change the drill's
 * course, or the other tests of that drill would read a drill unlike the one they name. Reading the world, or a
 * clock timer that reads it, changes nothing the drill reports (the same report, calls, actions and events, to the
 * digest, with and without one).
 */
export type DrillObserver = (world: World, runner: LocalRunner) => void;

export interface RecordedDrills {
  /**
   * The drill of this plan, scenario and options, with seed 1 and no Slack preview: run on the first ask, the same
   * result (the same report, world and runner) on every later one. Callers only read it.
   */
  shared(planFile: string, scenario: string, options?: SharedDrillOptions): Promise<DrillResult>;
  /**
   * Watches the shared drill of this plan, scenario and options when it runs. Call it as the tests are declared
   * (in a describe block), before any test asks for that drill: it throws once the drill has started.
   */
  observe(planFile: string, scenario: string, options: SharedDrillOptions, observer: DrillObserver): void;
  /** A drill of its own, never shared (its `onWorld` makes it unlike any other), recorded as the shared ones are. */
  own(options: DrillOptions): Promise<DrillResult>;
  /** Every drill run here so far (shared and own), in start order. */
  all(): Promise<DrillResult[]>;
  /** Function name -> the AWS calls its invocations made in every drill run here so far. */
  calls(): Map<string, Call[]>;
  /** What the drill of this result told its progress display, in order (recorded for every drill run here). */
  progress(result: DrillResult): DrillProgress[];
}

/**
 * Drills that record every AWS call the handlers make, as the IAM action and resources it needs per function
 * (test/support/aws-calls.ts), into one recorder, and that run each (plan, scenario, options) once per test file:
 * the IAM check reads the calls of the very drills whose reports the scenario tests assert on, instead of running
 * the same drills again. Recording only observes: a recorded drill gives the report an unrecorded one gives.
 */
export const recordedDrills = (): RecordedDrills => {
  let recorder: CallRecorder | undefined;
  const results = new Map<string, Promise<DrillResult>>();
  const observers = new Map<string, DrillObserver[]>();
  const progressOf = new WeakMap<DrillResult, DrillProgress[]>();
  const started: Promise<DrillResult>[] = [];

  const own = (options: DrillOptions): Promise<DrillResult> => {
    const result = runRecorded(options);
    started.push(result);
    return result;
  };

  const runRecorded = async (options: DrillOptions): Promise<DrillResult> => {
    // Progress only observes (the drill calls a no-op without it): every drill records it for the tests that read it.
    const progress: DrillProgress[] = [];
    const result = await runDrill({
      ...options,
      onWorld: (world, runner) => {
        // The drill forgets every client plugin as it builds its world (sim/drill.ts): add the recorder each time.
        recorder ??= createCallRecorder(world.account);
        useClientPlugin(recorder.plugin);
        options.onWorld?.(world, runner);
      },
      onProgress: (event) => {
        progress.push(event);
        options.onProgress?.(event);
      },
    });
    progressOf.set(result, progress);
    return result;
  };

  // Everything that may change a shared drill's course (observers do not).
  const keyOf = (planFile: string, scenario: string, options: SharedDrillOptions): string =>
    JSON.stringify([planFile, scenario, options.answer ?? null, options.restoreRuns ?? 1]);

  const shared = (planFile: string, scenario: string, options: SharedDrillOptions = {}): Promise<DrillResult> => {
    const key = keyOf(planFile, scenario, options);
    let result = results.get(key);
    if (!result) {
      const watching = observers.get(key) ?? [];
      result = own({
        planFile,
        scenario,
        seed: 1,
        slackPreview: false,
        ...options,
        ...(watching.length > 0
          ? {
              onWorld: (world: World, runner: LocalRunner) => {
                for (const observer of watching) observer(world, runner);
              },
            }
          : {}),
      });
      results.set(key, result);
    }
    return result;
  };

  const observe = (planFile: string, scenario: string, options: SharedDrillOptions, observer: DrillObserver) => {
    const key = keyOf(planFile, scenario, options);
    if (results.has(key)) {
      throw new Error(`the shared ${scenario} drill already started: observe it before any test asks for it`);
    }
    observers.set(key, [...(observers.get(key) ?? []), observer]);
  };

  const progress = (result: DrillResult): DrillProgress[] => {
    const events = progressOf.get(result);
    if (!events) throw new Error('progress is recorded only for the drills of this recordedDrills()');
    return events;
  };

  return {
    shared,
    observe,
    own,
    all: () => Promise.all(started),
    calls: () => recorder?.byFunction ?? new Map<string, Call[]>(),
    progress,
  };
};
