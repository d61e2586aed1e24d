import { describeFinding } from '../domain/preflight';
import {
  type ApprovalRequestedDetail,
  type Budgeted,
  DETAIL_TYPES,
  EVENT_SOURCE,
  type FenceDeferral,
  type Outcome,
  PHASES,
  type PhaseChangedDetail,
  type PhaseName,
  type PhaseTiming,
  type RecoveryFailedDetail,
  type ReprotectBackDetail,
  RUNBOOK_PHASES,
  type RunContext,
  type RunRecord,
  runContextSchema,
} from '../domain/run';
import { type FieldIssue, MalformedEventError } from '../errors';
import { toFieldIssues } from '../field-issues';
import { secondsBetween } from '../runtime/clock';
import * as z from '../zod';

/**
 * The incident as the Slack message shows it, accumulated from Switchback's events. Every event is kept (compact)
 * in the ledger next to the message's `ts`; the view is folded from all of them, in time order, so the message
 * can be rebuilt after any event, whatever order EventBridge delivered them in.
 */

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time' });

const phaseName = z.enum(PHASES, { error: `expected one of: ${PHASES.join(', ')}` });

const budgetedSchema = z.looseObject({
  actualSeconds: z.number(),
  budgetSeconds: z.number(),
  withinBudget: z.boolean(),
});

const answerSchema = z.looseObject({ approved: z.boolean(), by: z.string(), displayName: z.optional(z.string()) });

const phaseChangedSchema = z.looseObject({
  run: runContextSchema,
  phase: phaseName,
  status: z.enum(['started', 'succeeded', 'failed']),
  at: isoTime,
  facts: z.optional(z.array(z.string())),
  lagSeconds: z.optional(z.nullable(z.number())),
  answer: z.optional(answerSchema),
});

const approvalRequestedSchema = z.looseObject({
  run: runContextSchema,
  at: isoTime,
  reasons: z._default(z.array(z.string()), []),
  lagSeconds: z.nullable(z.number()),
  rpoBudgetSeconds: z.number(),
  timeoutSeconds: z.number(),
});

const runRecordSchema = z.looseObject({
  run: runContextSchema,
  outcome: z.enum([
    'in-progress',
    'recovered',
    'failed',
    'denied',
    'awaiting-approval',
    'skipped',
    'blocked',
    'deferred',
  ]),
  phases: z._default(
    z.array(z.looseObject({ name: phaseName, startedAt: isoTime, endedAt: isoTime, seconds: z.number() })),
    [],
  ),
  rto: z.optional(budgetedSchema),
  rpo: z.optional(budgetedSchema),
  actions: z._default(z.array(z.unknown()), []),
  warnings: z._default(z.array(z.string()), []),
  failure: z.optional(
    z.looseObject({ phase: z.union([phaseName, z.literal('unknown')]), error: z.string(), cause: z.string() }),
  ),
  /** Only on "Run Blocked": what the preflight found. */
  findings: z.optional(
    z.array(z.looseObject({ resource: z.string(), expected: z.string(), found: z.string(), fix: z.string() })),
  ),
  endedAt: isoTime,
  /** The answer of the person asked, when one was (a denied run's record says who denied). */
  approval: z.nullish(answerSchema),
  /** Only on "Run Deferred": what the fence fenced, what waits for the old region, and whether anything changed. */
  deferral: z.optional(
    z.looseObject({
      region: z.string(),
      fenced: z.array(z.string()),
      waiting: z.array(z.string()),
      retryMinutes: z.number(),
      changed: z.boolean(),
    }),
  ),
  /** Only on "Recovery Failed": how to resume the execution from the failed step. */
  redrive: z.optional(z.looseObject({ executionArn: z.string(), command: z.string(), until: isoTime })),
  /** Only on "Recovery Failed", instead of `redrive`: why no redrive gets past the failure. */
  notRedrivable: z.optional(z.string()),
});

