import type { HealthEndpointPort, ProberMetricsPort } from '../../../../shared/domain/ports';
import { InvalidRunInputError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/load';
import { probePrimary } from '../../../../shared/usecases/probe-primary';
import { FakeClock, FakeLog } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';

const URLS = ['https://us-east-1.api.orders.example.com/health', 'https://us-east-1.www.orders.example.com/health'];

describe('probePrimary', () => {
  const plans = new PlanRegistry([
    ordersPlan({
      trigger: { prober: { endpoints: URLS.map((url) => ({ url })), timeoutMs: 2000 } },
    }),
  ]);
  let put: { plan: string; reachable: boolean; at: string }[];
  let asked: { url: string; expectStatus: number; timeoutMs: number }[];
  const metrics: ProberMetricsPort = {
    putPrimaryReachable: async (plan, reachable, at) => {
      put.push({ plan, reachable, at: at.toISOString() });
    },
  };
  const endpointsAnswering = (failing: string[]): HealthEndpointPort => ({
    probe: async (url, expectStatus, timeoutMs) => {
      asked.push({ url, expectStatus, timeoutMs });
      return failing.includes(url)
        ? { url, ok: false, ms: timeoutMs, error: `no answer within ${timeoutMs} ms` }
        : { url, ok: true, status: 200, ms: 12 };
    },
  });
  const deps = (failing: string[] = []) => ({
    plans,
    endpoints: endpointsAnswering(failing),
    metrics,
    clock: new FakeClock('2026-11-25T03:04:00.000Z'),
    log: new FakeLog(),
  });

  beforeEach(() => {
    put = [];
    asked = [];
  });

  it('probes every endpoint with the plan timeout and puts 1 when all answer', async () => {
    const outcome = await probePrimary('orders', deps());
    expect(outcome).toMatchObject({ plan: 'orders', reachable: true });
    expect(asked).toEqual(URLS.map((url) => ({ url, expectStatus: 200, timeoutMs: 2000 })));
    expect(put).toEqual([{ plan: 'orders', reachable: true, at: '2026-11-25T03:04:00.000Z' }]);
  });

  it('puts 0 when one endpoint does not answer', async () => {
    const outcome = await probePrimary('orders', deps([URLS[1] as string]));
    expect(outcome.reachable).toBe(false);
    expect(outcome.results.filter((result) => !result.ok).map((result) => result.url)).toEqual([URLS[1]]);
    expect(put).toEqual([{ plan: 'orders', reachable: false, at: '2026-11-25T03:04:00.000Z' }]);
  });

  it('refuses a plan without trigger.prober, naming the field to add', async () => {
    const bare = { ...deps(), plans: new PlanRegistry([ordersPlan()]) };
    await expect(probePrimary('orders', bare)).rejects.toThrow(InvalidRunInputError);
    await expect(probePrimary('orders', bare)).rejects.toThrow(/trigger\.prober/);
    expect(put).toEqual([]);
  });
});
