import { describeCopy, type Topology } from '../shared/domain/topology';
import { type DnsCheck, legDnsDisagreements } from './dns-answers';
import { type DrillReport, legWarnings } from './report';
import { oldPrimaryWrites, type WriterCheck } from './writer-check';

/**
 * The drill report as one self-contained HTML page: inline CSS and SVG, no script, no external URL, so it opens
 * from a file, an artifact store or an email attachment alike.
 */

const escapeHtml = (text: unknown): string =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** 754 -> "12m34s", 42.5 -> "42.5s". */
export const formatSeconds = (seconds: number): string => {
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
};

const VERDICT: Record<DrillReport['outcome'], { label: string; color: string }> = {
  recovered: { label: 'Recovered', color: '#1a7f37' },
  failed: { label: 'Failed', color: '#cf222e' },
  'awaiting-approval': { label: 'Awaiting approval', color: '#9a6700' },
  denied: { label: 'Denied', color: '#6e7781' },
  blocked: { label: 'Blocked by preflight', color: '#9a6700' },
  // Restored within budget; a failed test is red and a slow one orange, as a recovery is (renderReportHtml).
  tested: { label: 'Restore tested', color: '#1a7f37' },
};

/** Findings as a table: resource, expected, found, fix. */
const findingsTable = (
  findings: readonly { resource: string; expected: string; found: string; fix: string }[],
  empty: string,
): string =>
  findings.length === 0
    ? `<p class="muted">${escapeHtml(empty)}</p>`
    : `<table><tr><th>Resource</th><th>Expected</th><th>Found</th><th>Fix</th></tr>${findings
        .map(
          (f) =>
            `<tr><td><code>${escapeHtml(f.resource)}</code></td><td>${escapeHtml(f.expected)}</td><td class="bad">${escapeHtml(f.found)}</td><td>${escapeHtml(f.fix)}</td></tr>`,
        )
        .join('')}</table>`;

const OVER_BUDGET_COLOR = '#bc4c00';

const PHASE_COLORS: Record<string, string> = {
  detect: '#8250df',
  decide: '#bf8700',
  promote: '#0969da',
  dns: '#1a7f37',
  verify: '#57606a',
};

/**
 * The phases as bars on a time axis from the start of impact, with the RTO budget as a vertical line; a failed run's
 * last bar is the phase it failed in, red, from when it began to the failure (when the record says).
 */
const timelineSvg = (report: DrillReport): string => {
  const { failure } = report;
  const bars: { name: string; startedAt: string; seconds: number; failed?: boolean }[] = [
    ...report.phases,
    ...(failure?.startedAt !== undefined && failure.seconds !== undefined
      ? [
          {
            name: failure.phase,
            startedAt: failure.startedAt,
            seconds: failure.seconds,
            failed: true,
          },
        ]
      : []),
  ];
  if (bars.length === 0) return '<p class="muted">No phase was recorded.</p>';
  const t0 = Math.min(...bars.map((phase) => Date.parse(phase.startedAt)));
  const budget = report.rto?.budgetSeconds ?? 0;
  const ends = bars.map((phase) => (Date.parse(phase.startedAt) - t0) / 1000 + phase.seconds);
  const span = Math.max(budget, report.rto?.actualSeconds ?? 0, ...ends) * 1.08 || 1;
  const [left, width, rowHeight, top] = [90, 600, 28, 24];
  const x = (seconds: number) => left + (seconds / span) * width;
  const height = top + bars.length * rowHeight + 30;
  // Round steps (1, 2, 5, 10, … minutes) so the axis reads like a clock.
  const step = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].find((s) => span / s <= 8) ?? 14_400;
  const ticks = Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => i * step);
  const rows = bars.map((phase, i) => {
    const start = (Date.parse(phase.startedAt) - t0) / 1000;
    const y = top + i * rowHeight;
    const barWidth = Math.max(2, x(start + phase.seconds) - x(start));
    return [
      `<text x="${left - 8}" y="${y + 17}" text-anchor="end" class="label">${escapeHtml(phase.name)}</text>`,
      `<rect x="${x(start).toFixed(1)}" y="${y + 5}" width="${barWidth.toFixed(1)}" height="${rowHeight - 10}" rx="3" fill="${phase.failed ? '#cf222e' : (PHASE_COLORS[phase.name] ?? '#57606a')}"><title>${escapeHtml(phase.name)}: ${escapeHtml(formatSeconds(phase.seconds))}</title></rect>`,
      `<text x="${(x(start) + barWidth + 6).toFixed(1)}" y="${y + 17}" class="value">${escapeHtml(formatSeconds(phase.seconds))}${phase.failed ? ', failed' : ''}</text>`,
    ].join('');
  });
  const axis = ticks.map(
    (t) =>
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top}" y2="${height - 24}" class="grid"/>` +
      `<text x="${x(t).toFixed(1)}" y="${height - 8}" text-anchor="middle" class="tick">${escapeHtml(formatSeconds(t))}</text>`,
  );
  const budgetLine =
    budget > 0
      ? `<line x1="${x(budget).toFixed(1)}" x2="${x(budget).toFixed(1)}" y1="${top - 14}" y2="${height - 24}" class="budget"/>` +
        `<text x="${x(budget).toFixed(1)}" y="${top - 16}" text-anchor="middle" class="budget-label">RTO budget ${escapeHtml(formatSeconds(budget))}</text>`
      : '';
  return `<svg viewBox="0 0 ${left + width + 80} ${height}" width="100%" role="img" aria-label="Phases against the RTO budget">${axis.join('')}${rows.join('')}${budgetLine}</svg>`;
};

