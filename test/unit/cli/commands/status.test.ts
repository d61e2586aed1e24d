import { join } from 'node:path';
import { formatStatus, showStatus, statusView } from '../../../../cli/commands/status';
import { UsageError } from '../../../../cli/context';
import type { WorkflowPort } from '../../../../shared/domain/ports';
import type { PlanReadiness } from '../../../../shared/domain/readiness';
import { planTopology, topologyAfterFailover } from '../../../../shared/domain/topology';
import { loadPlanFile } from '../../../../shared/plan/load';
import { planReadiness } from '../../../support/readiness-fixtures';
import { fakeDeps } from '../support';

// The project's example plan, by absolute path (test/support/cli.ts would load the whole CLI and its clients).
const PLAN_FILE = join(__dirname, '..', '..', '..', '..', 'plans', 'example.yml');
const AT = '2026-11-25T18:07:12.000Z';
const failedOver = () =>
  topologyAfterFailover(planTopology(loadPlanFile(PLAN_FILE)), {
    toRegion: 'us-west-2',
    at: AT,
    incidentId: 'orders-20261125T180000Z-aaaa',
  });
const target = { region: 'us-west-2' };

describe('formatStatus', () => {
  it('shows the active region, each database role and that a reprotect is due after a failover', () => {
    // Act
    const lines = formatStatus(statusView('orders', failedOver(), loadPlanFile(PLAN_FILE)));

    // Assess
    expect(lines[0]).toBe(`Plan orders: us-west-2 serves since ${AT} (orders-20261125T180000Z-aaaa)`);
    expect(lines[1]).toMatch(/^DATABASE\s+KIND\s+WRITER\s+STANDBY\s+OLD PRIMARY$/);
    expect(lines[2]).toMatch(
      new RegExp(
        `^orders-db\\s+rds-read-replica\\s+orders-db-replica \\(us-west-2\\)\\s+none\\s+orders-db \\(us-east-1\\): unknown since ${AT}$`,
      ),
    );
    expect(lines).toContain('Not protected: a database has no standby.');
    expect(lines.at(-1)).toContain('A failover now would be skipped: plan orders already failed over to us-west-2');
  });
});

