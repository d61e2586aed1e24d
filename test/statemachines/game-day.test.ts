import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandInput,
  ExecutionDoesNotExist,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { recordFenceTargets } from '../../shared/domain/fence';
import type { Outcome, RunInput, RunRecord } from '../../shared/domain/run';
import { planTopology, topologyAfterFailover } from '../../shared/domain/topology';
import { compilePlans } from '../../shared/plan/compile';
import { loadPlanFile } from '../../shared/plan/load';
import { type LocalExecution, LocalRunner } from '../../sim/local-runner';
import { endedRunRecord } from '../support/run-fixtures';
import { scratchFolders } from '../support/scratch';
import { ACCOUNT, mockAws, STANDBY_REGION, stopAll, useFailoverSuite } from '../support/statemachine';

/**
 * The game-day ASL (statemachines/game-day.asl.json) run end to end by the local runner: every Task calls the real
 * handler of functions/<name>.ts; the ledger is a real table on dynalite; Step Functions is aws-sdk-client-mock over
 * a small model of the four runbooks, each of which "runs" at once when started: its execution SUCCEEDED and its
 * run record in the ledger with the outcome the test gives it. The drill (test/integration/drill-scenarios.test.ts)
 * runs the same game day with the real runbooks on the simulator.
 */

const PLANS_DIR = join(__dirname, '..', '..', 'plans');
const arnOf = (name: string) => `arn:aws:states:${STANDBY_REGION}:${ACCOUNT}:stateMachine:switchback-${name}`;
const GAME_DAY_ARN = arnOf('game-day');
const RUNBOOK_ARNS = {
  FAILOVER_STATE_MACHINE_ARN: arnOf('failover'),
  FENCE_STATE_MACHINE_ARN: arnOf('fence'),
  REPROTECT_STATE_MACHINE_ARN: arnOf('reprotect'),
  FAILBACK_STATE_MACHINE_ARN: arnOf('failback'),
};
const mocks = mockAws();

const crash = () => Object.assign(new Error('the function crashed'), { name: 'Lambda.Unknown' });
/** The fence retry's run (start-fence names it after the minute of its tick). */
const RETRY_OWNER = {
  incidentId: 'orders-fence-retry-20261125T0905Z',
  executionArn: `arn:aws:states:${STANDBY_REGION}:${ACCOUNT}:execution:switchback-fence:orders-fence-retry-20261125T0905Z`,
};