const reprotectBackSchema = z.looseObject({
  run: runContextSchema,
  at: isoTime,
  reprotectBack: z.looseObject({
    state: z.enum(['waiting', 'started', 'not-started']),
    detail: z.string(),
    command: z.optional(z.string()),
    reprotect: z.optional(z.looseObject({ execution: z.string() })),
  }),
});

/** An EventBridge event from Switchback's own bus rule: source `switchback`, one of the run detail-types below. */
export const switchbackEventSchema = z.discriminatedUnion('detail-type', [
  z.looseObject({
    source: z.literal(EVENT_SOURCE),
    'detail-type': z.literal(DETAIL_TYPES.phaseChanged),
    detail: phaseChangedSchema,
  }),
  z.looseObject({
    source: z.literal(EVENT_SOURCE),
    'detail-type': z.literal(DETAIL_TYPES.approvalRequested),
    detail: approvalRequestedSchema,
  }),
  z.looseObject({
    source: z.literal(EVENT_SOURCE),
    'detail-type': z.literal(DETAIL_TYPES.reprotectBack),
    detail: reprotectBackSchema,
  }),
  z.looseObject({
    source: z.literal(EVENT_SOURCE),
    'detail-type': z.enum([
      DETAIL_TYPES.recoveryCompleted,
      DETAIL_TYPES.recoveryFailed,
      DETAIL_TYPES.runSkipped,
      DETAIL_TYPES.runBlocked,
      DETAIL_TYPES.runDeferred,
    ]),
    detail: runRecordSchema,
  }),
]);

/** A Switchback event the notifier understands. */
export type NotifyEvent =
  | { kind: 'phase'; detail: PhaseChangedDetail }
  | { kind: 'approval'; detail: ApprovalRequestedDetail }
  | { kind: 'end'; detail: RecoveryFailedDetail }
  | { kind: 'reprotect-back'; detail: ReprotectBackDetail };

/**
 * Reads an EventBridge event into a NotifyEvent.
 *
 * @throws MalformedEventError naming each bad field; the caller drops the event (retrying cannot fix it)
 */
export const parseNotifyEvent = (raw: unknown): NotifyEvent => {
  const result = switchbackEventSchema.safeParse(raw);
  if (!result.success) {
    const issues: FieldIssue[] = toFieldIssues(result.error).map((issue) => ({
      path: issue.path,
      message:
        issue.path === 'detail-type'
          ? `expected one of: ${Object.values(DETAIL_TYPES).join(', ')} (route only source "${EVENT_SOURCE}" events here)`
          : issue.message,
    }));
    throw new MalformedEventError('Switchback event', issues);
  }
  const event = result.data;
  switch (event['detail-type']) {
    case DETAIL_TYPES.phaseChanged:
      return { kind: 'phase', detail: event.detail as PhaseChangedDetail };
    case DETAIL_TYPES.approvalRequested:
      return { kind: 'approval', detail: event.detail as ApprovalRequestedDetail };
    case DETAIL_TYPES.reprotectBack:
      return { kind: 'reprotect-back', detail: event.detail as unknown as ReprotectBackDetail };
    default:
      return { kind: 'end', detail: event.detail as RecoveryFailedDetail };
  }
};

/**
 * The idempotency key of an event's message: one per (incident, phase and status) or per outcome. A redelivered
 * event has the same key, so it updates the message instead of posting another.
 */
export const notificationKey = (event: NotifyEvent): string => {
  switch (event.kind) {
    case 'phase':
      return `phase:${event.detail.phase}:${event.detail.status}`;
    case 'approval':
      return `approval:${event.detail.at}`;
    case 'end':
      // A redriven run can fail and then recover: each outcome at its own time is a new message.
      return `outcome:${event.detail.outcome}:${event.detail.endedAt}`;
    case 'reprotect-back':
      return `reprotect-back:${event.detail.reprotectBack.state}:${event.detail.at}`;
  }
};

