import { RequestRateLimits, TokenBucket } from '../../../../sim/models/rate-limit';

describe('TokenBucket', () => {
  it('gives its whole capacity at once, then one token per refill interval, never more than its capacity', () => {
    // Prepare
    const bucket = new TokenBucket(50, 10, 0);

    // Act
    const burst = Array.from({ length: 51 }, () => bucket.take(0));
    const after99ms = bucket.take(99);
    const after100ms = bucket.take(100);
    const afterAnHour = bucket.available(3_600_000);

    // Assess
    expect(burst.filter(Boolean)).toHaveLength(50);
    expect(burst[50]).toBe(false);
    expect(after99ms).toBe(false);
    expect(after100ms).toBe(true);
    expect(afterAnHour).toBe(50);
  });

  it('leaves one token at a time of what other callers do not take, once they share it, and refuses a share of more than all', () => {
    // Prepare
    const bucket = new TokenBucket(50, 10, 0);

    // Act
    bucket.shareWith(6, 0);
    const atOnce = bucket.take(0);
    const after250ms = bucket.take(250);
    const afterASecond = bucket.available(1250);

    // Assess: 4 tokens a second are left, and the bucket holds at most one of them
    expect(atOnce).toBe(false);
    expect(after250ms).toBe(true);
    expect(afterASecond).toBe(1);
    expect(() => bucket.shareWith(5, 1250)).toThrow(/up to the refill rate of 4 a second \(got 5\)/);
  });

  it('admits nothing more once other callers take the whole refill', () => {
    // Prepare
    const bucket = new TokenBucket(3, 3, 0);

    // Act
    bucket.shareWith(3, 0);
    const taken = [0, 1000, 60_000].map((atMs) => bucket.take(atMs));

    // Assess
    expect(taken).toEqual([false, false, false]);
  });

  it('refuses a bucket that could never admit a request, naming both values', () => {
    expect(() => new TokenBucket(0, 10, 0)).toThrow(/capacity >= 1 and a refill rate > 0 \(got 0, 10\)/);
    expect(() => new TokenBucket(4, 0, 0)).toThrow(/got 4, 0/);
  });
});

describe('RequestRateLimits', () => {
  const quotas = {
    account: { capacity: 50, refillPerSecond: 10 },
    defaultOperation: { capacity: 50, refillPerSecond: 10 },
    operations: { GetHealthCheckStatus: { capacity: 4, refillPerSecond: 1 } },
  };

  it("throttles an operation on its own bucket while the account's still has tokens, and takes none from it", () => {
    // Prepare
    let now = 0;
    const limits = new RequestRateLimits(quotas, () => now);

    // Act
    const status = Array.from({ length: 5 }, () => limits.admit('GetHealthCheckStatus'));
    const others = Array.from({ length: 46 }, () => limits.admit('GetChange'));
    now = 1000;
    const statusAfterASecond = limits.admit('GetHealthCheckStatus');

    // Assess
    expect(status).toEqual([true, true, true, true, false]);
    // The throttled request took no account token: 4 + 46 = 50 admitted.
    expect(others.every(Boolean)).toBe(true);
    expect(statusAfterASecond).toBe(true);
    expect(Object.fromEntries(limits.throttled)).toEqual({ GetHealthCheckStatus: 1 });
  });

  it("throttles every operation once the account's bucket is empty, whatever each operation's own bucket holds", () => {
    // Prepare
    let now = 0;
    const limits = new RequestRateLimits(quotas, () => now);
    for (let i = 0; i < 50; i += 1) limits.admit(i % 2 ? 'GetChange' : 'ListResourceRecordSets');

    // Act
    const change = limits.admit('ChangeResourceRecordSets');
    now = 100;
    const changeLater = limits.admit('ChangeResourceRecordSets');
    const next = limits.admit('GetChange');

    // Assess
    expect(change).toBe(false);
    expect(changeLater).toBe(true);
    expect(next).toBe(false);
    expect(Object.fromEntries(limits.throttled)).toEqual({ ChangeResourceRecordSets: 1, GetChange: 1 });
  });
});