const budgetRow = (name: string, value: DrillReport['rto']): string =>
  value
    ? `<tr><th>${name}</th><td>${escapeHtml(formatSeconds(value.actualSeconds))}</td><td>${escapeHtml(formatSeconds(value.budgetSeconds))}</td><td class="${value.withinBudget ? 'ok' : 'bad'}">${value.withinBudget ? 'within budget' : 'over budget'}</td></tr>`
    : `<tr><th>${name}</th><td colspan="3" class="muted">not recorded</td></tr>`;

/**
 * A restore test's evidence per database: the result (with why it failed), the restore time against the RTO budget
 * (the backup tier's RTO), the restored point and its age (its RPO), the validation and what became of the throwaway.
 */
const restoreTestsTable = (tests: NonNullable<DrillReport['restoreTests']>): string =>
  tests.length === 0
    ? '<p class="bad">No database was tested.</p>'
    : `<table><tr><th>Database</th><th>Result</th><th>Restore time</th><th>Restored point</th><th>Validation</th><th>Throwaway</th></tr>${tests
        .map((test) => {
          const result = test.passed
            ? '<td class="ok">passed</td>'
            : `<td class="bad">FAILED${test.failure ? `: ${escapeHtml(test.failure.error)}: ${escapeHtml(test.failure.cause)}` : ''}</td>`;
          const time =
            test.secondsToAvailable === undefined
              ? '<td class="bad">not available</td>'
              : `<td class="${test.withinRto === false ? 'bad' : 'ok'}">${escapeHtml(formatSeconds(test.secondsToAvailable))} of ${escapeHtml(formatSeconds(test.rtoBudgetSeconds))} RTO budget${
                  test.withinRto === false
                    ? `: over by ${escapeHtml(formatSeconds(test.secondsToAvailable - test.rtoBudgetSeconds))}`
                    : ''
                }</td>`;
          const point = test.restorePointTime
            ? `${escapeHtml(test.restorePointTime)}${test.restorePointAgeSeconds === undefined ? '' : ` (${escapeHtml(formatSeconds(test.restorePointAgeSeconds))} old)`}`
            : '-';
          const validation = test.validation.hook
            ? `${escapeHtml(test.validation.hook)}: ${test.validation.passed === null ? 'not run' : test.validation.passed ? 'passed' : 'FAILED'}${test.validation.detail ? ` (${escapeHtml(test.validation.detail)})` : ''}`
            : 'no hook';
          const throwaway = `<code>${escapeHtml(test.identifier)}</code> ${
            test.cleanedUpAt ? `deleted ${escapeHtml(test.cleanedUpAt)}` : '<span class="bad">NOT deleted</span>'
          }`;
          return `<tr><td>${escapeHtml(test.databaseId)}</td>${result}${time}<td>${point}</td><td>${validation}</td><td>${throwaway}</td></tr>`;
        })
        .join('')}</table>`;

const list = (items: string[], empty: string): string =>
  items.length
    ? `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`
    : `<p class="muted">${empty}</p>`;

