import type { Plan } from '../plan/schema';
import type { Action, LegRecord, Mode, Outcome, RunInput } from './run';

/**
 * The game-day runbook's pure rules. A game day is the whole lifecycle, planned, as one incident: a planned failover
 * (a switchover where the database allows it), a verification window in the standby region, then fence, reprotect
 * and the failback, and, for the RDS databases (an Aurora switchover keeps its old writer as the secondary), fence
 * and reprotect the other way. Each leg is a run of its own runbook (its own state machine, lock, record and Slack
 * thread), started by the game day with a name derived from the game day's incident id; the game day waits for each
 * leg's end before the next starts. A parent that starts children keeps each execution's history small (a reprotect
 * alone can poll for hours): Step Functions caps one execution at 25,000 history events.
 */

export type LegAction = Exclude<Action, 'game-day'>;

/** One leg as "Assess Game Day" plans it and the "Run Legs" Map iterates over it. */
export interface GameDayLeg {
  /** 1-based position in the game day. */
  index: number;
  action: LegAction;
  /** The leg's execution name and incident id: `<game day incident>-<index>-<action>`, the same on every attempt. */
  name: string;
  /**
   * The leg's run mode: the failover and the failback `game-day` (real and planned; the failback then starts no fence
   * or reprotect of its own), the others `live`; all `dry-run` in a dry run.
   */
  mode: Mode;
  /** Seconds to wait before the leg starts (the verification window before the first fence); 0 for the others. */
  waitSeconds: number;
  /** The execution input of the leg, as `switchback run` would send it. */
  input: RunInput;
}

/** Step Functions execution names are at most 80 characters; the longest suffix is `-6-reprotect`. */
export const MAX_GAME_DAY_INCIDENT_ID = 80 - '-6-reprotect'.length;

/** Seconds between two looks at a running leg (a leg runs minutes to hours; each look costs 5 history events). */
export const LEG_POLL_SECONDS = 60;

/**
 * The legs of a game day for this plan. The failback re-protects in the other direction: after it, each RDS
 * database's old writer (now in the standby region) is fenced and a new replica of the writer is made there. A plan
 * of Aurora databases only needs neither (the switchover re-protects). A dry run plans every leg but starts only the
 * failover's dry run: the legs after it read the topology the failover would have left.
 */
export const gameDayLegs = (
  plan: Plan,
  game: { incidentId: string; mode: Mode; reason: string; requestedBy: string },
): GameDayLeg[] => {
  const window = plan.gameDay.verificationWindowSeconds;
  const reprotectBack = plan.databases.some((db) => db.kind === 'rds-read-replica');
  const steps: { action: LegAction; waitSeconds: number }[] = [
    { action: 'failover', waitSeconds: 0 },
    { action: 'fence', waitSeconds: window },
    { action: 'reprotect', waitSeconds: 0 },
    { action: 'failback', waitSeconds: 0 },
    ...(reprotectBack
      ? [
          { action: 'fence' as const, waitSeconds: 0 },
          { action: 'reprotect' as const, waitSeconds: 0 },
        ]
      : []),
  ];
  const dryRun = game.mode === 'dry-run';
  return steps.map((step, position) => {
    const index = position + 1;
    const name = `${game.incidentId}-${index}-${step.action}`;
    // The failover and the failback run as a game day's (planned, live): a failback in mode game-day leaves the
    // re-protection the other way to the legs after it, instead of starting its own fence and reprotect.
    const mode: Mode = dryRun
      ? 'dry-run'
      : step.action === 'failover' || step.action === 'failback'
        ? 'game-day'
        : 'live';
    return {
      index,
      action: step.action,
      name,
      mode,
      waitSeconds: step.waitSeconds,
      input: {
        plan: plan.app,
        action: step.action,
        mode,
        reason: `${game.reason} (game day ${game.incidentId}, leg ${index} of ${steps.length})`,
        requestedBy: game.requestedBy,
        incidentId: name,
        trigger: { type: 'manual' },
      },
    };
  });
};

/** The legs a run starts: all of them live, the failover's alone in a dry run (see gameDayLegs). */
export const legsToStart = (legs: readonly GameDayLeg[], mode: Mode): GameDayLeg[] =>
  mode === 'dry-run' ? legs.filter((leg) => leg.action === 'failover') : [...legs];

/**
 * Whether a leg's run let the game day go on: recovered (it did its work) or skipped (nothing to do, e.g. a fence
 * that found the old primary fenced already). Blocked, denied or failed stops the game day where it stands.
 */
export const legDone = (outcome: Outcome | 'not-started' | undefined): boolean =>
  outcome === 'recovered' || outcome === 'skipped';

/**
 * The game day's outcome from its legs: recovered when every leg it started is done; failed when one failed (or
 * its execution did); blocked when one was blocked, skipped or denied before any change of the next legs; blocked
 * too when the game day was refused before its first leg.
 */
export const gameDayOutcome = (legs: readonly LegRecord[], started: number): Outcome => {
  const ran = legs.filter((leg) => leg.outcome !== 'not-started');
  if (ran.length === 0) return 'blocked';
  if (ran.some((leg) => leg.outcome === 'failed' || leg.outcome === 'in-progress')) return 'failed';
  if (ran.length === started && ran.every((leg) => legDone(leg.outcome))) return 'recovered';
  return 'blocked';
};
