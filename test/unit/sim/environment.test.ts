import { setEnvironment } from '../../../sim/environment';

describe('setEnvironment', () => {
  const SET = 'SWITCHBACK_TEST_SET_ENVIRONMENT';
  const ABSENT = 'SWITCHBACK_TEST_ABSENT_ENVIRONMENT';

  afterEach(() => {
    delete process.env[SET];
    delete process.env[ABSENT];
  });

  it('sets the values and restores the previous ones when undone', () => {
    // Prepare
    process.env[SET] = 'before';

    // Act
    const restore = setEnvironment({ [SET]: 'during', [ABSENT]: 'added' });
    const during = { set: process.env[SET], absent: process.env[ABSENT] };
    restore();

    // Assess
    expect(during).toEqual({ set: 'during', absent: 'added' });
    expect(process.env[SET]).toBe('before');
    expect(ABSENT in process.env).toBe(false);
  });
});