describe('showStatus', () => {
  it('prints the ledger topology as JSON when --json is given', async () => {
    // Prepare
    const { deps, out } = fakeDeps({
      ledger: { getTopology: async () => failedOver(), getLock: async () => undefined, listReadiness: async () => [] },
    });

    // Act
    const code = await showStatus({ plan: 'orders', stage: 'dev', json: true, ...target }, deps);

    // Assess
    expect(code).toBe(0);
    const view = JSON.parse(out.join('\n'));
    expect(view).toMatchObject({ plan: 'orders', source: 'ledger', protected: false });
    expect(view.topology.activeRegion).toBe('us-west-2');
    expect(view.topology.databases[1]).toMatchObject({ id: 'catalog', writer: { identifier: 'catalog-west' } });
    expect(view.lock).toBeNull();
  });

  describe('the plan lock', () => {
    const EXECUTION = 'arn:aws:states:us-west-2:123456789012:execution:switchback-dev-failover:orders-earlier';
    const held = {
      holder: 'orders-earlier',
      execution: EXECUTION,
      epoch: 4,
      acquiredAt: '2026-11-25T17:00:00.000Z',
    };
    const statusWith = async (workflow: Partial<WorkflowPort>) => {
      const { deps, out } = fakeDeps({
        ledger: { getTopology: async () => failedOver(), getLock: async () => held, listReadiness: async () => [] },
        workflow,
      });
      await showStatus({ plan: 'orders', stage: 'dev', ...target }, deps);
      return out;
    };

    it.each([
      [
        'running',
        { status: 'RUNNING' },
        'Lock: held by orders-earlier (epoch 4, since 2026-11-25T17:00:00.000Z): its execution is RUNNING.',
      ],
      [
        'ended without releasing it',
        { status: 'FAILED', stoppedAt: '2026-11-25T17:04:00.000Z' },
        'Lock: held by orders-earlier (epoch 4, since 2026-11-25T17:00:00.000Z), but its execution ended FAILED at ' +
          '2026-11-25T17:04:00.000Z without releasing it (its end never reached on-run-failed): the next run of the ' +
          'plan records that run and takes the lock.',
      ],
      [
        'unknown to Step Functions',
        undefined,
        'Lock: held by orders-earlier (epoch 4, since 2026-11-25T17:00:00.000Z), but Step Functions no longer knows ' +
          'its execution without releasing it (its end never reached on-run-failed): the next run of the plan ' +
          'records that run and takes the lock.',
      ],
    ])('says who holds it and whether its execution is %s', async (_, answer, line) => {
      // Act
      const out = await statusWith({
        getExecutionStatus: async (executionArn: string) => (answer ? { executionArn, ...answer } : undefined),
      });

      // Assess
      expect(out).toContain(line);
    });

    it("says when the holder's execution could not be read, and why", async () => {
      // Act
      const out = await statusWith({
        getExecutionStatus: async () => {
          throw Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
        },
      });

      // Assess
      expect(out).toContain(
        'Lock: held by orders-earlier (epoch 4, since 2026-11-25T17:00:00.000Z); its execution could not be read (AccessDeniedException).',
      );
    });
  });

  it('says what a standalone failback started to re-protect while a database has no standby', async () => {
    // Prepare: back home after failback orders-failback-1; the RDS database waits for the reprotect it started.
    const home = planTopology(loadPlanFile(PLAN_FILE));
    const topology = {
      ...home,
      databases: home.databases.map((db) => (db.kind === 'rds-read-replica' ? { ...db, standby: null } : db)),
      lastFailbackIncidentId: 'orders-failback-1',
    };
    const reprotectBack = {
      state: 'started' as const,
      fence: { execution: 'orders-failback-1-1-fence', outcome: 'recovered' },
      reprotect: { execution: 'orders-failback-1-2-reprotect', alreadyStarted: false },
      detail: 'reprotect orders-failback-1-2-reprotect started: a new standby for orders-db in us-west-2',
      checks: 3,
      pollSeconds: 30,
      checkedAt: AT,
    };
    const asked: string[] = [];
    const { deps, out } = fakeDeps({
      ledger: {
        getTopology: async () => topology,
        getLock: async () => undefined,
        listReadiness: async () => [],
        getRun: async (_plan: string, incidentId: string) => {
          asked.push(incidentId);
          return { reprotectBack } as never;
        },
      },
    });

    // Act
    await showStatus({ plan: 'orders', stage: 'dev', ...target }, deps);

    // Assess
    expect(asked).toEqual(['orders-failback-1']);
    expect(out).toContain('Not protected: a database has no standby.');
    expect(out.at(-1)).toBe(
      `After failback orders-failback-1 (${AT}): Re-protect started: orders-failback-1-2-reprotect`,
    );
  });

  it('shows the plan file topology, protected, when nothing is recorded and the plan file is given', async () => {
    // Prepare
    const { deps, out } = fakeDeps({
      ledger: { getTopology: async () => undefined, getLock: async () => undefined, listReadiness: async () => [] },
    });

    // Act
    await showStatus({ plan: 'orders', planFile: PLAN_FILE, stage: 'dev', ...target }, deps);

    // Assess
    expect(out[0]).toBe('Plan orders: us-east-1 serves (no runbook recorded a change: the plan file topology)');
    expect(out).toContain('Protected: every database has a standby.');
    expect(out.join('\n')).not.toContain('would be skipped');
  });

  it('says no topology is recorded, naming the table, when nothing is stored and no plan file is given', async () => {
    // Prepare
    const { deps, out } = fakeDeps({ ledger: { getTopology: async () => undefined } });

    // Act
    await showStatus({ plan: 'orders', stage: 'prod', ...target }, deps);

    // Assess
    expect(out).toEqual([
      'No topology recorded for plan "orders" in switchback-prod-ledger (us-west-2): no runbook changed it,' +
        ' so the plan file topology holds (give --plan-file <file> to list it).',
    ]);
  });

  it('refuses a plan file of another plan with one line naming --plan-file', async () => {
    // Prepare
    const { deps } = fakeDeps({ ledger: { getTopology: async () => undefined } });

    // Act
    const status = showStatus({ plan: 'billing', planFile: PLAN_FILE, stage: 'dev', ...target }, deps);

    // Assess
    await expect(status).rejects.toThrow(UsageError);
    await expect(status).rejects.toThrow(/^--plan-file: .*example\.yml is the plan of "orders", not "billing"$/);
  });

  it('names a missing plan file in one line', async () => {
    // Prepare
    const { deps } = fakeDeps({ ledger: { getTopology: async () => undefined } });

    // Act
    const status = showStatus({ plan: 'orders', planFile: 'nowhere.yml', stage: 'dev', ...target }, deps);

    // Assess
    await expect(status).rejects.toThrow(
      '--plan-file: plan file nowhere.yml does not exist: give the path of a plan file, e.g. plans/example.yml',
    );
  });

  describe("the plan's last readiness", () => {
    const failing = {
      check: 'standby-health-check' as const,
      resource: 'route53:healthcheck/8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d',
      expected: 'the us-west-2 endpoint healthy to Route 53',
      found:
        'unhealthy: 0 of 8 checkers reach it; named by route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
      fix: 'find why',
    };
    const warning = {
      ...failing,
      check: 'restore-test' as const,
      resource: 'restore tests of plan orders',
      warning: true as const,
    };
    const statusWith = async (
      listReadiness: () => Promise<PlanReadiness[]>,
      options: { planFile?: string; json?: boolean } = {},
    ) => {
      const { deps, out } = fakeDeps({
        ledger: { getTopology: async () => undefined, getLock: async () => undefined, listReadiness },
      });
      await showStatus({ plan: 'orders', planFile: PLAN_FILE, stage: 'dev', ...target, ...options }, deps);
      return out;
    };

    it('names what the last readiness found, and what a failover now would ask, from the plan file', async () => {
      // Prepare: a readiness a minute before the CLI's clock (18:05), within two of the plan's 15-minute runs.
      const at = '2026-11-25T18:04:00.000Z';

      // Act
      const out = await statusWith(async () => [planReadiness({ at, ready: false, findings: [failing, warning] })]);

      // Assess
      expect(out).toContain(
        `Readiness: NOT READY at ${at}: standby-health-check ${failing.resource} (switchback readiness --plan orders shows why and the fix).`,
      );
      expect(out.at(-1)).toBe(
        `A failover now would ask for approval: a failover would move traffic to the us-west-2 endpoint, which failed its Route 53 health check at the plan's readiness of ${at} (${failing.resource}: unhealthy: 0 of 8 checkers reach it); approve once it passes`,
      );
    });

    it('keeps it in the JSON, and asks nothing without the plan file or once the readiness is stale', async () => {
      // Prepare
      const at = '2026-11-25T18:04:00.000Z';
      // Three hours before the CLI's clock: more than two of the plan's 15-minute runs ago.
      const stale = '2026-11-25T15:05:00.000Z';

      // Act
      const json = JSON.parse(
        (await statusWith(async () => [planReadiness({ at, ready: false, findings: [failing] })], { json: true })).join(
          '\n',
        ),
      );
      const noPlanFile = await (async () => {
        const { deps, out } = fakeDeps({
          ledger: {
            getTopology: async () => failedOver(),
            getLock: async () => undefined,
            listReadiness: async () => [planReadiness({ at, ready: false, findings: [failing] })],
          },
        });
        await showStatus({ plan: 'orders', stage: 'dev', ...target }, deps);
        return out;
      })();
      const staleOut = await statusWith(async () => [planReadiness({ at: stale, ready: false, findings: [failing] })]);

      // Assess
      expect(json.readiness).toEqual({
        at,
        ready: false,
        findings: [{ check: failing.check, resource: failing.resource }],
      });
      expect(json.failoverAsks).toEqual([
        expect.stringMatching(/^a failover would move traffic to the us-west-2 endpoint/),
      ]);
      expect(noPlanFile.join('\n')).not.toContain('would ask for approval');
      expect(staleOut.join('\n')).toContain(`Readiness: NOT READY at ${stale}`);
      expect(staleOut.join('\n')).not.toContain('would ask for approval');
    });

    it('says when the plan is ready, when none is on record, and when the ledger could not say', async () => {
      // Act
      const ready = await statusWith(async () => [planReadiness({ at: AT, ready: true, findings: [warning] })]);
      const none = await statusWith(async () => []);
      const unread = await statusWith(async () => {
        throw Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
      });

      // Assess
      expect(ready).toContain(`Readiness: ready at ${AT}.`);
      expect(none).toContain("Readiness: none on record (the plan's readiness schedule has not run).");
      expect(unread).toContain(
        'Readiness: could not be read (ResourceNotFoundException: Requested resource not found).',
      );
    });
  });
});
