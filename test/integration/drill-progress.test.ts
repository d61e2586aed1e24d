import { join } from 'node:path';
import { runDrill } from '../../sim/drill';
import { ProgressDisplay } from '../../sim/progress';
import { withoutWall } from '../../sim/report';

/**
 * What a person sees of a drill: the progress lines (a pipe or CI, not a terminal) in time order, each phase
 * change once, each database named; and an incident id of its own per plan, scenario and seed.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');
const OTHER_PLAN = join(__dirname, '..', 'fixtures', 'plans', 'tight-rto.yml');

jest.setTimeout(60_000);

/** A drill with its progress display attached (a pipe, not a terminal): the report and the progress lines. */
const drillWithProgress = async (planFile: string, scenario: string, seed: number) => {
  let text = '';
  const display = new ProgressDisplay({ write: (chunk: string) => (text += chunk), isTTY: false }, 'title');
  const { report } = await runDrill({ planFile, scenario, seed, slackPreview: false, onProgress: display.update });
  return { report, lines: text.split('\n').filter((line) => line.startsWith('T+')) };
};

/** Drills that several tests read (the display only watches), each run once per file whichever test asks first. */
const shared = new Map<string, ReturnType<typeof drillWithProgress>>();
const sharedDrill = (planFile: string, scenario: string, seed: number) => {
  const key = `${planFile} ${scenario} ${seed}`;
  const drill = shared.get(key) ?? drillWithProgress(planFile, scenario, seed);
  shared.set(key, drill);
  return drill;
};

const progressLines = async (scenario: string): Promise<string[]> => (await sharedDrill(PLAN, scenario, 1)).lines;

const seconds = (line: string): number => {
  const [, mm, ss] = /^T\+(\d+):(\d+)/.exec(line) ?? [];
  return Number(mm) * 60 + Number(ss);
};

describe('drill progress', () => {
  it('names each database whose promotion started', async () => {
    // Act
    const lines = await progressLines('region-outage');

    // Assess
    const started = lines.filter((line) => line.includes('Promote databases started'));
    expect(started).toHaveLength(2);
    expect(
      started.some((line) => line.endsWith('Promote databases started: orders-db -> orders-db-replica in us-west-2')),
    ).toBe(true);
    expect(
      started.some((line) => line.endsWith('Promote databases started: catalog -> catalog-west in us-west-2')),
    ).toBe(true);
  });

  it('shows each phase change once and never goes back in time when Route 53 throttles and the flip is retried', async () => {
    // Act
    const lines = await progressLines('dns-throttled');

    // Assess
    const phaseLines = lines.map((line) => line.replace(/^T\+\S+\s+/, ''));
    expect(phaseLines.filter((line) => line === 'Flip DNS started')).toHaveLength(1);
    expect(phaseLines.filter((line) => line === 'Promote databases succeeded')).toHaveLength(1);
    const times = lines.map(seconds);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('drill incident ids', () => {
  const idOf = async (planFile: string, scenario: string, seed: number) =>
    (await sharedDrill(planFile, scenario, seed)).report;
  /** A drill of its own, for a replay that must really run twice. */
  const freshReport = async (planFile: string, scenario: string, seed: number) =>
    (await drillWithProgress(planFile, scenario, seed)).report;

  it('gives drills of different scenarios, seeds and plans their own incident ids', async () => {
    // Act
    const ids = [
      (await idOf(PLAN, 'region-outage', 1)).incidentId,
      (await idOf(PLAN, 'region-outage', 2)).incidentId,
      (await idOf(PLAN, 'stale-backups', 1)).incidentId,
      (await idOf(OTHER_PLAN, 'region-outage', 1)).incidentId,
    ];

    // Assess
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives the same incident id and the same report apart from wall time when the same plan, scenario and seed rerun', async () => {
    // Act
    const first = await freshReport(PLAN, 'dns-throttled', 4);
    const second = await freshReport(PLAN, 'dns-throttled', 4);

    // Assess
    expect(second.incidentId).toBe(first.incidentId);
    expect(JSON.stringify(withoutWall(second))).toBe(JSON.stringify(withoutWall(first)));
  });
});