/** What DNS answered for each record when the drill ended, and the DNS check's disagreements (sim/dns-answers.ts). */
const dnsSection = (dns: DnsCheck, legs: string[]): string =>
  `<section><h2>DNS answers when the drill ended</h2>${[...dns.disagreements, ...legs]
    .map((text) => `<p class="bad">DNS check failed: ${escapeHtml(text)}</p>`)
    .join('')}<table><tr><th>Record</th><th>Region</th><th>Answer</th></tr>${dns.answers
    .map(
      (answer) =>
        `<tr><td><code>${escapeHtml(answer.record)}</code></td><td>${escapeHtml(answer.region ?? 'none')}${answer.failedOpen ? ' <span class="muted">(failed open)</span>' : ''}</td><td><code>${escapeHtml(answer.values.join(', ') || 'no answer')}</code></td></tr>`,
    )
    .join('')}</table></section>`;

/** Each database's writer as the simulator held it when the drill ended, and the writer check's failures. */
const writersSection = (check: WriterCheck): string =>
  `<section><h2>Writers when the drill ended</h2>${check.disagreements
    .map((text) => `<p class="bad">Writer check failed: ${escapeHtml(text)}</p>`)
    .join('')}<table><tr><th>Database</th><th>Writer</th><th>Takes writes</th><th>State</th></tr>${check.writers
    .map(
      (reading) =>
        `<tr><td>${escapeHtml(reading.database)}</td><td><code>${escapeHtml(reading.writer)}</code></td><td class="${reading.writable ? 'ok' : 'bad'}">${reading.writable ? 'yes' : 'no'}</td><td>${escapeHtml(reading.state)}</td></tr>`,
    )
    .join('')}</table>${
    check.oldPrimaries.length > 0
      ? `<h3>Old primaries</h3><table><tr><th>Database</th><th>Old primary</th><th>Takes writes</th><th>Recorded</th><th>State</th></tr>${check.oldPrimaries
          .map(
            (reading) =>
              `<tr><td>${escapeHtml(reading.database)}</td><td><code>${escapeHtml(reading.copy)}</code></td><td class="${reading.writable ? 'bad' : 'ok'}">${escapeHtml(oldPrimaryWrites(reading))}</td><td>${escapeHtml(reading.fence === 'unknown' ? 'not fenced yet' : reading.fence)}</td><td>${escapeHtml(reading.state)}</td></tr>`,
          )
          .join('')}</table>`
      : ''
  }</section>`;

/** What the run's verify step checked (its record's `checks`): a failed check that stood is also a warning. */
const checksSection = (checks: readonly { name: string; ok: boolean; detail: string }[]): string =>
  `<section><h2>Verified</h2><p>${checks.filter((check) => check.ok).length} of ${checks.length} checks passed.</p><table><tr><th>Check</th><th>Result</th><th>Found</th></tr>${checks
    .map(
      (check) =>
        `<tr><td>${escapeHtml(check.name)}</td><td class="${check.ok ? 'ok' : 'bad'}">${check.ok ? 'passed' : 'failed'}</td><td>${escapeHtml(check.detail)}</td></tr>`,
    )
    .join('')}</table></section>`;

const topologyTable = (label: string, topology: Topology): string =>
  `<h3>${escapeHtml(label)}: ${escapeHtml(topology.activeRegion)} serves</h3>` +
  `<table><tr><th>Database</th><th>Writer</th><th>Standby</th><th>Old primary</th></tr>${topology.databases
    .map(
      (db) =>
        `<tr><td>${escapeHtml(db.id)}</td><td>${escapeHtml(describeCopy(db.writer))}</td><td class="${db.standby ? 'ok' : 'bad'}">${escapeHtml(db.standby ? describeCopy(db.standby) : 'none')}</td><td>${escapeHtml(db.oldPrimary ? `${describeCopy(db.oldPrimary)}: ${db.oldPrimary.state}` : '-')}</td></tr>`,
    )
    .join('')}</table>`;

/** Seconds as "5 min 4 s". */
const span = (from: string, to: string | undefined): string => {
  if (!to) return 'running';
  const seconds = Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
};

/** A region's colour in the lifecycle picture: the plan's primary blue, the other orange, a third purple. */
const REGION_COLORS = ['#0969da', '#bc4c00', '#8250df'];

/** `+1:05` (hours and minutes after the lifecycle's start). */
const clockOffset = (seconds: number): string =>
  `+${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}`;

/**
 * The lifecycle of a drill that ran several runbooks (a game day), as one picture on the virtual clock: one band per
 * runbook where it ran, its outcome, duration, RTO and RPO beside it, and under each the topology it left (before the
 * first, the topology the drill began with): per database, the writer's region and the standby's (or none).
 */
