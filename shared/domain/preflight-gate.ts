import type { Plan } from '../plan/schema';
import { describeFinding, type PreflightFinding } from './preflight';
import type { Assessment, Mode } from './run';

/**
 * How the preflight's findings gate a run, on top of the decision (shared/domain/decision.ts):
 * - no finding: the decision stands;
 * - a skipped run stays skipped (it changes nothing anyway);
 * - only transient findings (a standby backing-up or being modified) and time left: wait and assess again, at most
 *   until `waitUntil` (`preflight.maxWaitSeconds` after the first assessment);
 * - otherwise: stop before any change (`block`), or, when the plan says `preflight.onFindings: ask`, ask a person
 *   with the findings (proceeding with a subset is a human decision, never a default). A dry run never pauses, so it
 *   is blocked.
 *
 * @param waitUntil - the wait's bound set by the first assessment; undefined on the first assessment
 */
export const gateOnPreflight = (
  plan: Plan,
  assessment: Assessment,
  findings: readonly PreflightFinding[],
  mode: Mode,
  now: Date,
  waitUntil?: string,
): Assessment => {
  const bound = waitUntil ?? new Date(now.getTime() + plan.preflight.maxWaitSeconds * 1000).toISOString();
  if (findings.length === 0 || assessment.decision === 'skip') {
    return { ...assessment, preflight: { findings: [...findings] } };
  }
  const lines = findings.map(describeFinding);
  const remainingSeconds = Math.ceil((new Date(bound).getTime() - now.getTime()) / 1000);
  if (findings.every((finding) => finding.transient) && remainingSeconds > 0) {
    const retryInSeconds = Math.min(plan.preflight.pollSeconds, remainingSeconds);
    return {
      ...assessment,
      decision: 'wait',
      reasons: [`preflight: waiting up to ${remainingSeconds} s more for a busy standby, nothing changed`, ...lines],
      preflight: { findings: [...findings], waitUntil: bound, retryInSeconds },
    };
  }
  const waited = waitUntil !== undefined && findings.some((finding) => finding.transient);
  const summary = `preflight: ${findings.length} check${findings.length === 1 ? '' : 's'} failed${
    waited ? ` (still failing after waiting ${plan.preflight.maxWaitSeconds} s)` : ''
  }`;
  const preflight = { findings: [...findings], ...(waitUntil ? { waitUntil } : {}) };
  if (plan.preflight.onFindings === 'ask' && mode !== 'dry-run') {
    return {
      ...assessment,
      decision: 'approve',
      reasons: [`${summary}: a person decides (preflight.onFindings: ask)`, ...lines, ...assessment.reasons],
      preflight,
    };
  }
  return { ...assessment, decision: 'block', reasons: [`${summary}: nothing was changed`, ...lines], preflight };
};
