import { foundAsRead } from '../domain/found-as-read';
import type { ReadinessChange, ReadinessFinding } from '../domain/readiness';
import { DETAIL_TYPES, EVENT_SOURCE } from '../domain/run';
import { MalformedEventError } from '../errors';
import { toFieldIssues } from '../field-issues';
import * as z from '../zod';
import type { SlackMessage } from './render';

/** Findings listed in one message; the rest are counted ("and 3 more"): the readiness report has them all. */
const MAX_LISTED = 8;

const findingSchema = z.looseObject({
  check: z.string(),
  resource: z.string(),
  expected: z.string(),
  found: z.string(),
  fix: z.string(),
});

/** "Readiness Changed" from the readiness function (shared/usecases/record-readiness.ts). */
const readinessChangedSchema = z.looseObject({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.literal(DETAIL_TYPES.readinessChanged),
  detail: z.looseObject({
    plan: z.string().check(z.minLength(1)),
    at: z.iso.datetime(),
    wasReady: z.nullable(z.boolean()),
    ready: z.boolean(),
    appeared: z.array(findingSchema),
    cleared: z.array(findingSchema),
  }),
});

/** True for the event type this module handles (the notifier routes on it before parsing). */
export const isReadinessChangedEvent = (raw: unknown): boolean =>
  typeof raw === 'object' &&
  raw !== null &&
  (raw as Record<string, unknown>)['detail-type'] === DETAIL_TYPES.readinessChanged;

/**
 * Reads a "Readiness Changed" event.
 *
 * @throws MalformedEventError naming each bad field (the notifier drops it: retrying cannot fix it)
 */
export const parseReadinessChanged = (raw: unknown): ReadinessChange => {
  const result = readinessChangedSchema.safeParse(raw);
  if (!result.success) throw new MalformedEventError('Readiness Changed event', toFieldIssues(result.error, raw));
  return result.data.detail as ReadinessChange;
};

const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const listed = (findings: ReadinessFinding[], line: (finding: ReadinessFinding) => string): string[] => [
  ...findings.slice(0, MAX_LISTED).map(line),
  ...(findings.length > MAX_LISTED ? [`• and ${findings.length - MAX_LISTED} more`] : []),
];

/**
 * The one message people get when a plan's readiness flips: which way, and what changed (the findings that
 * appeared, each with its fix; the ones that cleared). Pure.
 */
export const renderReadinessChange = (change: ReadinessChange): SlackMessage => {
  const plan = escapeMrkdwn(change.plan);
  const headline = change.ready
    ? `✅ ${change.plan} is ready to fail over again`
    : `⚠️ ${change.plan} is NOT ready to fail over`;
  const lines: string[] = [
    `*${change.ready ? 'Ready' : 'Not ready'}*${change.wasReady === null ? ' (first readiness run)' : ` (was ${change.wasReady ? 'ready' : 'not ready'})`} at ${change.at.slice(0, 19).replace('T', ' ')} UTC`,
  ];
  if (change.appeared.length > 0) {
    lines.push('', `*New findings (${change.appeared.length})*`);
    lines.push(
      ...listed(
        change.appeared,
        (f) =>
          `• \`${escapeMrkdwn(f.resource)}\`: expected ${escapeMrkdwn(f.expected)}, found ${escapeMrkdwn(foundAsRead(f))}\n   fix: ${escapeMrkdwn(f.fix)}`,
      ),
    );
  }
  if (change.cleared.length > 0) {
    lines.push('', `*Cleared (${change.cleared.length})*`);
    lines.push(...listed(change.cleared, (f) => `• \`${escapeMrkdwn(f.resource)}\`: ${escapeMrkdwn(f.check)}`));
  }
  lines.push('', `Details: \`switchback readiness --plan ${plan}\``);
  // Block Kit: header text at most 150 characters, section text at most 3000.
  const body = lines.join('\n');
  return {
    text: `${headline}: ${change.appeared.length} new, ${change.cleared.length} cleared finding(s)`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: body.length > 3000 ? `${body.slice(0, 2999)}…` : body } },
    ],
  };
};
