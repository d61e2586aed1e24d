import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type DrillResult, runDrill } from '../../sim/drill';

/**
 * A trigger quorum end to end: plans/example-arc.yml with `trigger.quorum: 2` over its Route 53 alarm and its standby
 * prober, in scenarios where the primary's application goes down and AWS in us-east-1 keeps answering (so both
 * signals can fire).
 */

let dir: string;
let planFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchback-quorum-'));
  const plan = parse(await readFile(join(__dirname, '..', '..', 'plans', 'example-arc.yml'), 'utf8'));
  plan.trigger.quorum = 2;
  planFile = join(dir, 'storefront-quorum.yml');
  await writeFile(planFile, stringify(plan));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const drill = (scenario: string): Promise<DrillResult> =>
  runDrill({ planFile, scenario, seed: 1, slackPreview: false });

jest.setTimeout(30_000);

describe('runDrill with trigger.quorum 2 (Route 53 alarm and standby prober)', () => {
  it('starts one failover once both signals are in ALARM, RTO from the earlier one, and records both', async () => {
    // Act
    const { report, world, runner } = await drill('region-outage');

    // Assess
    const r53 = world.alarms.transitions().find((t) => t.to === 'ALARM');
    const prober = world.prober?.transitions.find((t) => t.to === 'ALARM');
    expect(r53).toBeDefined();
    expect(prober).toBeDefined();
    expect(runner.list()).toHaveLength(1);
    expect(report.outcome).toBe('recovered');
    expect(report.detection?.by).toBe('quorum');
    expect(report.detection?.signals.map((signal) => signal.kind).sort()).toEqual(['alarm', 'prober']);
    // The run starts after the later signal, and its RTO counts from the earlier signal's first breaching datapoint.
    const later = Math.max(r53?.atMs ?? 0, prober?.atMs ?? 0);
    expect(Date.parse(report.phases[0]?.endedAt ?? '')).toBeGreaterThanOrEqual(later);
    const earliestImpact = Math.min(
      r53?.startDateMs ?? Number.POSITIVE_INFINITY,
      prober?.startDateMs ?? Number.POSITIVE_INFINITY,
    );
    expect(report.phases[0]?.startedAt).toBe(new Date(earliestImpact).toISOString());
  });

  it('starts exactly one failover when the primary flaps (ALARM, OK, ALARM for both signals)', async () => {
    // Act
    const { report, runner } = await drill('flapping-health');

    // Assess
    expect(runner.list()).toHaveLength(1);
    expect(report.outcome).toBe('recovered');
  });
});
