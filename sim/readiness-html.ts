import { foundAsRead } from '../shared/domain/found-as-read';
import type { PlanReadiness } from '../shared/domain/readiness';

const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A self-contained HTML readiness report: per plan, ready or not, the projected RTO and its terms, the findings. */
export const renderReadinessHtml = (plans: readonly PlanReadiness[]): string => {
  const sections = plans
    .map((readiness) => {
      const rto = readiness.projectedRto;
      const terms = Object.entries(rto.terms)
        .map(
          ([name, term]) =>
            `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(term.seconds)} s</td><td>${escapeHtml(term.source)}</td></tr>`,
        )
        .join('');
      const findings = readiness.findings.length
        ? `<table><tr><th>Check</th><th>Resource</th><th>Expected</th><th>Found</th><th>Fix</th></tr>${readiness.findings
            .map(
              (f) =>
                `<tr><td>${escapeHtml(f.check)}${f.warning ? ' (warning)' : ''}</td><td><code>${escapeHtml(f.resource)}</code></td><td>${escapeHtml(f.expected)}</td><td class="${f.warning ? 'muted' : 'bad'}">${escapeHtml(foundAsRead(f))}</td><td>${escapeHtml(f.fix)}</td></tr>`,
            )
            .join('')}</table>`
        : '<p class="muted">Every check passed.</p>';
      return `<section><h2>${escapeHtml(readiness.plan)} <span class="badge ${readiness.ready ? 'ready' : 'not-ready'}">${readiness.ready ? 'Ready' : 'Not ready'}</span></h2>
<p>Checked at ${escapeHtml(readiness.at)}. Projected RTO <strong>${escapeHtml(rto.seconds)} s</strong> of ${escapeHtml(rto.budgetSeconds)} s budget${rto.withinBudget ? '' : ' <span class="bad">over budget</span>'}; replica lag now ${readiness.replicaLagSeconds === null ? 'unknown' : `${escapeHtml(readiness.replicaLagSeconds)} s`}.</p>
<table><tr><th>Term</th><th>Seconds</th><th>From</th></tr>${terms}</table>
<h3>Findings</h3>${findings}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchback readiness</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 2rem auto; max-width: 980px; padding: 0 1rem; }
h2 { font-size: 1.1rem; margin-top: 1.8rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
.badge { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; color: #fff; font-size: .85rem; }
.ready { background: #1a7f37; } .not-ready { background: #cf222e; }
.muted { color: #6e7781; } .bad { color: #cf222e; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
</style>
</head>
<body>
<h1>Switchback readiness</h1>
${sections}
</body>
</html>
`;
};
