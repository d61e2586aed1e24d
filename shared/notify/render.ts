import { describeReprotectBack } from '../domain/failback';
import type { Mode, PhaseName } from '../domain/run';
import { recoveryVerdict } from '../domain/verdict';
import type { IncidentView, PhaseView } from './state';

/**
 * Slack messages, rendered from an IncidentView alone (pure: no clock, no I/O), so any event can rebuild the
 * whole message. Laid out for a phone: short lines, one fact per line, no tables. Every message has Block Kit
 * blocks and a plain-text `text` fallback (notifications, screen readers, clients without blocks).
 */

/** The subset of Block Kit used here; structurally the `@slack/types` blocks of the same names. */
export type MrkdwnText = { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: MrkdwnText }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'divider' };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export interface RenderLinks {
  /** Base URL of the run reports (REPORT_BASE_URL); no report link when empty. */
  reportBaseUrl?: string;
}

// Block Kit limits (Slack API reference, "Blocks"): header text 150 characters, section text 3000.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Slack mrkdwn treats `&`, `<` and `>` as control characters; text from events must not make links or mentions. */
const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The fallback: no bold or code marks, but still escaped (Slack parses `text` as mrkdwn too). */
const plainText = (raw: string): string => escapeMrkdwn(raw.replace(/[*`]/g, ''));

/** `95 s`, `4m 12s`, `15m`, `1h 05m`: short for a phone; under two minutes in seconds, as budgets are written. */
export const formatDuration = (seconds: number): string => {
  const total = Math.max(0, Math.round(seconds));
  if (total < 120) return `${total} s`;
  if (total < 3600)
    return total % 60 === 0 ? `${total / 60}m` : `${Math.floor(total / 60)}m ${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(total / 3600)}h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
};

/** `18:07:12 UTC` */
const clockTime = (iso: string): string => `${new Date(iso).toISOString().slice(11, 19)} UTC`;

const MODE_LABEL: Record<Mode, string> = { live: 'LIVE', 'dry-run': 'DRY RUN', 'game-day': 'GAME DAY (LIVE)' };

const PHASE_ICON: Record<PhaseView['status'], string> = { pending: '⬜', running: '⏳', done: '✅', failed: '❌' };

/** The Step Functions console page of an execution, in the execution's own region (the standby's if unknown). */
export const executionConsoleUrl = (executionArn: string, fallbackRegion: string): string => {
  const region = executionArn.split(':')[3] || fallbackRegion;
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
};

/** Where the run report of an incident lives under REPORT_BASE_URL. */
export const reportUrl = (base: string, plan: string, incidentId: string): string =>
  `${base.replace(/\/+$/, '')}/${encodeURIComponent(plan)}/${encodeURIComponent(incidentId)}`;

/** `aws stepfunctions redrive-execution …`: a failed Standard execution resumes from the failed step. */
export const redriveCommand = (executionArn: string): string =>
  `aws stepfunctions redrive-execution --execution-arn ${executionArn}`;

/** The redrive command from the failure event, or built from the execution ARN; none when no redrive can help. */
const redriveText = (view: IncidentView): string | undefined =>
  view.notRedrivable
    ? undefined
    : (view.redrive?.command ?? (view.run.executionArn ? redriveCommand(view.run.executionArn) : undefined));

/**
 * A fence run by hand that could not verify everything ends its execution normally ("Not Fenced Yet"), and Step
 * Functions redrives only failed, timed-out or aborted executions: the way on is a new fence run, not a redrive.
 */
const fenceAgainText = (view: IncidentView): string | undefined =>
  view.run.action === 'fence' && view.failure?.error === 'OldPrimaryNotFenced'
    ? `Run fence again once the old region answers (the fence retry also does, every few minutes):\n\`npx switchback run --plan ${view.run.plan} --action fence --reason "old region answers"\``
    : undefined;

/** A failback's first line also says where its re-protection the other way stands (a phone shows only that line). */
const reprotectBackHeadline = (view: IncidentView): string => {
  const state = view.reprotectBack?.state;
  if (!state) return '';
  return state === 'started'
    ? '; re-protect started'
    : state === 'waiting'
      ? '; re-protect waits'
      : '; re-protect not started';
};

const headline = (view: IncidentView): string => {
  const { plan, action } = view.run;
  // Each runbook names itself: "orders failover: promote running", "orders failback: promote running".
  const runbook = action;
  switch (view.outcome) {
    case 'recovered':
      if (action === 'failback') {
        const back = `${plan} failed back to ${view.run.regions.primary}${reprotectBackHeadline(view)}`;
        return recoveryVerdict({ rto: view.rto, rpo: view.rpo }).withinBudgets
          ? `✅ ${back}`
          : `⚠️ ${back}, over budget`;
      }
      if (action !== 'failover') return `✅ ${plan} ${runbook} done`;
      return recoveryVerdict({ rto: view.rto, rpo: view.rpo }).withinBudgets
        ? `✅ ${plan} recovered`
        : `⚠️ ${plan} recovered, over budget`;
    case 'failed':
      return `❌ ${plan} ${runbook} failed`;
    case 'denied':
      return `🛑 ${plan} ${runbook} denied`;
    case 'skipped':
      return `⏭️ ${plan} ${runbook} skipped`;
    case 'blocked':
      return `⛔ ${plan} ${runbook} blocked by preflight: nothing changed`;
    case 'awaiting-approval':
      return `✋ ${plan} ${runbook} needs approval`;
    case 'deferred':
      return `⏳ ${plan} ${runbook} waits for ${view.deferral?.region ?? 'the old region'} to answer`;
    default: {
      // The first line is what a phone notification shows: name the step under way.
      const running = view.phases.filter((phase) => phase.status === 'running').at(-1);
      if (running) return `🚨 ${plan} ${runbook}: ${running.name} running`;
      const failed = view.phases.find((phase) => phase.status === 'failed');
      if (failed) return `🚨 ${plan} ${runbook}: ${failed.name} failed`;
      const done = view.phases.filter((phase) => phase.status === 'done' && phase.name !== 'detect').at(-1);
      return done ? `🚨 ${plan} ${runbook}: ${done.name} done` : `🚨 ${plan} ${runbook} in progress`;
    }
  }
};

const whoLine = (view: IncidentView): string => {
  const { trigger, requestedBy, reason } = view.run;
  if (trigger.type === 'alarm') {
    return `Alarm ${trigger.alarmName}${trigger.reason ? `: ${trigger.reason}` : ''}`;
  }
  if (trigger.type === 'automatic') {
    const after = {
      failover: 'after the failover',
      failback: 'after the failback',
      'fence-retry': 'fence retry schedule',
    };
    return `Started by Switchback (${after[trigger.by]})`;
  }
  return `Started by ${requestedBy}${reason ? `: ${reason}` : ''}`;
};

const phaseLine = (phase: PhaseView): string => {
  const icon = PHASE_ICON[phase.status];
  if (phase.status === 'done') {
    return `${icon} ${phase.name} ${phase.seconds === undefined ? 'done' : formatDuration(phase.seconds)}`;
  }
  if (phase.status === 'failed') {
    return `${icon} ${phase.name} failed${phase.seconds === undefined ? '' : ` after ${formatDuration(phase.seconds)}`}`;
  }
  if (phase.status === 'running' && phase.startedAt) return `${icon} ${phase.name} since ${clockTime(phase.startedAt)}`;
  return `${icon} ${phase.name}`;
};

const isTerminal = (view: IncidentView): boolean =>
  view.outcome === 'recovered' ||
  view.outcome === 'failed' ||
  view.outcome === 'denied' ||
  view.outcome === 'skipped' ||
  view.outcome === 'blocked' ||
  view.outcome === 'deferred';

/** RTO so far (or final) against its budget. */
const rtoLine = (view: IncidentView): string => {
  if (view.rto) {
    return `RTO ${formatDuration(view.rto.actualSeconds)} of ${formatDuration(view.rto.budgetSeconds)} budget`;
  }
  const elapsed = (new Date(view.asOf).getTime() - new Date(view.run.impactStartedAt).getTime()) / 1000;
  const budget = view.budgets.rtoSeconds;
  const state = elapsed > budget ? ` (over by ${Math.ceil(elapsed - budget)} s)` : '';
  return `RTO clock ${formatDuration(elapsed)} of ${formatDuration(budget)} budget${state}`;
};

/** Replica lag (the data at risk) or, at the end, the RPO actual against its budget. */
const rpoLine = (view: IncidentView): string => {
  if (view.rpo) {
    const over = view.rpo.withinBudget
      ? ''
      : ` (over by ${Math.ceil(view.rpo.actualSeconds - view.rpo.budgetSeconds)} s)`;
    return `RPO ${formatDuration(view.rpo.actualSeconds)} of ${formatDuration(view.rpo.budgetSeconds)} budget${over}`;
  }
  const budget = formatDuration(view.budgets.rpoSeconds);
  if (view.lagSeconds === undefined) return `Replica lag not measured yet (RPO budget ${budget})`;
  if (view.lagSeconds === null) return `Replica lag unknown (RPO budget ${budget})`;
  return `Replica lag ${formatDuration(view.lagSeconds)} (RPO budget ${budget})`;
};

/** The verdict in plain words; undefined while the run goes on. */
export const verdict = (view: IncidentView): string | undefined => {
  const dry = view.run.mode === 'dry-run' ? ' Dry run: nothing was changed.' : '';
  switch (view.outcome) {
    case 'recovered': {
      if (!view.rto) return `Recovered.${dry}`;
      const rto = `${formatDuration(view.rto.actualSeconds)} of ${formatDuration(view.rto.budgetSeconds)}`;
      const judged = recoveryVerdict({ rto: view.rto, rpo: view.rpo });
      if (judged.withinBudgets) return `Recovered within budget: ${rto}.${dry}`;
      // The drill's words: "recovered, 76 s over the RTO budget" (and the RPO's, when that was missed too).
      return `R${judged.text.slice(1)}: RTO ${rto}.${dry}`;
    }
    case 'failed': {
      const failure = view.failure;
      const where = failure ? `Failed at phase ${failure.phase}: ${failure.error}` : 'Failed';
      const cause = failure?.cause ? `\n${failure.cause}` : '';
      return `${where}.${cause}`;
    }
    case 'denied':
      return 'Failover denied: no database was promoted and DNS was not changed.';
    case 'deferred': {
      const deferral = view.deferral;
      const region = deferral?.region ?? 'the old region';
      const every = deferral ? `every ${deferral.retryMinutes} minutes` : 'on its schedule';
      return [
        `Deferred, nothing to do: ${region} does not answer yet. The fence retry runs ${every}, fences as soon as ${region} answers, verifies it and records when.`,
        ...(deferral?.fenced ?? []).map((item) => `• fenced: ${item}`),
        ...(deferral?.waiting ?? []).map((item) => `• waiting: ${item}`),
      ].join('\n');
    }
    case 'skipped':
      return 'Skipped: this plan already failed over or is in its cool-down.';
    case 'blocked': {
      const findings = view.findings ?? [];
      return [
        `Blocked before any change: ${findings.length} preflight check${findings.length === 1 ? '' : 's'} failed. No database was promoted and DNS was not changed.`,
        ...findings.map((finding) => `• ${finding}`),
      ].join('\n');
    }
    default:
      return undefined;
  }
};

/** Raw text with `*bold*` and `code` marks; escaped by the caller like any other text. */
const approvalSection = (view: IncidentView): string | undefined => {
  const approval = view.approval;
  if (view.outcome !== 'awaiting-approval' || !approval) return undefined;
  const incident = view.run.incidentId;
  const why = approval.reasons.length ? approval.reasons.join('; ') : 'the plan asks for approval';
  const risk =
    approval.lagSeconds === null
      ? 'Replica lag is unknown: the writes lost cannot be bounded.'
      : `Approving accepts losing up to ${formatDuration(approval.lagSeconds)} of writes.`;
  const deadline = new Date(new Date(approval.requestedAt).getTime() + approval.timeoutSeconds * 1000).toISOString();
  return [
    '*Approval needed*',
    `Why: ${why}`,
    risk,
    `Approve: \`npx switchback approve ${incident}\``,
    `Deny: \`npx switchback deny ${incident}\``,
    `No answer by ${clockTime(deadline)}: the failover stops.`,
  ].join('\n');
};

const linksLine = (view: IncidentView, links: RenderLinks): { mrkdwn?: string; plain: string[] } => {
  const items: { label: string; url: string }[] = [];
  if (view.run.executionArn) {
    items.push({ label: 'Execution', url: executionConsoleUrl(view.run.executionArn, view.run.regions.standby) });
  }
  if (links.reportBaseUrl) {
    items.push({ label: 'Run report', url: reportUrl(links.reportBaseUrl, view.run.plan, view.run.incidentId) });
  }
  if (!items.length) return { plain: [] };
  return {
    mrkdwn: items.map((item) => `<${item.url}|${item.label}>`).join(' · '),
    plain: items.map((item) => `${item.label}: ${item.url}`),
  };
};

const section = (text: string): SlackBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SECTION_MAX) },
});
const context = (text: string): SlackBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, SECTION_MAX) }],
});

