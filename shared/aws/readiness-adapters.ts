import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseScheduleTargets, type WiringTargets } from '../domain/wiring';
import { ConfigError } from '../errors';
import type { Config } from '../runtime/config';
import type { CheckReadinessDeps } from '../usecases/check-readiness';
import { CloudWatchAlarms } from './alarms';
import { IamPolicySimulator } from './iam-simulator';
import { RdsReader } from './rds';
import { CloudWatchReplicaLag } from './replica-lag';
import { Route53Reader } from './route53';
import { cloudwatchClient } from './sdk/cloudwatch';
import { timeoutOptions } from './sdk/registry';
import { SwitchbackWiring } from './wiring';

/**
 * The readings readiness takes in AWS, built in one place for the scheduled function (functions/readiness.ts) and
 * for `switchback readiness` (cli/commands/readiness.ts), so that both run the same checks: the plans' resources,
 * the alarms and health checks, Switchback's own wiring and the IAM simulation of the runbook roles.
 */

/** What readiness checks of the deployment itself: its wiring, and the runbook roles to simulate. */
export interface ReadinessTargets {
  wiring: WiringTargets;
  /** Function name -> role ARN. */
  roles: Readonly<Record<string, string>>;
}

/** The partition and account of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
export const arnOwner = (arn: string): { partition: string; account: string } => {
  const [prefix, partition, , , account] = arn.split(':');
  if (prefix !== 'arn' || !partition || !account) {
    throw new ConfigError(`"${arn}" is not an ARN with a partition and an account (arn:aws:lambda:REGION:ACCOUNT:...)`);
  }
  return { partition, account };
};

/**
 * The targets as the readiness function's environment names them (shared/runtime/config.ts). The roles are told by
 * name (FUNCTION_ROLE_NAMES, to keep the environment within Lambda's 4 KB); `owner` is the partition and account of
 * the function itself (the roles are the stack's own, in the same account): its ARN gives them.
 */
export const readinessTargetsOf = (
  config: Pick<
    Config,
    | 'WIRING_RULES'
    | 'WIRING_STATE_MACHINE_ARNS'
    | 'WIRING_DEAD_LETTER_QUEUE_URLS'
    | 'WIRING_SCHEDULES'
    | 'FUNCTION_ROLE_NAMES'
  >,
  owner: { partition: string; account: string },
): ReadinessTargets => ({
  wiring: {
    rules: config.WIRING_RULES,
    stateMachineArns: config.WIRING_STATE_MACHINE_ARNS,
    deadLetterQueueUrls: config.WIRING_DEAD_LETTER_QUEUE_URLS,
    schedules: parseScheduleTargets(config.WIRING_SCHEDULES),
  },
  roles: Object.fromEntries(
    Object.entries(config.FUNCTION_ROLE_NAMES).map(([fn, role]) => [
      fn,
      `arn:${owner.partition}:iam::${owner.account}:role/${role}`,
    ]),
  ),
});

/** The adapters readiness reads with; `ledger` and `restoreTests` are the deployment's (the caller builds them). */
export const readinessAdapters = (
  targets: ReadinessTargets,
  stores: Pick<CheckReadinessDeps, 'ledger' | 'restoreTests'>,
  options: { region?: string } = {},
): Omit<CheckReadinessDeps, 'plans' | 'clock' | 'log'> => {
  const { region } = options;
  // In the function, the shared clients of its region; from the CLI, clients of the deployment's region.
  const once = <T>(create: () => T): (() => T) => {
    let client: T | undefined;
    return () => {
      client ??= create();
      return client;
    };
  };
  const reader = region
    ? new SwitchbackWiring({
        events: once(() => new EventBridgeClient({ region, ...timeoutOptions('eventbridge') })),
        sfn: once(() => new SFNClient({ region, ...timeoutOptions('sfn') })),
        sqs: once(() => new SQSClient({ region, ...timeoutOptions('sqs') })),
        scheduler: once(() => new SchedulerClient({ region, ...timeoutOptions('scheduler') })),
      })
    : new SwitchbackWiring();
  return {
    rds: new RdsReader(),
    route53: new Route53Reader(),
    alarms: new CloudWatchAlarms(),
    // The probers' alarms live in the deployment's (the standby) region.
    proberAlarms: new CloudWatchAlarms({
      client: region
        ? once(() => new CloudWatchClient({ region, ...timeoutOptions('cloudwatch') }))
        : () => cloudwatchClient(),
    }),
    replicaLag: new CloudWatchReplicaLag(),
    ...stores,
    wiring: { targets: targets.wiring, reader },
    ...(Object.keys(targets.roles).length
      ? { permissions: { roles: targets.roles, simulator: new IamPolicySimulator() } }
      : {}),
  };
};
