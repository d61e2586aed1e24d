import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { countHistory } from '../../../sim/history';
import type { Transition } from '../../../sim/local-runner';

const lambda = 'arn:aws:states:::lambda:invoke';
const definition = {
  StartAt: 'Ask',
  States: {
    Ask: { Type: 'Task', Resource: `${lambda}.waitForTaskToken`, Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Start',
        States: { Start: { Type: 'Task', Resource: lambda, End: true } },
      },
      Next: 'Check',
    },
    Check: { Type: 'Task', Resource: lambda, Next: 'Done?' },
    'Done?': { Type: 'Choice', Choices: [], Default: 'Pause' },
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Check' },
    Stop: { Type: 'Fail', Error: 'X' },
    End: { Type: 'Succeed' },
  },
} as unknown as StateMachineDefinition;

const t = (state: string, type: string, event: Transition['event'], index?: number): Transition => ({
  execution: 'e',
  state,
  type,
  event,
  at: '2026-01-15T03:00:00.000Z',
  ...(index === undefined ? {} : { index }),
});
const both = (state: string, type: string, index?: number): Transition[] => [
  t(state, type, 'entered', index),
  t(state, type, 'exited', index),
];

describe('countHistory', () => {
  it('counts 9 events and 3 transitions per poll (Wait, Lambda Task, Choice) when a run polls', () => {
    // Prepare
    const onePoll = [...both('Pause', 'Wait'), ...both('Check', 'Task'), ...both('Done?', 'Choice')];
    // Act
    const one = countHistory(definition, { status: 'RUNNING', transitions: onePoll });
    const two = countHistory(definition, { status: 'RUNNING', transitions: [...onePoll, ...onePoll] });
    // Assess: ExecutionStarted, then 2 + 5 + 2 per poll
    expect(one).toEqual({ events: 1 + 9, stateTransitions: 3 });
    expect(two.events - one.events).toBe(9);
  });

  it('counts the Map, its iterations and the task token wait when the execution succeeds', () => {
    const transitions = [
      ...both('Ask', 'Task'),
      t('Each', 'Map', 'entered'),
      ...both('Start', 'Task', 0),
      ...both('Start', 'Task', 1),
      t('Each', 'Map', 'exited'),
      ...both('End', 'Succeed'),
    ];
    // 2 (execution) + 6 (token task: Entered, Scheduled, Started, Submitted, Succeeded, Exited)
    // + 4 (MapStateEntered/Started/Succeeded/Exited) + 2 x (2 iteration events + 5 task events) + 2 (Succeed)
    expect(countHistory(definition, { status: 'SUCCEEDED', transitions })).toEqual({
      events: 2 + 6 + 4 + 2 * 7 + 2,
      stateTransitions: 5,
    });
  });

  it('counts a failed attempt, its retry and a caught error as Step Functions logs them', () => {
    const retried = [
      t('Check', 'Task', 'entered'),
      t('Check', 'Task', 'failed'),
      t('Check', 'Task', 'retried'),
      t('Check', 'Task', 'exited'),
    ];
    const caught = [
      t('Check', 'Task', 'entered'),
      t('Check', 'Task', 'failed'),
      t('Check', 'Task', 'caught'),
      t('Check', 'Task', 'exited'),
    ];
    // Entered, Scheduled, Started, Failed, Scheduled, Started, Succeeded, Exited
    expect(countHistory(definition, { status: 'RUNNING', transitions: retried }).events).toBe(1 + 8);
    // Entered, Scheduled, Started, Failed, Exited
    expect(countHistory(definition, { status: 'RUNNING', transitions: caught }).events).toBe(1 + 5);
  });

  it('counts FailStateEntered and no exit when the run ends in a Fail state', () => {
    const transitions = [t('Stop', 'Fail', 'entered'), t('Stop', 'Fail', 'failed')];
    expect(countHistory(definition, { status: 'FAILED', transitions })).toEqual({ events: 3, stateTransitions: 1 });
  });
});
