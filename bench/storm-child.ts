import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { generateStorm, type StormKind, type StormResult } from './storm';

/**
 * One storm run in a process of its own, as one cold intake container would meet it: `storm-child.ts <seed>
 * <deliveries> <in flight>`. The ledger is a real dynalite on loopback; Step Functions is the simulator's
 * (sim/world.ts RecordingStepFunctions: a name is unique, the same name and input is idempotent). Every call the
 * product's SDK clients make is counted by a middleware on those clients, and attributed to the delivery being
 * handled. Logs and metrics are silenced (10,000 log lines would measure the terminal). Prints one JSON line.
 */

const STATE_MACHINE_ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-failover';

const main = async (): Promise<void> => {
  const [seed, count, concurrency] = process.argv.slice(2, 5).map(Number);
  const memo = process.argv[5] !== 'no-memo';
  if (seed === undefined || count === undefined || concurrency === undefined || !(concurrency >= 1)) {
    throw new Error('usage: storm-child.ts <seed> <deliveries> <in flight> [no-memo]');
  }
  // Before any product module is loaded: the logger reads its level when it is built, the configuration is read
  // once per process, and the DynamoDB client reads its endpoint when it is built (on the first delivery).
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-west-2',
    FAILOVER_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const { startLocalLedger } = await import('../sim/local-ledger');
  const ledger = await startLocalLedger({ region: 'us-west-2' });
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: ledger.endpoint, LEDGER_TABLE: ledger.tableName });
  const { useClientPlugin } = await import('../shared/aws/clients');
  const { loadPlanFile, PlanRegistry } = await import('../shared/plan/load');
  const { setPlans } = await import('../shared/runtime/plans');
  const { RecordingStepFunctions } = await import('../sim/world');
  const { loadFunctionHandler } = await import('../sim/local-runner');
  // functions/on-health-alarm.ts, loaded as the drill loads it (middy is ESM only).
  const lambda = await loadFunctionHandler('on-health-alarm');
  const { alarmStateChangeSchema, handleHealthAlarm } = await import('../shared/usecases/handle-health-alarm');
  const { SeenStateChanges } = await import('../shared/domain/seen-state-changes');
  const { DynamoLedger } = await import('../shared/aws/ledger');
  const { StepFunctionsWorkflow } = await import('../shared/aws/workflow');
  const { EmfMetrics } = await import('../shared/aws/metrics');
  const { systemClock } = await import('../shared/runtime/clock');
  const { config } = await import('../shared/runtime/config');
  const { logger } = await import('../shared/runtime/logger');
  const { plans } = await import('../shared/runtime/plans');
  // Without the container's memory: every delivery as if it were the first one a new container sees, through the
  // same use case and adapters as the handler (functions/on-health-alarm.ts) builds them.
  const adapters = {
    ledger: new DynamoLedger(),
    workflow: new StepFunctionsWorkflow(),
    metrics: new EmfMetrics(),
    clock: systemClock,
    log: logger,
    maxEventAgeSeconds: config().MAX_EVENT_AGE_SECONDS,
    maxClockSkewSeconds: config().MAX_CLOCK_SKEW_SECONDS,
  };
  const coldContainer = async (event: unknown): Promise<unknown> => {
    const parsed = alarmStateChangeSchema.safeParse(event);
    if (!parsed.success) return { status: 'dropped' };
    return handleHealthAlarm(parsed.data, { ...adapters, plans: plans(), seen: new SeenStateChanges() });
  };
  const handler = memo ? lambda : coldContainer;

  const plan = loadPlanFile(join(__dirname, '..', 'plans', 'example.yml'));
  setPlans(new PlanRegistry([plan]));
  const alarmName = plan.trigger.alarms[0];
  if (!alarmName) throw new Error('plans/example.yml names no alarm');

  const stepFunctions = new RecordingStepFunctions(() => Date.now());
  const current = new AsyncLocalStorage<number>();
  const calls: Record<string, number> = {};
  const callsOf: number[] = new Array(count).fill(0);
  useClientPlugin({
    applyToStack: (stack) => {
      stack.add(
        ((next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
          async (args: { input: Record<string, unknown> }) => {
            const name = `${context.clientName}.${context.commandName}`;
            calls[name] = (calls[name] ?? 0) + 1;
            const index = current.getStore();
            if (index !== undefined) callsOf[index] = (callsOf[index] ?? 0) + 1;
            if (context.clientName === 'SFNClient' && context.commandName === 'StartExecutionCommand') {
              const started = await stepFunctions.startExecution(
                args.input as { stateMachineArn: string; name?: string; input?: string },
              );
              return { output: { ...started, $metadata: {} }, response: {} };
            }
            return next(args);
          }) as never,
        { step: 'initialize', name: 'stormCount', priority: 'high' } as never,
      );
    },
  });

  const deliveries = generateStorm({ seed, count, now: new Date(), alarmName });
  const context = { functionName: 'on-health-alarm', awsRequestId: 'storm' } as unknown as Context;
  const byStatus: Record<string, number> = {};
  const deliver = async (index: number): Promise<void> => {
    const delivery = deliveries[index];
    if (!delivery) return;
    let status: string;
    try {
      const result = (await current.run(index, () => handler(delivery.event, context))) as { status: string };
      status = result.status;
    } catch {
      status = 'error';
    }
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  };

  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < deliveries.length) {
      const index = nextIndex++;
      await deliver(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);

  const byKind: Record<StormKind, number> = { plan: 0, 'unknown-alarm': 0, malformed: 0 };
  // Which delivery of a state change is "the first" is decided by the race, not by the feed order: in flight, a
  // later one may claim it. Per state change, the delivery that made the most calls did the work; the others are
  // its duplicates.
  const callsByChange = new Map<string, number[]>();
  deliveries.forEach((delivery, index) => {
    byKind[delivery.kind] += 1;
    if (delivery.stateChange === undefined) return;
    const calls = callsByChange.get(delivery.stateChange) ?? [];
    calls.push(callsOf[index] ?? 0);
    callsByChange.set(delivery.stateChange, calls);
  });
  let duplicates = 0;
  let duplicateCalls = 0;
  let maxCallsPerDuplicate = 0;
  for (const calls of callsByChange.values()) {
    const [, ...others] = [...calls].sort((a, b) => b - a);
    duplicates += others.length;
    duplicateCalls += others.reduce((sum, n) => sum + n, 0);
    maxCallsPerDuplicate = Math.max(maxCallsPerDuplicate, ...others, 0);
  }
  const result: StormResult = {
    concurrency,
    memo,
    deliveries: deliveries.length,
    duplicates,
    outOfOrder: deliveries.filter((delivery) => delivery.outOfOrder).length,
    byKind,
    byStatus,
    executions: stepFunctions.executions.length,
    calls,
    totalCalls: Object.values(calls).reduce((sum, n) => sum + n, 0),
    duplicateCalls,
    maxCallsPerDuplicate,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  await ledger.stop();
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`storm: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
});
