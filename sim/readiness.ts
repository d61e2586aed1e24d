import { CloudWatchAlarms } from '../shared/aws/alarms';
import { cloudwatchClient, resetClients, useClientPlugin } from '../shared/aws/clients';
import { IamPolicySimulator } from '../shared/aws/iam-simulator';
import { DynamoLedger } from '../shared/aws/ledger';
import { RdsAdapter } from '../shared/aws/rds';
import { CloudWatchReplicaLag } from '../shared/aws/replica-lag';
import { DynamoRestoreTestLedger } from '../shared/aws/restore-test-ledger';
import { Route53Adapter } from '../shared/aws/route53';
import { SwitchbackWiring } from '../shared/aws/wiring';
import type { PlanReadiness } from '../shared/domain/readiness';
import type { RestoreTestRecord } from '../shared/domain/restore-test';
import { loadPlanFile, PlanRegistry } from '../shared/plan/load';
import type { Plan } from '../shared/plan/schema';
import { logger } from '../shared/runtime/logger';
import { checkReadiness } from '../shared/usecases/check-readiness';
import { VirtualClock } from './clock';
import { setEnvironment } from './environment';
import { startLocalLedger } from './local-ledger';
import { simRoleArns } from './models/iam';
import { simWiringTargets } from './models/wiring';
import { createSimPlugin } from './sdk-plugin';
import { World } from './world';

/**
 * `switchback readiness --local`: the readiness check of a plan against the simulated two-region AWS as the plan
 * describes it, before anything goes wrong (no outage), through the product's own adapters and use case. A fresh
 * simulator has no run history, so promotion comes from the published figures.
 */

/** The same virtual start as the drills: a quiet night, the same in every run. */
const START_MS = Date.UTC(2026, 0, 15, 3, 0, 0);
const LEDGER_TABLE = 'switchback-readiness-ledger';

export interface LocalReadinessOptions {
  planFile: string;
  /** Drift applied to the simulated world (the drill's drift scenarios), to see readiness turn red. */
  drift?: NonNullable<ConstructorParameters<typeof World>[0]['scenario']['drift']>;
  seed?: number;
  /**
   * Restore tests already in the ledger, as earlier runs left them (a fresh simulator has none, so each database
   * of a plan with backups.restoreTest is flagged until one passes).
   */
  restoreTests?: readonly RestoreTestRecord[];
}

export const runLocalReadiness = async (options: LocalReadinessOptions): Promise<PlanReadiness> => {
  const plan: Plan = loadPlanFile(options.planFile);
  const cleanups: (() => unknown)[] = [];
  try {
    const dynamo = await startLocalLedger({ tableName: LEDGER_TABLE, region: plan.regions.standby });
    cleanups.push(() => dynamo.stop());
    cleanups.push(
      setEnvironment({
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        LEDGER_TABLE,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: plan.regions.standby,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      }),
    );
    const previousLevel = logger.getLevelName();
    logger.setLogLevel('SILENT');
    cleanups.push(() => logger.setLogLevel(previousLevel));
    const clock = VirtualClock.install({ startMs: START_MS });
    cleanups.push(() => clock.uninstall());
    const world = new World({
      plan,
      scenario: {
        name: 'readiness',
        description: 'no outage',
        outages: [],
        ...(options.drift ? { drift: options.drift } : {}),
      },
      seed: options.seed ?? 1,
      clock,
    });
    cleanups.push(() => world.stop());
    world.start();
    resetClients();
    cleanups.push(() => resetClients());
    useClientPlugin(createSimPlugin(world));

    const restoreTests = new DynamoRestoreTestLedger();
    const check = async () => {
      for (const record of options.restoreTests ?? []) await restoreTests.putRestoreTest(record);
      return checkReadiness(plan, {
        plans: new PlanRegistry([plan]),
        rds: new RdsAdapter(),
        route53: new Route53Adapter(),
        alarms: new CloudWatchAlarms(),
        proberAlarms: new CloudWatchAlarms({ client: () => cloudwatchClient() }),
        replicaLag: new CloudWatchReplicaLag(),
        ledger: new DynamoLedger(),
        restoreTests,
        wiring: { targets: simWiringTargets(plan.regions.standby, world.account), reader: new SwitchbackWiring() },
        permissions: { roles: simRoleArns(world.account), simulator: new IamPolicySimulator() },
        clock: { now: () => clock.date() },
        log: logger,
      });
    };

    let result: PlanReadiness | undefined;
    let failure: unknown;
    check().then(
      (readiness) => {
        result = readiness;
      },
      (error: unknown) => {
        failure = error ?? new Error('readiness failed');
      },
    );
    await clock.runUntil(() => result !== undefined || failure !== undefined, { maxVirtualMs: 60_000 });
    if (failure !== undefined || result === undefined) throw failure ?? new Error('the readiness check did not finish');
    return result;
  } finally {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch {
        // Each cleanup is independent; the check's own error matters more.
      }
    }
  }
};
