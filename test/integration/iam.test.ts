import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Allowance,
  type Call,
  compareGrants,
  grantsByFunction,
  type TemplateLike,
} from '../../scripts/iam-grants';
import { useClientPlugin } from '../../shared/aws/clients';
import { StepFunctionsWorkflow } from '../../shared/aws/workflow';
import { STEP_FUNCTIONS, stepPermissions } from '../../shared/domain/step-permissions';
import { loadPlanFile } from '../../shared/plan/load';
import { runDrill } from '../../sim/drill';
import { isPlanLevelScenario, SCENARIO_NAMES } from '../../sim/scenarios';
import { type CallRecorder, createCallRecorder } from '../support/aws-calls';
import { packagedTemplate } from '../support/packaged-template';

/**
 * Least privilege, checked against the code: every drill scenario runs the real handlers (for every plan in plans/,
 * approved and denied where a scenario asks, plus a manual live run and a manual dry run), an SDK plugin records
 * each AWS call as the IAM action and resource it needs, per function, and the result must match each function's
 * role in the packaged template (`npm run package` writes it; `npm test` packages before jest). A missing grant
 * fails (AWS would answer AccessDenied), an unused grant fails unless ALLOWANCES below says why no drill can reach
 * the call, and a function that no drill runs fails (add a way to drive it here): new functions and scenarios are
 * covered without edits.
 */

const ROOT = join(__dirname, '..', '..');
/** `npm run package` packages stage `dev` of service `switchback`. */
const FUNCTION_PREFIX = 'switchback-dev-';
/** The template's deployment region (serverless.yml's default); RDS and Route 53 ARNs name their own regions. */
const DEPLOY_REGION = 'us-west-2';

/** Grants the drill cannot show in use, each with the reason it stays. Keep this list short. */
const ALLOWANCES: Allowance[] = [
  {
    function: '*',
    action: 'logs:CreateLogStream',
    reason: 'the Lambda runtime writes the function logs with its role; no handler code calls CloudWatch Logs',
  },
  {
    function: '*',
    action: 'logs:PutLogEvents',
    reason: 'the Lambda runtime writes the function logs with its role; no handler code calls CloudWatch Logs',
  },
  {
    function: 'on-health-alarm',
    action: 'dynamodb:UpdateItem',
    reason:
      "records a trigger signal's state for plans with a trigger.quorum only (shared/usecases/handle-health-alarm.ts); no shipped plan has one (their primary is us-east-1, where a quorum of their signals would block the failover); test/unit/shared/usecases/handle-health-alarm-quorum.test.ts drives it",
  },
  ...['on-health-alarm', 'on-run-failed', 'notify'].map((name) => ({
    function: name,
    action: 'sqs:SendMessage',
    reason: 'Lambda sends a failed asynchronous invocation to the on-failure destination (the DLQ) with the role',
  })),
  ...['start-restore', 'check-restore'].map((name) => ({
    function: name,
    action: 'rds:AddTagsToResource',
    resource: ':sbrt-',
    reason:
      'RDS authorizes the Tags of a restore or CreateDBInstance as rds:AddTagsToResource on the new resource; the SDK makes no separate call',
  })),
  {
    function: 'start-restore',
    action: 'rds:DescribeDBInstances',
    resource: ':db:sbrt-',
    reason:
      'a redriven Start Restore that finds its RDS throwaway reads its restore-point tag; in the drill the first run deletes the instance before a second run starts (test/statemachines/restore-test.test.ts drives this path)',
  },
  ...['kms:CreateGrant', 'kms:DescribeKey'].map((action) => ({
    function: 'reprotect-database',
    action,
    reason:
      "RDS uses the KMS key of an encrypted new replica or secondary with the caller's permissions (CreateDBInstanceReadReplica, CreateDBCluster with KmsKeyId); the SDK makes no KMS call",
  })),
  {
    function: 'fail-back-database',
    action: 'rds:SwitchoverGlobalCluster',
    resource: ':cluster:',
    reason:
      "authorized on the global cluster and its member clusters; which members AWS checks cannot be tried without AWS (as promote-database's)",
  },
  {
    function: 'check-failback-lag',
    action: 'rds:DescribeDBInstances',
    reason:
      'read only when an RDS standby publishes no ReplicaLag because an earlier attempt promoted it; test/statemachines/failback.test.ts drives this path',
  },
  ...['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'].map((action) => ({
    function: 'promote-database',
    action,
    resource: ':cluster:',
    reason:
      "both actions authorize on the global cluster and its member clusters; the call names only the target, and which members AWS checks (the current primary's too?) cannot be tried without AWS, so it stays granted",
  })),
];

/** The scenarios whose drill also runs the plan's scheduled readiness check. */
const READINESS_SCENARIOS: string[] = ['region-outage', 'standby-missing', 'record-missing'];

