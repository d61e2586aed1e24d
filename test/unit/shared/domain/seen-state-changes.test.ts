import { SeenStateChanges } from '../../../../shared/domain/seen-state-changes';

describe('SeenStateChanges', () => {
  it('gives back the answer of the first delivery of a key', async () => {
    // Prepare
    const seen = new SeenStateChanges<string>();
    seen.remember('a', Promise.resolve('started'));

    // Act
    const answer = seen.get('a');

    // Assess
    await expect(answer).resolves.toBe('started');
    expect(seen.get('b')).toBeUndefined();
  });

  it('forgets the oldest key when it holds more than its limit', () => {
    // Prepare
    const seen = new SeenStateChanges<string>(2);

    // Act
    for (const key of ['a', 'b', 'c']) seen.remember(key, Promise.resolve(key));

    // Assess
    expect(seen.get('a')).toBeUndefined();
    expect(seen.get('b')).toBeDefined();
    expect(seen.get('c')).toBeDefined();
    expect(seen.size).toBe(2);
  });

  it('forgets a key whose first delivery failed, so that a retry acts again', async () => {
    // Prepare
    const seen = new SeenStateChanges<string>();
    const failed = Promise.reject(new Error('ThrottlingException'));
    seen.remember('a', failed);

    // Act
    await expect(failed).rejects.toThrow('ThrottlingException');

    // Assess
    expect(seen.get('a')).toBeUndefined();
  });

  it('refuses a limit that is not a whole number of at least one', () => {
    // Act / Assess
    expect(() => new SeenStateChanges(0)).toThrow('limit must be a whole number >= 1, got 0');
  });
});
