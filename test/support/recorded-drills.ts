import type { Call } from '../../scripts/iam-grants';
import { useClientPlugin } from '../../shared/aws/clients';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';
import type { DrillProgress } from '../../sim/progress';
import { type CallRecorder, createCallRecorder } from './aws-calls';

/** What may differ between the shared drills of one plan and scenario (all run with seed 1 and no Slack preview). */
export type SharedDrillOptions = Pick<DrillOptions, 'answer' | 'restoreRuns'>;

export interface RecordedDrills {
  /**
   * The drill of this plan, scenario and options, with seed 1 and no Slack preview: run on the first ask, the same
   * result (the same report, world and runner) on every later one. Callers only read it.
   */
  shared(planFile: string, scenario: string, options?: SharedDrillOptions): Promise<DrillResult>;
  /** A drill of its own, never shared (its `onWorld` makes it unlike any other), recorded as the shared ones are. */
  own(options: DrillOptions): Promise<DrillResult>;
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
  const progressOf = new WeakMap<DrillResult, DrillProgress[]>();

  const own = async (options: DrillOptions): Promise<DrillResult> => {
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

  const shared = (planFile: string, scenario: string, options: SharedDrillOptions = {}): Promise<DrillResult> => {
    const key = JSON.stringify([planFile, scenario, options.answer ?? null, options.restoreRuns ?? 1]);
    let result = results.get(key);
    if (!result) {
      result = own({ planFile, scenario, seed: 1, slackPreview: false, ...options });
      results.set(key, result);
    }
    return result;
  };

  const progress = (result: DrillResult): DrillProgress[] => {
    const events = progressOf.get(result);
    if (!events) throw new Error('progress is recorded only for the drills of this recordedDrills()');
    return events;
  };

  return { shared, own, calls: () => recorder?.byFunction ?? new Map<string, Call[]>(), progress };
};
