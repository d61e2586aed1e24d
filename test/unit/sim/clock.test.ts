import { VirtualClock } from '../../../sim/clock';
import { SimStallError } from '../../../sim/errors';

const T0 = Date.UTC(2026, 0, 15, 3, 0, 0);
const realSetTimeout = globalThis.setTimeout;

describe('VirtualClock', () => {
  let clock: VirtualClock | undefined;

  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
  });

  it('fakes Date and timers for the whole process when installed', () => {
    // Act
    clock = VirtualClock.install({ startMs: T0 });

    // Assess
    expect(Date.now()).toBe(T0);
    expect(new Date().toISOString()).toBe('2026-01-15T03:00:00.000Z');
    expect(globalThis.setTimeout).not.toBe(realSetTimeout);
  });

  it('restores real time when uninstalled', () => {
    // Prepare
    clock = VirtualClock.install({ startMs: T0 });

    // Act
    clock.uninstall();

    // Assess
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(Date.now()).toBeGreaterThan(Date.UTC(2026, 0, 1));
  });

  it('refuses a second install when one is active', () => {
    clock = VirtualClock.install({ startMs: T0 });
    expect(() => VirtualClock.install({ startMs: T0 })).toThrow(/already installed/);
  });

  it('runs scheduled events in time order, same-time ones in scheduling order, when running until a predicate', async () => {
    // Prepare
    clock = VirtualClock.install({ startMs: T0 });
    const seen: string[] = [];
    clock.schedule(T0 + 5000, () => seen.push(`b@${Date.now() - T0}`));
    clock.schedule(T0 + 1000, () => seen.push(`a@${Date.now() - T0}`));
    clock.schedule(T0 + 5000, () => seen.push(`c@${Date.now() - T0}`));
    setTimeout(() => seen.push(`timeout@${Date.now() - T0}`), 3000);

    // Act
    const result = await clock.runUntil(() => seen.length === 4);

    // Assess
    expect(seen).toEqual(['a@1000', 'timeout@3000', 'b@5000', 'c@5000']);
    expect(result).toEqual({ reason: 'predicate', atMs: T0 + 5000, steps: 4 });
  });

  it('runs every timer of an instant before checking the predicate when several are due at once', async () => {
    // Prepare
    clock = VirtualClock.install({ startMs: T0 });
    const seen: string[] = [];
    clock.schedule(T0 + 1000, () => seen.push('first'));
    clock.schedule(T0 + 1000, () => seen.push('second'));

    // Act
    await clock.runUntil(() => seen.length > 0);

    // Assess
    expect(seen).toEqual(['first', 'second']);
  });

  it('lets promise chains between timers finish before advancing when work reacts to a timer', async () => {
    // Prepare
    clock = VirtualClock.install({ startMs: T0 });
    const seen: number[] = [];
    const worker = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await Promise.resolve();
      seen.push(Date.now() - T0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      seen.push(Date.now() - T0);
    };
    void worker();

    // Act
    await clock.runUntil(() => seen.length === 2);

    // Assess
    expect(seen).toEqual([1000, 1500]);
  });

  it('does not advance while tracked real I/O is in flight', async () => {
    // Prepare
    clock = VirtualClock.install({ startMs: T0 });
    const seen: string[] = [];
    let finishIo: () => void = () => undefined;
    const io = new Promise<void>((resolve) => {
      finishIo = resolve;
    });
    clock.track(
      io.then(() => seen.push(`io@${Date.now() - T0}`)),
      'loopback call',
    );
    clock.schedule(T0 + 10, () => seen.push(`timer@${Date.now() - T0}`));
    realSetTimeout(() => finishIo(), 20);

    // Act
    await clock.runUntil(() => seen.length === 2);

    // Assess
    expect(seen).toEqual(['io@0', 'timer@10']);
    expect(clock.busy()).toBe(0);
  });

  it('stops at the deadline when the predicate never holds', async () => {
    // Prepare
    clock = VirtualClock.install({ startMs: T0 });
    const tick = () => clock?.schedule((clock?.now() ?? 0) + 30_000, tick);
    tick();

    // Act
    const result = await clock.runUntil(() => false, { maxVirtualMs: 120_000 });

    // Assess
    expect(result.reason).toBe('deadline');
    expect(result.atMs).toBe(T0 + 120_000);
  });

  it('reports idle when no timer is left', async () => {
    clock = VirtualClock.install({ startMs: T0 });
    clock.schedule(T0 + 1000, () => undefined);

    const result = await clock.runUntil(() => false);

    expect(result).toEqual({ reason: 'idle', atMs: T0 + 1000, steps: 1 });
  });

  it('throws a stall error naming the work when tracked work never finishes', async () => {
    // Prepare
    clock = VirtualClock.install({ startMs: T0, maxRealWaitMs: 30 });
    clock.track(new Promise(() => undefined), 'dynamodb GetItem');

    // Act
    const run = clock.runUntil(() => false);

    // Assess
    await expect(run).rejects.toThrow(SimStallError);
    await expect(run).rejects.toThrow(/dynamodb GetItem/);
  });

  it('resolves a virtual sleep when its time comes', async () => {
    clock = VirtualClock.install({ startMs: T0 });
    let woke = 0;
    void clock.sleep(5000).then(() => {
      woke = Date.now();
    });

    await clock.runUntil(() => woke !== 0);

    expect(woke).toBe(T0 + 5000);
  });
});