const lifecycleSvg = (report: DrillReport): string => {
  const legs = report.legs;
  const t0 = Math.min(...legs.map((leg) => Date.parse(leg.startedAt)));
  const t1 = Math.max(...legs.map((leg) => Date.parse(leg.endedAt ?? leg.startedAt)));
  const total = Math.max(1, (t1 - t0) / 1000);
  const [width, left, right, top, rowHeight] = [940, 250, 16, 34, 50];
  const chart = width - left - right;
  const x = (ms: number) => left + ((ms - t0) / 1000 / total) * chart;
  const regions = [report.topology.before.activeRegion];
  const colorOf = (region: string): string => {
    if (!regions.includes(region)) regions.push(region);
    return REGION_COLORS[regions.indexOf(region) % REGION_COLORS.length] as string;
  };
  /** One line of the topology: who serves, then per database its writer's region -> its standby's region. */
  const topologyText = (y: number, label: string, topology: Topology): string => {
    const parts = topology.databases.map((db) => {
      const standby = db.standby
        ? `<tspan fill="${colorOf(db.standby.region)}">${escapeHtml(db.standby.region)}</tspan>`
        : '<tspan class="none">no standby</tspan>';
      return `<tspan font-weight="600">${escapeHtml(db.id)}</tspan> <tspan fill="${colorOf(db.writer.region)}">${escapeHtml(db.writer.region)}</tspan> → ${standby}`;
    });
    return (
      `<text class="topo" x="${left}" y="${y}">${escapeHtml(label)} <tspan fill="${colorOf(topology.activeRegion)}" font-weight="600">${escapeHtml(topology.activeRegion)} serves</tspan>` +
      `${parts.map((part) => ` · ${part}`).join('')}</text>`
    );
  };
  const step = [300, 600, 900, 1800, 3600, 7200].find((each) => total / each <= 8) ?? 14_400;
  const ticks = Array.from({ length: Math.floor(total / step) + 1 }, (_, i) => i * step);
  const height = top + (legs.length + 1) * rowHeight + 24;
  const axisY = height - 18;
  const grid = ticks
    .map((tick) => {
      const at = left + (tick / total) * chart;
      return `<line class="grid" x1="${at}" y1="${top - 14}" x2="${at}" y2="${axisY - 10}"/><text class="tick" x="${at}" y="${axisY}" text-anchor="middle">${clockOffset(tick)}</text>`;
    })
    .join('');
  const before = `<text class="label" x="8" y="${top + 4}" font-weight="600">Before</text>${topologyText(top + 4, 'topology:', report.topology.before)}`;
  let previous = report.topology.before;
  const rows = legs
    .map((leg, index) => {
      const y = top + (index + 1) * rowHeight;
      const start = Date.parse(leg.startedAt);
      const end = Date.parse(leg.endedAt ?? leg.startedAt);
      const ok = leg.outcome === 'recovered' || leg.outcome === 'skipped';
      // Deferred: an automatic fence waiting for the old region, not a failure (amber, not red). Already handled:
      // another run held the plan's lock, so this one changed nothing (grey).
      const idle = leg.outcome === 'already-handled';
      const fill = ok ? '#2da44e' : leg.outcome === 'deferred' ? '#bf8700' : idle ? '#8c959f' : '#cf222e';
      const budget = (name: string, b: DrillReport['legs'][number]['rto']) =>
        b ? ` · ${name} ${formatSeconds(b.actualSeconds)}` : '';
      const after = leg.topologyAfter ?? previous;
      previous = after;
      const band = Math.max(4, x(end) - x(start));
      return (
        `<text class="label" x="8" y="${y - 10}"><tspan font-weight="600">${index + 1}. ${escapeHtml(leg.action)}</tspan> <tspan class="${idle ? 'muted' : ok || leg.outcome === 'deferred' ? 'ok' : 'bad'}">${escapeHtml(leg.outcome)}</tspan></text>` +
        `<text class="value" x="8" y="${y + 5}">${escapeHtml(clockOffset((start - t0) / 1000))}, ${escapeHtml(span(leg.startedAt, leg.endedAt))}${escapeHtml(budget('RTO', leg.rto))}${escapeHtml(budget('RPO', leg.rpo))}</text>` +
        `<rect x="${x(start)}" y="${y - 24}" width="${band}" height="14" rx="3" fill="${fill}"><title>${escapeHtml(`${leg.action} ${leg.incidentId}: ${leg.outcome}, ${leg.startedAt} to ${leg.endedAt ?? 'running'}`)}</title></rect>` +
        topologyText(y + 5, 'after:', after)
      );
    })
    .join('');
  return (
    `<svg role="img" aria-label="Lifecycle: each runbook on the virtual clock, with the topology before and after it" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<text class="value" x="${left}" y="12">virtual clock from ${escapeHtml(new Date(t0).toISOString())}; per database: writer region → standby region</text>` +
    `${grid}${before}${rows}</svg>`
  );
};

