import { join } from 'node:path';
import { livePathCalls } from '../../shared/domain/live-path';
import { loadPlanFile } from '../../shared/plan/load';
import { runDrill } from '../../sim/drill';

/**
 * `switchback plan audit` is the code's path written down (shared/domain/live-path.ts): every AWS call the product
 * makes in a drill must be on that list, with the region it went to, or the audit would hide a dependency.
 */

const SERVICE_OF: Record<string, string> = {
  RDSClient: 'rds',
  Route53Client: 'route53',
  CloudWatchClient: 'cloudwatch',
  EventBridgeClient: 'events',
  SFNClient: 'states',
  SecretsManagerClient: 'secretsmanager',
  SSMClient: 'ssm',
  Route53RecoveryClusterClient: 'route53-recovery-cluster',
};

jest.setTimeout(60_000);

describe.each(['example.yml', 'example-arc.yml', 'example-alarm-dns.yml'])('the live path of plans/%s', (file) => {
  it.each(['region-outage', 'us-east-1-outage'])(
    'lists every call the product makes in the %s drill, with its region',
    async (scenario) => {
      // Prepare
      const planFile = join(__dirname, '..', '..', 'plans', file);
      const listed = new Set(
        livePathCalls(loadPlanFile(planFile)).flatMap((call) =>
          [call.dependsOn, ...(call.fallbacks ?? [])].map((region) => `${call.service} ${call.operation} ${region}`),
        ),
      );

      // Act
      const { world } = await runDrill({ planFile, scenario, seed: 1, slackPreview: false });

      // Assess
      const made = new Set(
        world.liveCalls.map((call) => `${SERVICE_OF[call.client]} ${call.operation} ${call.region}`),
      );
      expect(made.size).toBeGreaterThan(0);
      expect([...made].filter((call) => !listed.has(call))).toEqual([]);
    },
  );
});
