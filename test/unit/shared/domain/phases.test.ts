import { buildPhases, failedPhase, phaseOfError, phasesBeforeFailure } from '../../../../shared/domain/phases';
import { assessment, dnsResult, promotions, runContext, verification } from '../../../support/run-fixtures';

describe('buildPhases', () => {
  it('times every phase of a completed run from the times each step reported', () => {
    // Act
    const phases = buildPhases({
      run: runContext(),
      assessment: assessment(),
      promotions: promotions(),
      dns: dnsResult(),
      verification: verification(),
    });

    // Assess
    expect(phases).toEqual([
      { name: 'detect', startedAt: '2026-11-25T03:00:00.000Z', endedAt: '2026-11-25T03:01:30.000Z', seconds: 90 },
      { name: 'decide', startedAt: '2026-11-25T03:01:30.000Z', endedAt: '2026-11-25T03:01:31.000Z', seconds: 1 },
      { name: 'promote', startedAt: '2026-11-25T03:01:32.000Z', endedAt: '2026-11-25T03:06:32.250Z', seconds: 300.25 },
      { name: 'dns', startedAt: '2026-11-25T03:06:33.000Z', endedAt: '2026-11-25T03:07:33.000Z', seconds: 60 },
      { name: 'verify', startedAt: '2026-11-25T03:07:34.000Z', endedAt: '2026-11-25T03:07:40.000Z', seconds: 6 },
    ]);
  });

  it('ends the decide phase at the approval answer when a person was asked', () => {
    // Act
    const phases = buildPhases({
      run: runContext(),
      assessment: assessment({ decision: 'approve' }),
      approval: { approved: true, by: 'alice', answeredAt: '2026-11-25T03:11:30.500Z' },
    });

    // Assess
    expect(phases.map((p) => [p.name, p.seconds])).toEqual([
      ['detect', 90],
      ['decide', 600.5],
    ]);
  });

  it('leaves out the promote phase while a database is not yet writable', () => {
    // Prepare
    const [first, second] = promotions();
    if (!first || !second) throw new Error('fixture has two promotions');

    // Act
    const phases = buildPhases({
      run: runContext(),
      assessment: assessment(),
      promotions: [first, { ...second, writable: false, writableAt: undefined }],
    });

    // Assess
    expect(phases.map((p) => p.name)).toEqual(['detect', 'decide']);
  });
});

describe('phaseOfError', () => {
  it.each([
    ['PromotionFailedError', 'promote'],
    ['ResourceBusyError', 'promote'],
    ['DnsFlipError', 'dns'],
    ['VerificationFailedError', 'verify'],
    // Any task can time out: the phase comes from the run's state (record-run-failure), not the name.
    ['States.Timeout', undefined],
    ['InvalidRunInputError', 'decide'],
    ['PlanNotFoundError', 'decide'],
    ['InvalidRunInput', 'decide'],
    ['Lambda.Unknown', undefined],
    ['toString', undefined],
    [undefined, undefined],
  ])('maps %s to %s', (error, phase) => {
    // Act / Assess
    expect(phaseOfError(error)).toBe(phase);
  });
});

describe('failedPhase', () => {
  it.each([
    // The error's own phase wins.
    ['PromotionFailedError', 'dns', 'promote'],
    // A timeout or a crashed Lambda is placed where the run was.
    ['States.Timeout', 'dns', 'dns'],
    ['Lambda.Unknown', 'verify', 'verify'],
    // Before any step marked a phase: Assess or the approval wait.
    ['States.Timeout', undefined, 'decide'],
    [undefined, undefined, 'decide'],
  ] as const)('places %s with phase reached %s in %s', (error, reached, phase) => {
    // Act / Assess
    expect(failedPhase(error, reached)).toBe(phase);
  });
});

describe('phasesBeforeFailure', () => {
  const run = { startedAt: '2026-11-25T03:01:30.000Z' };
  const detect = {
    name: 'detect' as const,
    startedAt: '2026-11-25T03:00:00.000Z',
    endedAt: run.startedAt,
    seconds: 90,
  };

  it("replaces the decide Assess recorded with one that ends when promote began: an approval's wait counts", () => {
    // Prepare: Assess recorded decide at its decision (0.5 s); a person approved two minutes later.
    const recorded = [
      detect,
      { name: 'decide' as const, startedAt: run.startedAt, endedAt: '2026-11-25T03:01:30.500Z', seconds: 0.5 },
    ];

    // Act
    const phases = phasesBeforeFailure(
      recorded,
      run,
      [{ phase: 'promote', at: '2026-11-25T03:03:30.000Z' }],
      'promote',
    );

    // Assess
    expect(phases.map((p) => [p.name, p.seconds])).toEqual([
      ['detect', 90],
      ['decide', 120],
    ]);
  });

  it('counts a phase marked again (a retry, a redrive) from its first mark, and leaves out the failed phase', () => {
    // Act
    const phases = phasesBeforeFailure(
      [detect],
      run,
      [
        { phase: 'promote', at: '2026-11-25T03:02:00.000Z' },
        { phase: 'dns', at: '2026-11-25T03:06:00.000Z' },
        { phase: 'verify', at: '2026-11-25T03:07:00.000Z' },
        { phase: 'dns', at: '2026-11-25T04:00:00.000Z' },
        { phase: 'verify', at: '2026-11-25T04:01:00.000Z' },
      ],
      'verify',
    );

    // Assess
    expect(phases.map((p) => [p.name, p.seconds])).toEqual([
      ['detect', 90],
      ['decide', 30],
      ['promote', 240],
      ['dns', 60],
    ]);
  });

  it('derives nothing without marks: the record keeps what it had', () => {
    // Act
    const phases = phasesBeforeFailure([detect], run, undefined, 'decide');

    // Assess
    expect(phases).toEqual([detect]);
  });
});