/** The lifecycle section: the picture, for drills that ran more than one runbook. */
const lifecycleSection = (report: DrillReport): string =>
  report.legs.length < 2 ? '' : `<section><h2>Lifecycle</h2>${lifecycleSvg(report)}</section>`;

/** Renders the report page. */
export const renderReportHtml = (report: DrillReport): string => {
  const badge = VERDICT[report.outcome];
  // A recovery that missed a budget is not shown green: the badge says by how much, in the verdict's words.
  // A restore test that failed is red (not recovered from backup), one that restored too slowly orange.
  const verdict =
    (report.outcome === 'recovered' || report.outcome === 'tested') && report.withinBudgets === false
      ? { label: report.verdict, color: OVER_BUDGET_COLOR }
      : report.outcome === 'tested' && report.withinBudgets === null
        ? { label: report.verdict, color: VERDICT.failed.color }
        : { label: report.verdict, color: badge.color };
  const actions = report.actions.length
    ? `<table><tr><th>Time</th><th>Call</th><th>Target</th><th>Region</th><th>Result</th></tr>${report.actions
        .map(
          (a) =>
            `<tr><td>${escapeHtml(a.at)}</td><td>${escapeHtml(`${a.service} ${a.operation}`)}</td><td>${escapeHtml(a.target)}</td><td>${escapeHtml(a.region)}</td><td class="${a.error ? 'bad' : 'ok'}">${escapeHtml(a.error ?? 'ok')}</td></tr>`,
        )
        .join('')}</table>`
    : '<p class="muted">No mutating AWS call was made.</p>';
  // Only when AWS refused requests for its request rate: what the drill's services throttled, per call.
  const throttled = report.throttledCalls
    ? `<section><h2>Throttled by AWS</h2><p>Requests AWS refused for its request rate; the SDK's retries, the product's own and the state machine's made them again.</p><table><tr><th>Call</th><th>Refused</th></tr>${Object.entries(
        report.throttledCalls,
      )
        .map(([call, count]) => `<tr><td>${escapeHtml(call)}</td><td>${escapeHtml(count)}</td></tr>`)
        .join('')}</table></section>`
    : '';
  const timeline = report.timeline
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.at)}</td><td>${escapeHtml(t.state)}${t.index === undefined ? '' : ` [${t.index}]`}</td><td>${escapeHtml(t.event)}</td><td>${escapeHtml(t.error ?? '')}</td></tr>`,
    )
    .join('');
  const critical = report.criticalPath
    ? `<p>Fastest failover the timing model allows: ${escapeHtml(formatSeconds(report.criticalPath.lowerBoundSeconds))}${
        report.criticalPath.overheadSeconds === null
          ? ''
          : `; orchestration and polling added ${escapeHtml(formatSeconds(report.criticalPath.overheadSeconds))}`
      }.</p>`
    : '';
  // A restore test has no failover phases and no run RTO: each database's restore is measured against the budget.
  const budgets =
    report.outcome === 'tested'
      ? `<section><h2>Restore tests against budget</h2>${restoreTestsTable(report.restoreTests ?? [])}</section>`
      : `<section><h2>Recovery against budget</h2>
