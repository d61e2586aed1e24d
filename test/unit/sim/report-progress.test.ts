import { type DrillProgress, elapsed, ProgressDisplay } from '../../../sim/progress';

const T0 = Date.UTC(2026, 0, 15, 3, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const capture = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { out: { isTTY, write: (text: string) => chunks.push(text) }, text: () => chunks.join('') };
};

const events: DrillProgress[] = [
  { kind: 'start', at: at(0), message: 'scenario region-outage' },
  { kind: 'milestone', at: at(180), message: 'alarm orders-primary-health is ALARM' },
  { kind: 'phase', at: at(180), phase: 'promote', status: 'started' },
  { kind: 'phase', at: at(423), phase: 'promote', status: 'succeeded' },
];

describe('ProgressDisplay', () => {
  it('prints one plain line per change with virtual T+mm:ss when the output is not a terminal', () => {
    // Prepare
    const { out, text } = capture(false);
    const display = new ProgressDisplay(out, 'Switchback drill');

    // Act
    for (const event of events) display.update(event);

    // Assess
    expect(text().split('\n')).toEqual([
      'Switchback drill',
      'T+00:00  scenario region-outage',
      'T+03:00  alarm orders-primary-health is ALARM',
      'T+03:00  Promote databases started',
      'T+07:03  Promote databases succeeded',
      '',
    ]);
  });

  it('says a fence was deferred, not that it succeeded, when the old region did not answer', () => {
    // Prepare
    const { out, text } = capture(false);
    const display = new ProgressDisplay(out, 'Switchback drill');
    const fence = (seconds: number, outcome: 'deferred' | 'recovered' | 'failed'): DrillProgress => ({
      kind: 'phase',
      at: at(seconds),
      phase: 'fence',
      status: outcome === 'failed' ? 'failed' : 'succeeded',
      outcome,
    });

    // Act
    display.update({ kind: 'start', at: at(0), message: 'scenario old-primary-returns' });
    display.update({ kind: 'phase', at: at(430), phase: 'fence', status: 'started' });
    display.update(fence(431, 'deferred'));
    display.update(fence(731, 'deferred'));
    display.update(fence(1031, 'recovered'));
    display.update(fence(1331, 'failed'));

    // Assess
    expect(text().split('\n').slice(2, -1)).toEqual([
      'T+07:10  Fence old primary started',
      'T+07:11  Fence old primary deferred: not fenced yet, the fence retry goes on',
      'T+17:11  Fence old primary succeeded: fenced',
      'T+22:11  Fence old primary failed: not fenced',
    ]);
  });

  it('redraws the phase lines in place within 80 columns when the output is a terminal', () => {
    // Prepare
    const { out, text } = capture(true);
    const display = new ProgressDisplay(out, 'Switchback drill');

    // Act
    for (const event of events) display.update(event);

    // Assess
    const output = text();
    expect(output).toContain('\x1b[6A');
    const plain = output.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d*[AK]`, 'g'), '');
    expect(plain).toMatch(/✓ {2}Promote databases +T\+03:00 +4m03s/);
    expect(plain.split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it("cuts each row of the live display at the terminal's width, wide or narrow, so that it redraws in place", () => {
    // Prepare: a milestone of 104 columns with its T+ time
    const milestone =
      'alarm orders-primary-health is ALARM: the primary region has not answered for 3 minutes of probes';
    const rows = (columns: number) => {
      const chunks: string[] = [];
      const display = new ProgressDisplay(
        { isTTY: true, columns, write: (text: string) => chunks.push(text) },
        'title',
      );
      display.update({ kind: 'start', at: at(0), message: 'scenario region-outage' });
      display.update({ kind: 'milestone', at: at(180), message: milestone });
      const ESC = String.fromCharCode(27);
      const last = chunks.at(-1) ?? '';
      return last
        .replace(new RegExp(`${ESC}\\[\\d*[AK]`, 'g'), '')
        .split('\n')
        .filter(Boolean);
    };

    // Act
    const wide = rows(200);
    const narrow = rows(60);

    // Assess: the whole milestone on a wide terminal; on a narrow one every row within 60 columns
    expect(wide.at(-1)).toBe(`  T+03:00  ${milestone}`);
    expect(narrow).toHaveLength(6);
    expect(narrow.every((line) => line.length <= 60)).toBe(true);
    expect(narrow.at(-1)).toBe(`${`  T+03:00  ${milestone}`.slice(0, 59)}…`);
  });

  const LONG =
    'scenario us-east-1-outage: All of us-east-1 goes down and stays down; an operator starts the failover by hand 5 minutes in.';
  const PREVIEW =
    '  [slack] Restore test FAILED: orders/orders-db (us-west-2): RestoreFailedError: restored instance ended in status incompatible-option-group.';

  it('wraps a long line it prints once (a milestone, a Slack preview) within 80 columns instead of cutting it', () => {
    // Prepare
    const { out, text } = capture(false);
    const display = new ProgressDisplay(out, 'Switchback drill');

    // Act
    display.update({ kind: 'start', at: at(0), message: LONG });
    display.note(PREVIEW);

    // Assess: every line fits, nothing is cut, and a preview's continuation stays under its own indent
    const lines = text().trimEnd().split('\n');
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    const words = (text: string) => text.trim().split(/\s+/).join(' ');
    expect(words(lines.join(' '))).toBe(words(`Switchback drill T+00:00 ${LONG} ${PREVIEW}`));
    expect(lines.at(-1)).toMatch(/^ {6}\S/);
  });

  it('clears each line of the live display that a wrapped note is written over, on a terminal', () => {
    // Prepare: the live display is drawn
    const { out, text } = capture(true);
    const display = new ProgressDisplay(out, 'Switchback drill');
    for (const event of events) display.update(event);
    const drawn = text().length;

    // Act
    display.note(PREVIEW);

    // Assess: up over the display, then each note line cleared before it is written
    const written = text().slice(drawn);
    const noteLines = written.slice(0, written.indexOf('\x1b[J')).split('\n').filter(Boolean);
    expect(noteLines).toHaveLength(2);
    const ESC = String.fromCharCode(27);
    expect(noteLines[0]?.startsWith(`${ESC}[6A${ESC}[2K  [slack] `)).toBe(true);
    expect(noteLines[1]?.startsWith(`${ESC}[2K      `)).toBe(true);
    expect(noteLines[1]?.charAt(`${ESC}[2K      `.length)).toMatch(/\S/);
  });
});

describe('elapsed', () => {
  it('shows hours when the drill runs past an hour', () => {
    expect([elapsed(T0, at(65)), elapsed(T0, at(3725))]).toEqual(['T+01:05', 'T+1:02:05']);
  });

  it("puts a step's millisecond time and an EventBridge event's whole-second time of the same moment on one second", () => {
    // Arrange: a phase ends at 485.6 s; the event put at that moment carries EventBridge's time, truncated
    const phaseEnded = at(485.6);
    const eventTime = `${phaseEnded.slice(0, 19)}Z`;

    // Act / Assess: both T+08:05, so the event's line never reads earlier than the phase line before it
    expect([elapsed(T0, phaseEnded), elapsed(T0, eventTime)]).toEqual(['T+08:05', 'T+08:05']);
  });
});