/**
 * The incident's one message: header, who/what/where, the phase checklist, RTO and RPO against budget, the
 * approval request or the verdict, and links.
 *
 * @param view - the accumulated incident (buildView)
 * @param links - optional link bases
 */
export const renderIncidentMessage = (view: IncidentView, links: RenderLinks = {}): SlackMessage => {
  const { run } = view;
  const title = clip(headline(view), HEADER_MAX);
  // A failback moves the other way: from the standby region back to the plan's primary.
  const [from, to] =
    run.action === 'failback' ? [run.regions.standby, run.regions.primary] : [run.regions.primary, run.regions.standby];
  const about = `${MODE_LABEL[run.mode]} · ${from} → ${to} · incident ${run.incidentId}`;
  const who = whoLine(view);
  const answered = view.answer
    ? `${view.answer.approved ? 'Approved' : 'Denied'} by ${view.answer.by}` +
      `${view.answer.displayName ? ` (as ${view.answer.displayName})` : ''}`
    : undefined;
  const checklist = view.phases.map(phaseLine);
  const figures = [rtoLine(view), rpoLine(view)];
  const approval = approvalSection(view);
  const end = isTerminal(view) ? verdict(view) : undefined;
  // Redrive resumes a failed Standard execution from the failed step within 14 days (aws-facts.md: RedriveExecution API).
  const command = redriveText(view);
  const redrive =
    view.outcome !== 'failed'
      ? undefined
      : (fenceAgainText(view) ??
        (view.notRedrivable
          ? `Cannot be redriven: ${view.notRedrivable}.`
          : command
            ? `Fix the cause, then redrive${view.redrive ? ` (until ${view.redrive.until.slice(0, 10)})` : ' (within 14 days)'}:\n\`${command}\``
            : 'Fix the cause, then redrive the execution from the Step Functions console (within 14 days).'));
  const reprotectBack = view.reprotectBack ? describeReprotectBack(view.reprotectBack) : undefined;
  const warnings = view.warnings.map((warning) => `⚠️ ${warning}`);
  const link = linksLine(view, links);
  const latestFacts = view.phases.flatMap((phase) => phase.facts.map((fact) => `${phase.name}: ${fact}`)).slice(-6);

  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title, emoji: true } },
    context(`*${MODE_LABEL[run.mode]}* · ${escapeMrkdwn(from)} → ${escapeMrkdwn(to)}`),
    context(
      `${escapeMrkdwn(who)}${answered ? `\n${escapeMrkdwn(answered)}` : ''}\nIncident \`${escapeMrkdwn(run.incidentId)}\``,
    ),
    section(escapeMrkdwn(checklist.join('\n'))),
  ];
  if (latestFacts.length) blocks.push(context(latestFacts.map(escapeMrkdwn).join('\n')));
  blocks.push(section(figures.join('\n')));
  const consoleUrl = run.executionArn ? executionConsoleUrl(run.executionArn, run.regions.standby) : undefined;
  if (approval) {
    blocks.push(
      section(`${escapeMrkdwn(approval)}${consoleUrl ? `\nOr in the <${consoleUrl}|Step Functions console>` : ''}`),
    );
  }
  if (end) {
    const [first, ...rest] = end.split('\n');
    blocks.push(section(escapeMrkdwn([`*${first}*`, ...rest].join('\n'))));
  }
  if (redrive) blocks.push(section(escapeMrkdwn(redrive)));
  if (reprotectBack) blocks.push(section(escapeMrkdwn(reprotectBack)));
  if (warnings.length) blocks.push(context(warnings.map(escapeMrkdwn).join('\n')));
  if (link.mrkdwn) blocks.push(context(link.mrkdwn));

  // The fallback carries the same facts in plain text: it is what a phone notification or a screen reader shows.
  const text = [
    title,
    about,
    who,
    ...(answered ? [answered] : []),
    ...checklist,
    ...figures,
    ...(approval ? [approval, ...(consoleUrl ? [`Or in the Step Functions console: ${consoleUrl}`] : [])] : []),
    ...(end ? [end] : []),
    ...(redrive ? [redrive] : []),
    ...(reprotectBack ? [reprotectBack] : []),
    ...warnings,
    ...link.plain,
  ].join('\n');
  return { text: plainText(text), blocks };
};