<table><tr><th></th><th>Actual</th><th>Budget</th><th></th></tr>${budgetRow('RTO', report.rto)}${budgetRow('RPO', report.rpo)}</table>
${critical}</section>
${lifecycleSection(report)}
<section><h2>Timeline${report.phasesOf ? ` of the ${escapeHtml(report.phasesOf.action)} leg ${escapeHtml(report.phasesOf.incidentId)}, whose RTO this is` : ''}</h2>${timelineSvg(report)}</section>`;
  const preflight = report.preflight
    ? `<section><h2>Preflight before the outage</h2>${findingsTable(report.preflight.findings, 'Every check passed.')}</section>`
    : '';
  // What the plan's scheduled readiness found before the outage (the findings that make it not ready; warnings apart).
  const readiness = report.readiness
    ? `<section><h2>Readiness before the outage</h2><p>${report.readiness.ready ? 'Ready' : '<span class="bad">Not ready</span>'} at ${escapeHtml(report.readiness.at)}.</p>${findingsTable(
        report.readiness.findings.filter((finding) => !finding.warning),
        'No finding.',
      )}</section>`
    : '';
  const findings =
    report.outcome === 'blocked'
      ? `<section><h2>Why the run stopped before any change</h2>${findingsTable(report.findings, 'No finding recorded.')}</section>`
      : '';
  const failure = report.failure
    ? `<section><h2>Failure</h2><p><strong>${escapeHtml(report.failure.error)}</strong> in phase ${escapeHtml(report.failure.phase)}${
        report.failure.seconds === undefined || report.failure.startedAt === undefined
          ? ''
          : `, ${escapeHtml(formatSeconds(report.failure.seconds))} after it began at ${escapeHtml(report.failure.startedAt)}`
      }: ${escapeHtml(report.failure.cause)}</p></section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchback drill: ${escapeHtml(report.plan)} / ${escapeHtml(report.scenario)} — ${escapeHtml(verdict.label)}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 2rem auto; max-width: 980px; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 1.8rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
.verdict { display: inline-block; padding: .2rem .7rem; border-radius: 1rem; color: #fff; font-weight: 600; background: ${verdict.color}; }
.muted { color: #6e7781; } .ok { color: #1a7f37; } .bad { color: #cf222e; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
td { font-variant-numeric: tabular-nums; } code { font-size: 12px; }
svg .label { font-size: 12px; fill: #1f2328; } svg .value, svg .tick { font-size: 11px; fill: #57606a; }
svg .topo { font-size: 11.5px; fill: #1f2328; } svg .none { fill: #cf222e; font-weight: 600; } svg .ok { fill: #1a7f37; } svg .bad { fill: #cf222e; font-weight: 600; } svg .muted { fill: #6e7781; }
svg .grid { stroke: #eaeef2; } svg .budget { stroke: #cf222e; stroke-width: 2; stroke-dasharray: 5 4; } svg .budget-label { font-size: 11px; fill: #cf222e; }
details summary { cursor: pointer; }
</style>
</head>
<body>
<h1>Switchback drill: ${escapeHtml(report.plan)}</h1>
<p>Scenario <code>${escapeHtml(report.scenario)}</code>, seed ${escapeHtml(report.seed)}${report.incidentId ? `, incident <code>${escapeHtml(report.incidentId)}</code>` : ''} &nbsp; <span class="verdict">${escapeHtml(verdict.label)}</span>${(report.dns?.disagreements.length ?? 0) + legDnsDisagreements(report).length > 0 ? ` <span class="verdict" style="background: ${VERDICT.failed.color}">but the DNS check failed: users do not reach ${escapeHtml(report.topology.after.activeRegion)}</span>` : ''}${(report.writers?.disagreements.length ?? 0) > 0 ? ` <span class="verdict" style="background: ${VERDICT.failed.color}">but the writer check failed: writes do not land in ${escapeHtml(report.topology.after.activeRegion)}</span>` : ''}</p>
${budgets}
${preflight}
${readiness}
${findings}
<section><h2>Topology</h2>${topologyTable('Before', report.topology.before)}${topologyTable('After', report.topology.after)}</section>
${report.dns ? dnsSection(report.dns, legDnsDisagreements(report)) : ''}
${report.writers ? writersSection(report.writers) : ''}
${failure}
${report.checks ? checksSection(report.checks) : ''}
<section><h2>Warnings</h2>${list([...report.warnings, ...legWarnings(report)], 'None.')}</section>
<section><h2>Changes made</h2>${actions}</section>
${throttled}
<section><h2>Events</h2>${list(
    report.events.map((e) => `${e.at}  ${e.detailType}: ${e.summary}`),
    'No Switchback event was published.',
  )}</section>
<section><details><summary>State machine transitions (${report.timeline.length})</summary>
<table><tr><th>Time</th><th>State</th><th>Event</th><th>Error</th></tr>${timeline}</table></details></section>
<p class="muted">Simulated drill; virtual times. Ran ${escapeHtml(report.wall.startedAt)} in ${escapeHtml(report.wall.durationMs)} ms.</p>
</body>
</html>
`;
};