describe('game-day state machine', () => {
  const compiledPlans = scratchFolders('switchback-plans-')();
  compilePlans(PLANS_DIR, compiledPlans);
  const suite = useFailoverSuite(mocks, { PLANS_DIR: compiledPlans, ...RUNBOOK_ARNS });
  const plan = loadPlanFile(join(PLANS_DIR, 'example.yml'));
  let runner: LocalRunner;
  let sequence = 0;

  /** The four runbooks as Step Functions shows them: each execution created once, ended at once, its record written. */
  class Runbooks {
    /** Every execution created (a repeated StartExecution of a name is not a creation). */
    readonly created: { name: string; stateMachineArn: string; input: RunInput }[] = [];
    private readonly crashed = new Set<string>();

    constructor(
      private readonly options: {
        /** The outcome each leg's run records (by action), default recovered. */
        outcomes?: Partial<Record<string, Outcome>>;
        /** The leg (by its index) whose start crashes once, after StartExecution created it. */
        crashAfterStartOf?: number;
        /**
         * The fence leg (by its index) that found the plan's lock held by a fence retry: it ends at once with no
         * record ("Already Handled"); the retry fences (`fences`) and releases the lock at the leg's second look.
         */
        retryHoldsLockAt?: { leg: number; fences: boolean; holder?: 'failover' };
      } = {},
    ) {
      mocks.eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
      mocks.sfn.on(StartExecutionCommand).callsFake(async (request: StartExecutionCommandInput) => {
        const name = request.name ?? '';
        const input = JSON.parse(request.input ?? '{}') as RunInput;
        const executionArn = `${(request.stateMachineArn ?? '').replace(':stateMachine:', ':execution:')}:${name}`;
        const index = Number(/-(\d+)-[a-z]+$/.exec(name)?.[1]);
        if (!this.created.some((each) => each.name === name)) {
          this.created.push({ name, stateMachineArn: request.stateMachineArn ?? '', input });
          if (this.options.retryHoldsLockAt?.leg === index) {
            // The fence retry's run, in progress: it holds the plan's lock.
            await suite.ledger.acquireLock('orders', RETRY_OWNER, new Date());
            await suite.ledger.putRun(
              endedRunRecord(
                RETRY_OWNER.incidentId,
                { ...input, mode: 'live', action: this.options.retryHoldsLockAt.holder ?? input.action },
                'in-progress',
                {
                  type: 'automatic',
                  by: 'fence-retry',
                },
              ),
            );
          } else {
            await suite.ledger.putRun(this.record(name, input));
          }
          // The failover leg leaves old primaries to fence, which the fence retry schedule sees too.
          if (this.options.retryHoldsLockAt && input.action === 'failover') {
            await suite.ledger.putTopology(
              'orders',
              topologyAfterFailover(planTopology(plan), {
                toRegion: 'us-west-2',
                at: new Date().toISOString(),
                incidentId: name,
              }),
            );
          }
        }
        if (this.options.crashAfterStartOf === index && !this.crashed.has(name)) {
          this.crashed.add(name);
          throw crash();
        }
        return { executionArn, startDate: new Date() };
      });
      mocks.sfn.on(DescribeExecutionCommand).callsFake((request: DescribeExecutionCommandInput) => {
        const name = (request.executionArn ?? '').split(':').at(-1) ?? '';
        if (!this.created.some((each) => each.name === name)) {
          throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: { httpStatusCode: 400 } });
        }
        const retry = this.options.retryHoldsLockAt;
        if (retry && Number(/-(\d+)-[a-z]+$/.exec(name)?.[1]) === retry.leg) {
          this.retryLooks += 1;
          if (this.retryLooks === 2) return this.retryEnds(retry.fences);
        }
        return { executionArn: request.executionArn, name, status: 'SUCCEEDED', startDate: new Date() };
      });
    }

    private retryLooks = 0;

    /** The fence retry ends: it fenced every old primary (or none), then released the plan's lock. */
    private async retryEnds(fences: boolean) {
      const topology = await suite.ledger.getTopology('orders');
      if (fences && topology) {
        const at = new Date().toISOString();
        await suite.ledger.putTopology('orders', {
          ...topology,
          databases: topology.databases.map((db) =>
            db.oldPrimary ? { ...db, oldPrimary: { ...db.oldPrimary, state: 'fenced' as const, since: at } } : db,
          ),
          dnsFences: recordFenceTargets(plan, topology).map((target) => ({
            record: target.key,
            region: target.region,
            state: 'fenced' as const,
            since: at,
            replaced: [],
          })),
        });
      }
      await suite.ledger.releaseLock('orders', RETRY_OWNER);
      return { status: 'SUCCEEDED', startDate: new Date() };
    }

    private record(name: string, input: RunInput): RunRecord {
      return {
        ...endedRunRecord(name, input, this.options.outcomes?.[input.action] ?? 'recovered'),
        ...(input.action === 'failback'
          ? { rpo: { actualSeconds: 0, budgetSeconds: 60, withinBudget: true } }
          : input.action === 'failover'
            ? {
                rto: { actualSeconds: 300, budgetSeconds: 900, withinBudget: true },
                rpo: { actualSeconds: 1, budgetSeconds: 60, withinBudget: true },
              }
            : {}),
      };
    }
  }

  beforeEach(() => {
    runner = new LocalRunner({
      definition: JSON.parse(readFileSync(join(__dirname, '..', '..', 'statemachines', 'game-day.asl.json'), 'utf8')),
      stateMachineArn: GAME_DAY_ARN,
      waits: 'zero',
    });
  });

  afterEach(async () => {
    await stopAll(runner);
  });

  const runGameDay = async (
    options: { mode?: string; incidentId?: string } = {},
  ): Promise<{ done: LocalExecution; incidentId: string }> => {
    sequence += 1;
    const name = `orders-game-day-20261125T0900${String(sequence).padStart(2, '0')}Z`;
    const { executionArn } = runner.startExecution({
      stateMachineArn: GAME_DAY_ARN,
      name,
      input: JSON.stringify({
        plan: 'orders',
        action: 'game-day',
        mode: options.mode ?? 'live',
        reason: 'Q4 game day',
        requestedBy: 'alice@example.com',
        ...(options.incidentId ? { incidentId: options.incidentId } : {}),
      }),
    });
    const execution = runner.get(executionArn) as LocalExecution;
    await execution.done;
    return { done: execution, incidentId: options.incidentId ?? name };
  };

  const record = async (incidentId: string): Promise<RunRecord> => {
    const found = await suite.ledger.getRun('orders', incidentId);
    if (!found) throw new Error(`no run record for ${incidentId}`);
    return found;
  };

  it('runs each leg once, in order, as its own runbook, and records one game day with every leg recovered', async () => {
    // Prepare
    const runbooks = new Runbooks();

    // Act
    const { done, incidentId } = await runGameDay();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Game Day Done' });
    expect(runbooks.created.map((leg) => `${leg.name.slice(incidentId.length)} ${leg.input.mode}`)).toEqual([
      '-1-failover game-day',
      '-2-fence live',
      '-3-reprotect live',
      '-4-failback game-day',
      '-5-fence live',
      '-6-reprotect live',
    ]);
    // Each leg on its own runbook's state machine, with the input `switchback run` would send.
    expect(runbooks.created.map((leg) => leg.stateMachineArn.split(':').at(-1))).toEqual([
      'switchback-failover',
      'switchback-fence',
      'switchback-reprotect',
      'switchback-failback',
      'switchback-fence',
      'switchback-reprotect',
    ]);
    expect(runbooks.created[0]?.input).toMatchObject({
      plan: 'orders',
      action: 'failover',
      requestedBy: 'alice@example.com',
      trigger: { type: 'manual' },
      incidentId: `${incidentId}-1-failover`,
    });
    const gameDay = await record(incidentId);
    expect(gameDay.run.action).toBe('game-day');
    expect(gameDay.outcome).toBe('recovered');
    expect(gameDay.legs?.map((leg) => `${leg.action} ${leg.outcome}`)).toEqual([
      'failover recovered',
      'fence recovered',
      'reprotect recovered',
      'failback recovered',
      'fence recovered',
      'reprotect recovered',
    ]);
    expect(gameDay.rto?.actualSeconds).toBe(300);
    expect(gameDay.rpo?.actualSeconds).toBe(1);
    // The verification window is the plan's (waits are zeroed in this runner; the drill keeps them).
    const windowWaits = done.transitions.filter((t) => t.state === 'Wait Before Leg' && t.event === 'entered');
    expect(windowWaits).toHaveLength(6);
    // The game day holds the plan's lock only while it assesses: every leg can take it.
    expect((await suite.ledger.getLock('orders'))?.holder).toBeUndefined();
  });

  it('stops at a fence leg that found the lock held by a run that is not a fence, instead of waiting for it', async () => {
    // Prepare
    new Runbooks({ retryHoldsLockAt: { leg: 2, fences: true, holder: 'failover' } });

    // Act
    const { done, incidentId } = await runGameDay();

    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.cause).toContain(`${incidentId}-2-fence stopped: its run ended with no record`);
  });

  it.each([
    [true, 'SUCCEEDED'],
    [false, 'FAILED'],
  ] as const)(
    'waits for a fence retry that held the lock when its fence leg asked, and goes on when it fenced (%s)',
    async (fences, status) => {
      // Prepare: the failover leg left old primaries to fence; the retry schedule's fence took the lock first
      new Runbooks({ retryHoldsLockAt: { leg: 2, fences } });

      // Act
      const { done, incidentId } = await runGameDay();

      // Assess: it looked while the retry held the lock, then went on to the next leg (or stopped at this one)
      expect(done.status).toBe(status);
      const gameDay = await record(incidentId);
      if (fences) {
        expect(gameDay.outcome).toBe('recovered');
        expect(gameDay.legs?.map((leg) => `${leg.action} ${leg.outcome}`)).toEqual([
          'failover recovered',
          'fence skipped',
          'reprotect recovered',
          'failback recovered',
          'fence recovered',
          'reprotect recovered',
        ]);
        expect(gameDay.reasons).toContain(
          `${incidentId}-2-fence: skipped: another fence (the fence retry's) held the plan's lock when it asked, and fenced in its place`,
        );
        // It looked while the retry held the lock, and went on once it had fenced.
        expect(done.transitions.filter((t) => t.state === 'Check Leg' && t.event === 'entered').length).toBeGreaterThan(
          7,
        );
      } else {
        expect(gameDay.outcome).toBe('failed');
        expect(done.error).toBe('GameDayLegStoppedError');
        expect(done.cause).toContain(`${incidentId}-2-fence`);
      }
      expect((await suite.ledger.getLock('orders'))?.holder).toBeUndefined();
    },
  );

  it.each([1, 2, 3, 4, 5, 6])(
    'starts no leg twice when the start of leg %i crashes after StartExecution and the game day is run again',
    async (leg) => {
      // Prepare
      const runbooks = new Runbooks({ crashAfterStartOf: leg });
      const first = await runGameDay({ incidentId: `orders-gd-crash-${leg}` });
      expect(first.done.status).toBe('FAILED');
      expect((await record(first.incidentId)).outcome).toBe('failed');
      // What the legs left: after the first leg, the plan is failed over (a new game day would be refused).
      if (leg >= 1) {
        await suite.ledger.putTopology(
          'orders',
          topologyAfterFailover(planTopology(plan), {
            toRegion: 'us-west-2',
            at: new Date().toISOString(),
            incidentId: `${first.incidentId}-1-failover`,
          }),
        );
      }

      // Act: the same game day (same incident id) again
      const { done } = await runGameDay({ incidentId: `orders-gd-crash-${leg}` });

      // Assess
      expect(done.status).toBe('SUCCEEDED');
      expect(runbooks.created.map((each) => each.name)).toEqual(
        [
          'orders-gd-crash-1-1-failover',
          'orders-gd-crash-1-2-fence',
          'orders-gd-crash-1-3-reprotect',
          'orders-gd-crash-1-4-failback',
          'orders-gd-crash-1-5-fence',
          'orders-gd-crash-1-6-reprotect',
        ].map((name) => name.replace('crash-1', `crash-${leg}`)),
      );
      expect(mocks.sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name)).toEqual(
        runbooks.created.map((each) => each.name),
      );
      const gameDay = await record(`orders-gd-crash-${leg}`);
      expect(gameDay.outcome).toBe('recovered');
      expect(gameDay.reasons?.[0]).toContain('resumes game day');
    },
  );

  it('starts only the failover dry run in a dry run, takes no lock, and plans the other legs', async () => {
    // Prepare
    const runbooks = new Runbooks();

    // Act
    const { done, incidentId } = await runGameDay({ mode: 'dry-run' });

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(runbooks.created.map((leg) => `${leg.input.action} ${leg.input.mode}`)).toEqual(['failover dry-run']);
    // Nothing mutating: the only Step Functions call that starts anything started a dry run.
    expect(
      mocks.sfn.commandCalls(StartExecutionCommand).map((call) => JSON.parse(call.args[0].input.input ?? '{}').mode),
    ).toEqual(['dry-run']);
    expect(mocks.rds.calls()).toHaveLength(0);
    expect(await suite.ledger.getLock('orders')).toBeUndefined();
    const gameDay = await record(incidentId);
    expect(gameDay.run.mode).toBe('dry-run');
    expect(gameDay.outcome).toBe('recovered');
    expect(gameDay.legs?.map((leg) => `${leg.action} ${leg.outcome}${leg.planned ? ' planned' : ''}`)).toEqual([
      'failover recovered',
      'fence not-started planned',
      'reprotect not-started planned',
      'failback not-started planned',
      'fence not-started planned',
      'reprotect not-started planned',
    ]);
  });

  it('stops at a leg that did not do its work and names it, starting no later leg', async () => {
    // Prepare
    const runbooks = new Runbooks({ outcomes: { reprotect: 'blocked' } });

    // Act
    const { done, incidentId } = await runGameDay();

    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('GameDayLegStoppedError');
    expect(runbooks.created.map((leg) => leg.input.action)).toEqual(['failover', 'fence', 'reprotect']);
    const gameDay = await record(incidentId);
    expect(gameDay.outcome).toBe('failed');
    // As for every runbook, on-run-failed records the failure and the redrive (the runner delivers it).
    expect(gameDay.failure?.error).toBe('GameDayLegStoppedError');
    expect(gameDay.failure?.cause).toContain(`${incidentId}-3-reprotect stopped: its run ended blocked`);
  });

  it('refuses (blocked, nothing started) when the plan is not home', async () => {
    // Prepare
    const runbooks = new Runbooks();
    await suite.ledger.putTopology(
      'orders',
      topologyAfterFailover(planTopology(plan), {
        toRegion: 'us-west-2',
        at: '2026-11-25T03:09:00.000Z',
        incidentId: 'orders-20261125T030300Z-0000abcd',
      }),
    );

    // Act
    const { done, incidentId } = await runGameDay();

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.transitions.at(-1)).toMatchObject({ state: 'Game Day Refused' });
    expect(runbooks.created).toEqual([]);
    const gameDay = await record(incidentId);
    expect(gameDay.outcome).toBe('blocked');
    expect(gameDay.findings?.map((finding) => finding.check)).toEqual(['topology-home']);
    expect(gameDay.findings?.[0]?.found).toContain('already failed over to us-west-2');
  });

  it('rejects an input with another action, naming the field', async () => {
    // Act
    sequence += 1;
    const { executionArn } = runner.startExecution({
      stateMachineArn: GAME_DAY_ARN,
      name: `orders-game-day-bad-${sequence}`,
      input: JSON.stringify({ plan: 'orders', action: 'failover', reason: 'Q4 game day', requestedBy: 'alice' }),
    });
    const execution = runner.get(executionArn) as LocalExecution;
    await execution.done;

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.transitions.map((t) => t.state)).toContain('Reject Input');
    const caught = execution.transitions.find((t) => t.state === 'Assess Game Day' && t.event === 'failed');
    expect(caught?.cause).toContain('action');
  });
});