/** What one event contributes to the view; kept small because every event of an incident is stored. */
type Entry =
  | {
      k: 'phase';
      at: string;
      phase: PhaseName;
      status: PhaseChangedDetail['status'];
      facts?: string[];
      lag?: number | null;
      ans?: AnswerView;
    }
  | { k: 'approval'; at: string; reasons: string[]; lag: number | null; rpoBudget: number; timeout: number }
  | {
      k: 'end';
      at: string;
      outcome: Outcome;
      phases: PhaseTiming[];
      rto?: Budgeted;
      rpo?: Budgeted;
      failure?: RunRecord['failure'];
      redrive?: RecoveryFailedDetail['redrive'];
      noRedrive?: string;
      warnings: string[];
      ans?: AnswerView;
      findings?: string[];
      deferral?: Pick<FenceDeferral, 'region' | 'fenced' | 'waiting' | 'retryMinutes'>;
    }
  | { k: 'back'; at: string; back: ReprotectBackView };

/** What a standalone failback did to re-protect the other way, as its message shows it (describeReprotectBack). */
export interface ReprotectBackView {
  state: 'waiting' | 'started' | 'not-started';
  detail: string;
  command?: string;
  reprotect?: { execution: string };
}

/** Who answered an approval, and how: the authenticated principal, and the name they gave, if any. */
export interface AnswerView {
  approved: boolean;
  by: string;
  displayName?: string;
}

const answerView = (answer: { approved: boolean; by: string; displayName?: string | undefined }): AnswerView => ({
  approved: answer.approved,
  by: clip(answer.by),
  ...(answer.displayName ? { displayName: clip(answer.displayName) } : {}),
});

// Bounds per stored event: a DynamoDB item holds at most 400 KB, and a phone shows a few short lines anyway.
const MAX_FACTS = 5;
const MAX_TEXT = 300;
const clip = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

const toEntry = (event: NotifyEvent): Entry => {
  switch (event.kind) {
    case 'phase': {
      const { at, phase, status, facts, lagSeconds, answer } = event.detail;
      const entry: Entry = { k: 'phase', at, phase, status };
      if (facts?.length) entry.facts = facts.slice(0, MAX_FACTS).map(clip);
      if (lagSeconds !== undefined) entry.lag = lagSeconds;
      if (answer) entry.ans = answerView(answer);
      return entry;
    }
    case 'approval': {
      const { at, reasons, lagSeconds, rpoBudgetSeconds, timeoutSeconds } = event.detail;
      return {
        k: 'approval',
        at,
        reasons: reasons.slice(0, MAX_FACTS).map(clip),
        lag: lagSeconds,
        rpoBudget: rpoBudgetSeconds,
        timeout: timeoutSeconds,
      };
    }
    case 'end': {
      const {
        endedAt,
        outcome,
        phases,
        rto,
        rpo,
        failure,
        warnings,
        redrive,
        notRedrivable,
        approval,
        findings,
        deferral,
      } = event.detail;
      const entry: Entry = {
        k: 'end',
        at: endedAt,
        outcome,
        phases: phases.map(({ name, startedAt, endedAt: end, seconds }) => ({
          name,
          startedAt,
          endedAt: end,
          seconds,
        })),
        warnings: warnings.slice(0, MAX_FACTS).map(clip),
      };
      if (rto) entry.rto = { ...rto };
      if (rpo) entry.rpo = { ...rpo };
      if (failure) entry.failure = { phase: failure.phase, error: clip(failure.error), cause: clip(failure.cause) };
      if (findings?.length) entry.findings = findings.slice(0, MAX_FACTS).map(describeFinding).map(clip);
      if (redrive)
        entry.redrive = { executionArn: redrive.executionArn, command: redrive.command, until: redrive.until };
      if (notRedrivable) entry.noRedrive = clip(notRedrivable);
      if (approval) entry.ans = answerView(approval);
      if (deferral) {
        entry.deferral = {
          region: deferral.region,
          fenced: deferral.fenced.slice(0, MAX_FACTS).map(clip),
          waiting: deferral.waiting.slice(0, MAX_FACTS).map(clip),
          retryMinutes: deferral.retryMinutes,
        };
      }
      return entry;
    }
    case 'reprotect-back': {
      const { state, detail, command, reprotect } = event.detail.reprotectBack;
      return {
        k: 'back',
        at: event.detail.at,
        back: {
          state,
          detail: clip(detail),
          ...(command ? { command: clip(command) } : {}),
          ...(reprotect ? { reprotect: { execution: reprotect.execution } } : {}),
        },
      };
    }
  }
};