const planFiles = readdirSync(join(ROOT, 'plans'))
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => join(ROOT, 'plans', file));

// About 24 whole drills per plan in plans/: about a minute of CPU, over 10 minutes of wall time at a load average of
// 30; then the wait for packaging (up to 15 minutes, test/support/packaged-template.ts). This only catches a hang.
jest.setTimeout(1_800_000);

describe('the IAM roles of the packaged template', () => {
  let recorder: CallRecorder | undefined;
  let template: TemplateLike;

  beforeAll(async () => {
    for (const planFile of planFiles) {
      // A plan-level scenario is refused by plan validation before any handler runs: it makes no call.
      for (const scenario of SCENARIO_NAMES.filter((name) => !isPlanLevelScenario(name))) {
        for (const answer of [undefined, 'approve', 'deny'] as const) {
          const { report } = await runDrill({
            planFile,
            scenario,
            seed: 1,
            slackPreview: false,
            ...(answer ? { answer } : {}),
            // A restore test started twice under the same test id, as a redrive re-enters: the second adopts the
            // throwaway it finds (Start Restore describes it) and finds it already deleting (Clean Up describes it).
            // Its first run is the scenario's own.
            ...(scenario === 'restore-test' ? { restoreRuns: 2 } : {}),
            onWorld: (world, runner) => {
              recorder ??= createCallRecorder(world.account);
              useClientPlugin(recorder.plugin);
              // The scheduled readiness of the plan (EventBridge Scheduler invokes it with the plan's name), half a
              // second in, in a healthy world and in each drift scenario (findings change what it reads): in the
              // scenario's own drill, not in a drill of its own.
              if (answer === undefined && READINESS_SCENARIOS.includes(scenario)) {
                world.clock.schedule(world.t0Ms + 500, () => {
                  void runner.invoke('readiness', { plan: loadPlanFile(planFile).app }, { viaStateMachine: false });
                });
              }
            },
          });
          // Only scenarios that stop at the approval question are run again with an answer.
          if (report.outcome !== 'awaiting-approval') break;
        }
      }
      // A reprotect whose old Aurora primary was taken out of the global cluster after the fence (it cannot rejoin):
      // the path that adds a new secondary cluster and its instance.
      await runDrill({
        planFile,
        scenario: 'reprotect',
        seed: 1,
        slackPreview: false,
        onWorld: (world) => {
          recorder ??= createCallRecorder(world.account);
          useClientPlugin(recorder.plugin);
          const plan = loadPlanFile(planFile);
          world.clock.schedule(world.t0Ms + 1500_000, () => {
            for (const db of plan.databases) {
              if (db.kind === 'aurora-global') world.aurora.detach(db.globalCluster, db.primary.cluster);
            }
          });
        },
      });
      // The fence of an ARC plan that finds the old region's routing control On (a person turned it back On): it turns
      // it Off. The drills' DNS switch always leaves that control Off before the fence comes, so "Fence Record" is
      // driven here as its state machine calls it, in a healthy world: after a failover (the primary region's
      // control), then after a failback (the standby region's).
      const arcPlan = loadPlanFile(planFile);
      const arcSwitch = arcPlan.dnsSwitch;
      const fencedPair = arcPlan.dns
        .flatMap((zone) => zone.records.map((record) => ({ zone, record })))
        .find(({ record }) => record.fence?.method === 'routing-control-off');
      if (arcSwitch.method === 'arc-routing-control' && fencedPair) {
        await runDrill({
          planFile,
          scenario: 'restore-test',
          seed: 1,
          slackPreview: false,
          onWorld: (world, runner) => {
            recorder ??= createCallRecorder(world.account);
            useClientPlugin(recorder.plugin);
            const incidentId = `${arcPlan.app}-iam-test-fence`;
            const run = {
              incidentId,
              plan: arcPlan.app,
              action: 'fence',
              mode: 'live',
              reason: 'iam test',
              requestedBy: 'iam-test',
              trigger: { type: 'manual' },
              regions: arcPlan.regions,
              impactStartedAt: new Date(world.t0Ms).toISOString(),
              startedAt: new Date(world.t0Ms).toISOString(),
              executionArn: `arn:aws:states:${DEPLOY_REGION}:123456789012:execution:switchback-dev-fence:${incidentId}`,
              epoch: 1,
            };
            const target = (old: 'primary' | 'standby') => ({
              key: `${fencedPair.zone.hostedZoneId}|${fencedPair.record.name}|${fencedPair.record.type}|${old}`,
              hostedZoneId: fencedPair.zone.hostedZoneId,
              name: fencedPair.record.name,
              type: fencedPair.record.type,
              setIdentifier: fencedPair.record[`${old}SetIdentifier`],
              region: arcPlan.regions[old],
              fence: { method: 'routing-control-off' },
              routingControl: { arn: arcSwitch.routingControls[old], endpoints: arcSwitch.clusterEndpoints },
            });
            world.clock.schedule(world.t0Ms + 500, () => {
              void (async () => {
                await runner.invoke('fence-record', { run, target: target('primary') }, { viaStateMachine: false });
                world.arc.update([{ RoutingControlArn: arcSwitch.routingControls.primary, RoutingControlState: 'On' }]);
                await runner.invoke('fence-record', { run, target: target('standby') }, { viaStateMachine: false });
              })();
            });
          },
        });
      }
      // Runs started by a person (switchback run, the console), live and dry, a minute before the region fails:
      // the paths an alarm never takes (an Aurora switchover, a dry run's records).
      const plan = loadPlanFile(planFile).app;
      for (const mode of ['live', 'dry-run']) {
        await runDrill({
          planFile,
          scenario: 'region-outage',
          seed: 1,
          slackPreview: false,
          onWorld: (world) => {
            recorder ??= createCallRecorder(world.account);
            useClientPlugin(recorder.plugin);
            const input = { plan, action: 'failover', mode, reason: 'game day', requestedBy: 'iam-test' };
            world.clock.schedule(world.t0Ms + 1000, () => {
              // As `switchback run` starts it: through the SDK, outside any function.
              void new StepFunctionsWorkflow().startFailover(`manual-${mode}`, input);
            });
          },
        });
      }
    }
    // Read last: `npm test` packages while the drills run.
    template = await packagedTemplate<TemplateLike>();
  });

  it('grant each function exactly the AWS calls its handler makes in the drills', () => {
    // Prepare
    const calls = recorder?.byFunction ?? new Map<string, Call[]>();
    const grants = grantsByFunction(template, FUNCTION_PREFIX, {
      partition: 'aws',
      account: '123456789012',
      region: DEPLOY_REGION,
    });

    // Act
    const problems = compareGrants(calls, grants, ALLOWANCES);

    // Assess
    expect(problems).toEqual([]);
  });

  it("list in stepPermissions exactly the calls each role makes on the plans' resources (what readiness simulates)", () => {
    // Prepare: calls on what a plan names (its databases, records, routing controls, alarms, subnet groups, Slack
    // secret) or on what a runbook makes from it (reprotect's new copies, the restore test's throwaways).
    const onPlanResource = (resource: string) =>
      /:rds:|:route53:::hostedzone\/|:route53:::healthcheck\/|\/routingcontrol\/|:cloudwatch:[a-z0-9-]+:\d+:alarm:|:secretsmanager:|:ssm:[a-z0-9-]+:\d+:parameter\//.test(
        resource,
      );
    // And the calls that start or follow a runbook, or put a metric that moves traffic or starts one (on the stack's
    // state machines, and on "*" held to a namespace; the recorder names no resource for them: checked by action).
    const ACTING = ['states:StartExecution', 'states:DescribeExecution', 'cloudwatch:PutMetricData'];
    const calls = new Map<string, Call[]>(
      // Readiness is the one asking: what it may read is its own role's business (the test above).
      [...(recorder?.byFunction.entries() ?? [])].flatMap(([name, made]) => {
        if (name === 'readiness') return [];
        const onPlan = made.flatMap((call) => {
          if (ACTING.includes(call.action)) return [{ action: call.action, resources: call.resources ?? [] }];
          const resources = (call.resources ?? []).filter(onPlanResource);
          return resources.length ? [{ action: call.action, resources }] : [];
        });
        return onPlan.length ? [[name, onPlan] as const] : [];
      }),
    );
    // The drill deployment's state machines, as readiness is told them (WIRING_STATE_MACHINE_ARNS).
    const stack = {
      stateMachineArns: ['failover', 'fence', 'reprotect', 'failback', 'game-day', 'restore-test'].map(
        (runbook) => `arn:aws:states:${DEPLOY_REGION}:123456789012:stateMachine:${FUNCTION_PREFIX}${runbook}`,
      ),
    };
    const needed = planFiles.flatMap((file) => stepPermissions(loadPlanFile(file), '123456789012', 'aws', stack));

    // Act
    const problems = compareGrants(
      calls,
      new Map(STEP_FUNCTIONS.map((name) => [name, needed.filter((need) => need.function === name)])),
      [],
    );

    // Assess: every role that calls on a plan's resources is listed (readiness simulates it), and only those.
    expect(problems).toEqual([]);
    expect([...calls.keys()].sort()).toEqual([...STEP_FUNCTIONS].sort());
  });

  it('package every handler in functions/ as a function with its own role', () => {
    // Prepare
    const handlers = readdirSync(join(ROOT, 'functions'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''));

    // Act
    const grants = grantsByFunction(template, FUNCTION_PREFIX, { partition: 'aws', account: '1', region: 'r' });

    // Assess
    expect([...grants.keys()].sort()).toEqual(handlers.sort());
    expect(handlers.filter((name) => grants.get(name) === undefined)).toEqual([]);
  });
});
