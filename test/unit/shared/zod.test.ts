import * as z from '../../../shared/zod';

// shared/zod.ts is zod/mini, which sets no error map, with zod's English one set as it loads: without it, every
// message a plan author or a runbook input gets from a function's validation would read "Invalid input" alone.
describe('shared/zod', () => {
  it('words a type mismatch in English, naming what was expected and what came, as full zod does', () => {
    // Act
    const result = z.object({ app: z.string(), rpoSeconds: z.number() }).safeParse({ app: 7, rpoSeconds: 'soon' });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['app', 'Invalid input: expected string, received number'],
      ['rpoSeconds', 'Invalid input: expected number, received string'],
    ]);
  });

  it('words a format failure in English too', () => {
    // Act
    const result = z.iso.datetime().safeParse('yesterday');

    // Assess
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['Invalid ISO datetime']);
  });
});