/** The stored form of an event: deterministic JSON, so a redelivered event stores the same string (a set union). */
export const encodeEvent = (event: NotifyEvent): string => JSON.stringify(toEntry(event));

const decodeEntry = (text: string): Entry | undefined => {
  try {
    const value = JSON.parse(text) as Partial<Entry> | null;
    if (value && typeof value.at === 'string' && ['phase', 'approval', 'end', 'back'].includes(value.k ?? '')) {
      return value as Entry;
    }
  } catch {
    // A stored entry that does not parse (written by another version) is left out rather than failing the message.
  }
  return undefined;
};

export type PhaseStatus = 'pending' | 'running' | 'done' | 'failed';

export interface PhaseView {
  name: PhaseName;
  status: PhaseStatus;
  startedAt?: string;
  endedAt?: string;
  seconds?: number;
  facts: string[];
}

export interface ApprovalView {
  requestedAt: string;
  reasons: string[];
  lagSeconds: number | null;
  rpoBudgetSeconds: number;
  timeoutSeconds: number;
}

/** Everything the message shows; rendering is a pure function of it. */
export interface IncidentView {
  run: RunContext;
  budgets: { rtoSeconds: number; rpoSeconds: number };
  phases: PhaseView[];
  outcome: Outcome;
  /** Time of the newest event: the message's "now" (rendering never reads a clock). */
  asOf: string;
  /** Newest replica lag known, in seconds; null when measured as unknown; undefined when not measured yet. */
  lagSeconds?: number | null;
  /** The newest approval request; `outcome` says whether it still waits. */
  approval?: ApprovalView;
  /** A blocked run's preflight findings, one line each (resource, expected, found, fix). */
  findings?: string[];
  rto?: Budgeted;
  rpo?: Budgeted;
  failure?: RunRecord['failure'];
  /** How to resume a failed execution, when the failure event said. */
  redrive?: RecoveryFailedDetail['redrive'];
  /** Why no redrive gets past the failure, when the failure event said. */
  notRedrivable?: string;
  warnings: string[];
  endedAt?: string;
  /** Who answered the approval, once it was answered. */
  answer?: AnswerView;
  /** A deferred fence: what it fenced and what waits for the old region. */
  deferral?: Extract<Entry, { k: 'end' }>['deferral'];
  /** A standalone failback, after its end: what it did to re-protect the other way (the newest word). */
  reprotectBack?: ReprotectBackView;
}

const rank = (entry: Entry): number => {
  if (entry.k === 'phase') return entry.status === 'started' ? 0 : 1;
  return { approval: 2, end: 3, back: 4 }[entry.k];
};

const phaseIndex = (entry: Entry): number => (entry.k === 'phase' ? PHASES.indexOf(entry.phase) : 0);

// Same-millisecond events keep the runbook's order: a phase starts before it ends, and phases run in order.
const byTime = (a: Entry, b: Entry): number =>
  new Date(a.at).getTime() - new Date(b.at).getTime() || rank(a) - rank(b) || phaseIndex(a) - phaseIndex(b);

