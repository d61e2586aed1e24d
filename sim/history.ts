import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { LocalExecution, Transition } from './local-runner';

/**
 * How many history events a Step Functions Standard execution would log for a run of the local runner, and how
 * many state transitions it would bill. aws-local-stepfunctions logs its own events (StateEntered, StateExited,
 * StateFailed, StateRetried, StateCaught, MapIteration*), not Step Functions' history, so this derives the history
 * from the states the run entered and left, with the events AWS documents per state type (Step Functions API
 * reference, HistoryEvent: the `type` values):
 * - the execution: ExecutionStarted and ExecutionSucceeded/Failed/Aborted/TimedOut (2);
 * - a Lambda Task: TaskStateEntered, TaskScheduled, TaskStarted (3 on entry; `.waitForTaskToken` adds
 *   TaskSubmitted), TaskSucceeded and TaskStateExited (2 on exit); a failed attempt adds TaskFailed (or
 *   TaskTimedOut), each retry TaskScheduled and TaskStarted again, a caught error TaskStateExited;
 * - Wait, Choice, Pass, Succeed: <Type>StateEntered and <Type>StateExited (2); Fail: FailStateEntered (1);
 * - an inline Map: MapStateEntered and MapStateStarted, MapIterationStarted and MapIterationSucceeded (or Failed)
 *   per item, MapStateSucceeded (or Failed) and MapStateExited.
 * The quota is 25,000 events per execution (aws-facts.md: Step Functions quotas); a state transition, what Standard
 * bills, is one state entered.
 */

/** Step Functions' history quota for one Standard execution (aws-facts.md, Orchestration: Step Functions quotas). */
export const HISTORY_EVENT_LIMIT = 25_000;

export interface HistoryCount {
  /** History events Step Functions would log for the execution. */
  events: number;
  /** States entered (what Standard bills as state transitions), states inside Map iterations included. */
  stateTransitions: number;
}

type AnyState = {
  Type: string;
  Resource?: string;
  ItemProcessor?: { States: Record<string, AnyState> };
  Iterator?: { States: Record<string, AnyState> };
};

const statesOf = (
  machine: { States: Record<string, AnyState> },
  parent?: string,
): Map<string, AnyState & { parent?: string }> => {
  const out = new Map<string, AnyState & { parent?: string }>();
  for (const [name, state] of Object.entries(machine.States)) {
    out.set(name, { ...state, ...(parent ? { parent } : {}) });
    const inner = state.ItemProcessor ?? state.Iterator;
    if (inner) for (const [innerName, innerState] of statesOf(inner, name)) out.set(innerName, innerState);
  }
  return out;
};

/**
 * Counts an execution's history as its transitions arrive (the local runner stops an execution at the quota, as Step
 * Functions does); `countHistory` counts a finished list.
 */
export class HistoryCounter {
  private readonly states: Map<string, AnyState & { parent?: string }>;
  /** Map iterations: each distinct item index seen inside a Map, once per entry of that Map. */
  private readonly iterations = new Map<string, Set<number>>();
  /** States whose error a Catch took: the engine then logs an exit, for which AWS logs TaskStateExited only. */
  private readonly caught = new Set<string>();
  /** Events so far, ExecutionStarted included (not the closing event). */
  events = 1;
  stateTransitions = 0;

  constructor(definition: StateMachineDefinition) {
    this.states = statesOf(definition as unknown as { States: Record<string, AnyState> });
  }

  add(transition: Transition): void {
    const state = this.states.get(transition.state);
    const type = state?.Type ?? transition.type;
    const key = `${transition.state}#${transition.index ?? ''}`;
    if (state?.parent !== undefined && transition.index !== undefined) {
      const seen = this.iterations.get(state.parent) ?? new Set<number>();
      seen.add(transition.index);
      this.iterations.set(state.parent, seen);
    }
    if (transition.event === 'caught') this.caught.add(key);
    if (transition.event === 'exited' && this.caught.delete(key)) this.events += 1;
    else this.events += eventsOf(type, transition, state?.Resource);
    if (transition.event === 'entered') this.stateTransitions += 1;
    if (type === 'Map' && (transition.event === 'exited' || transition.event === 'failed')) {
      this.events += 2 * (this.iterations.get(transition.state)?.size ?? 0);
      this.iterations.delete(transition.state);
    }
  }
}

/**
 * The history events and state transitions of one execution, derived from its transitions (see the module
 * comment). An execution still RUNNING has no closing event yet.
 */
export const countHistory = (
  definition: StateMachineDefinition,
  execution: Pick<LocalExecution, 'status' | 'transitions'>,
): HistoryCount => {
  const counter = new HistoryCounter(definition);
  for (const transition of execution.transitions) counter.add(transition);
  return {
    events: counter.events + (execution.status === 'RUNNING' ? 0 : 1),
    stateTransitions: counter.stateTransitions,
  };
};

const eventsOf = (type: string, transition: Transition, resource: string | undefined): number => {
  switch (transition.event) {
    case 'entered':
      if (type === 'Task') return resource?.endsWith('.waitForTaskToken') ? 4 : 3;
      if (type === 'Map') return 2;
      return 1;
    case 'exited':
      if (type === 'Task' || type === 'Map') return 2;
      // A Fail state logs no exit: ExecutionFailed follows it.
      return type === 'Fail' ? 0 : 1;
    case 'failed':
      return type === 'Task' || type === 'Map' ? 1 : 0;
    case 'retried':
      return type === 'Task' ? 2 : 0;
    default:
      return 0;
  }
};
