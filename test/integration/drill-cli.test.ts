import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSwitchback, runSwitchbackInProcess } from '../support/cli';

/**
 * `switchback drill` as a user runs it, with no AWS credentials: the drill needs none. In-process (cli/program.ts,
 * what the process runs), except where the process is what is tested: that it ends once its report is printed.
 */

const switchback = (...args: string[]) => runSwitchbackInProcess(args);

// A drill takes a second or two in-process; a spawn starts node and tsx first: a few seconds on a loaded machine.
jest.setTimeout(60_000);

describe('switchback drill', () => {
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'switchback-drill-cli-'));
  });

  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('prints only the report JSON and writes both report files when --json is given', async () => {
    // Act
    const result = await switchback('drill', '--json', '--seed', '7', '--out', out);

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ plan: 'orders', scenario: 'region-outage', seed: 7, outcome: 'recovered' });
    expect(report.rto.withinBudget).toBe(true);
    expect((await readdir(out)).sort()).toEqual([`${report.incidentId}.html`, `${report.incidentId}.json`]);
  });

  it('says by how much the RTO budget was missed and exits 3 when the recovery is over budget', async () => {
    // Act
    const result = await switchback('drill', '--plan', 'test/fixtures/plans/tight-rto.yml', '--out', out);

    // Assess
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/RTO\s+\S+\s+of 1m00s budget\s+OVER BUDGET/);
    expect(result.stdout).toMatch(/^Verdict: recovered, \d+ s over the RTO budget$/m);
    expect(result.stdout).not.toMatch(/RECOVERED/);
    const [json] = (await readdir(out)).filter((file) => file.endsWith('.json'));
    const report = JSON.parse(await readFile(join(out, json ?? ''), 'utf8'));
    expect(report.verdict).toMatch(/^recovered, \d+ s over the RTO budget$/);
    expect(report.withinBudgets).toBe(false);
  });

  it('exits 2 with one line when --approve and --deny are both given', async () => {
    const result = await switchback('drill', '--approve', '--deny', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--approve' cannot be used with option '--deny'");
  });

  it('exits 2 naming the expected value when the seed is not a whole number', async () => {
    const result = await switchback('drill', '--seed', '1.5', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a whole number');
  });

  it('exits non-zero listing the known scenarios when the scenario is unknown', async () => {
    const result = await switchback('drill', '--scenario', 'meteor', '--out', out);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Unknown drill scenario "meteor". Known scenarios: region-outage, lagging-replica/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\w+Error\b/);
    expect(result.stdout).toBe('');
  });

  it('exits non-zero with the field and the fix when the plan is not valid', async () => {
    const result = await switchback('drill', '--plan', 'test/fixtures/plans/bad-region.yml', '--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Plan bad-region\.yml is not valid: .*region/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 1 with one line naming the file and the fix when the plan file does not exist', async () => {
    const result = await switchback('drill', '--plan', 'plans/missing.yml', '--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'switchback: plan file plans/missing.yml does not exist: give the path of a plan file, e.g. plans/example.yml\n',
    );
    expect(result.stdout).toBe('');
  });
});

describe('switchback drill with a Slack that never answers', () => {
  let out: string;
  let silent: Server;
  let url: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'switchback-drill-cli-'));
    // Accepts connections and reads requests, never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/services/T000/B000/silent`;
  });

  afterEach(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    await rm(out, { recursive: true, force: true });
  });

  it('ends when its report is printed, with no notifier log line after it', () => {
    // Act: a process, since what is tested is that it ends (no socket or timer keeps it alive)
    // (node, tsx and a whole drill: over 50 s beside `npm test`'s packaging at a load average of 15; the bound only
    // catches a hang)
    const result = runSwitchback(['drill', '--slack-webhook-url', url, '--out', out], 150_000);

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^Report: /);
    expect(lines.at(-1)?.trim()).toMatch(/\.json$/);
    expect(result.stdout).toMatch(/^Warning: notification not delivered: /m);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/"level":|slack call failed/);
  }, 180_000);
});