/**
 * Folds stored events into the view, oldest first; a later event wins (a redriven phase runs again after it
 * failed). Detect needs no event: it runs from the start of impact to the start of Assess, both in `run`.
 *
 * @param run - the run context of the newest event (each event carries it whole)
 * @param budgets - the plan's RTO and RPO budgets
 * @param stored - encoded events (encodeEvent), in any order, duplicates allowed
 */
export const buildView = (
  run: RunContext,
  budgets: { rtoSeconds: number; rpoSeconds: number },
  stored: readonly string[],
): IncidentView => {
  const entries = [...new Set(stored)].map(decodeEntry).filter((entry): entry is Entry => entry !== undefined);
  entries.sort(byTime);

  const phases = new Map<PhaseName, PhaseView>(PHASES.map((name) => [name, { name, status: 'pending', facts: [] }]));
  const phase = (name: PhaseName): PhaseView => phases.get(name) as PhaseView;
  Object.assign(phase('detect'), {
    status: 'done',
    startedAt: run.impactStartedAt,
    endedAt: run.startedAt,
    seconds: secondsBetween(run.impactStartedAt, run.startedAt),
  });
  // Deciding begins with Assess; its "started" event, when it comes, says the same.
  phase('decide').startedAt = run.startedAt;

  const view: IncidentView = { run, budgets, phases: [], outcome: 'in-progress', asOf: run.startedAt, warnings: [] };
  for (const entry of entries) {
    if (new Date(entry.at).getTime() > new Date(view.asOf).getTime()) view.asOf = entry.at;
    if (entry.k === 'phase') {
      const current = phase(entry.phase);
      if (entry.status === 'started') {
        Object.assign(current, { status: 'running', startedAt: entry.at, endedAt: undefined, seconds: undefined });
      } else {
        current.status = entry.status === 'succeeded' ? 'done' : 'failed';
        current.endedAt = entry.at;
        current.seconds = current.startedAt ? secondsBetween(current.startedAt, entry.at) : undefined;
      }
      for (const fact of entry.facts ?? []) if (!current.facts.includes(fact)) current.facts.push(fact);
      if (entry.lag !== undefined) view.lagSeconds = entry.lag;
      if (entry.ans) view.answer = entry.ans;
      // Any phase event after an approval request or an outcome means the run moved on (answered, redriven).
      view.outcome = 'in-progress';
    } else if (entry.k === 'back') {
      // After the run's end: the outcome stands, the message gains a line.
      view.reprotectBack = entry.back;
    } else if (entry.k === 'approval') {
      view.approval = {
        requestedAt: entry.at,
        reasons: entry.reasons,
        lagSeconds: entry.lag,
        rpoBudgetSeconds: entry.rpoBudget,
        timeoutSeconds: entry.timeout,
      };
      view.lagSeconds = entry.lag;
      view.outcome = 'awaiting-approval';
    } else {
      for (const timing of entry.phases) {
        Object.assign(phase(timing.name), {
          status: 'done',
          startedAt: timing.startedAt,
          endedAt: timing.endedAt,
          seconds: timing.seconds,
        });
      }
      if (entry.failure && PHASES.includes(entry.failure.phase as PhaseName)) {
        const failed = phase(entry.failure.phase);
        failed.status = 'failed';
        failed.endedAt ??= entry.at;
        if (failed.startedAt) failed.seconds = secondsBetween(failed.startedAt, failed.endedAt);
      }
      view.outcome = entry.outcome;
      view.rto = entry.rto;
      view.rpo = entry.rpo;
      view.failure = entry.failure;
      view.redrive = entry.redrive;
      view.notRedrivable = entry.noRedrive;
      view.warnings = entry.warnings;
      if (entry.findings) view.findings = entry.findings;
      view.endedAt = entry.at;
      view.deferral = entry.deferral;
      if (entry.ans) view.answer = entry.ans;
      if (entry.rpo) view.lagSeconds = entry.rpo.actualSeconds;
    }
  }
  view.phases = RUNBOOK_PHASES[run.action].map(phase);
  return view;
};