/**
 * One short line for the thread under the incident message (bot delivery): what this event changed.
 *
 * @param view - the view after the event
 * @param change - the phase and status the event reported, or the approval request, or the outcome
 */
export const renderThreadReply = (
  view: IncidentView,
  change:
    | { phase: PhaseName; status: 'started' | 'succeeded' | 'failed' }
    | { approval: true }
    | { outcome: true }
    | { reprotectBack: true },
): SlackMessage => {
  let line: string;
  if ('reprotectBack' in change) {
    line = view.reprotectBack ? describeReprotectBack(view.reprotectBack) : headline(view);
  } else if ('phase' in change) {
    const phase = view.phases.find((candidate) => candidate.name === change.phase) as PhaseView;
    const facts = phase.facts.length ? ` · ${phase.facts.join(' · ')}` : '';
    if (change.status === 'started') line = `⏳ ${phase.name} started at ${clockTime(phase.startedAt ?? view.asOf)}`;
    else if (change.status === 'succeeded') {
      line = `✅ ${phase.name} done${phase.seconds === undefined ? '' : ` in ${formatDuration(phase.seconds)}`}${facts}`;
    } else line = `❌ ${phase.name} failed${facts}`;
  } else if ('approval' in change) {
    line = approvalSection(view) ?? `✋ Approval requested for ${view.run.incidentId}`;
  } else {
    line = verdict(view) ?? headline(view);
    const again = view.outcome === 'failed' ? fenceAgainText(view) : undefined;
    const command = view.outcome === 'failed' && !again ? redriveText(view) : undefined;
    if (again) line += `\n${again}`;
    else if (view.outcome === 'failed' && view.notRedrivable) line += `\nCannot be redriven: ${view.notRedrivable}.`;
    else if (command) line += `\n\`${command}\``;
  }
  return { text: plainText(line), blocks: [section(escapeMrkdwn(line))] };
};
