import type { LedgerPort } from '../domain/ports';
import { NotificationRejectedError, PlanNotFoundError } from '../errors';
import type { BotSender, SlackSender } from '../notify/delivery';
import { renderIncidentMessage, renderThreadReply, type SlackMessage } from '../notify/render';
import { buildView, encodeEvent, type NotifyEvent, notificationKey } from '../notify/state';
import type { Plan, SlackSettings } from '../plan/schema';
import type { Log } from '../runtime/logger';

export interface NotifyIncidentDeps {
  /** The deployment's plans (PlanRegistry): the event names its plan, the plan names the Slack settings. */
  plans: { get(name: string): Plan };
  ledger: Pick<LedgerPort, 'putNotificationState' | 'claimNotification'>;
  /** Reads the plan's secret and returns a sender for it (shared/notify: readSlackSecret + createSlackSender). */
  slack: { connect(settings: SlackSettings, plan: string): Promise<SlackSender> };
  log: Log;
  /** REPORT_BASE_URL: the message links to the run report when set. */
  reportBaseUrl?: string;
}

export type NotifyResult =
  | { status: 'sent'; key: string }
  | { status: 'already-sent'; key: string }
  | { status: 'no-slack' }
  | { status: 'dropped'; reason: string }
  | { status: 'quiet'; reason: string }
  | { status: 'rejected'; code: string };

/**
 * Why an event needs no Slack message. A fence that Switchback started (after the failover, or the fence retry
 * every few minutes) tells the channel only how it ended, not each of its phases; and a retry that found the old
 * region still not answering, with nothing fenced since the last word, says nothing at all: one message while the
 * region is down, the next when it is fenced or a real error fails the run.
 */
const quietReason = (event: NotifyEvent): string | undefined => {
  const { trigger } = event.detail.run;
  if (trigger.type !== 'automatic') return undefined;
  if (event.kind === 'phase') return `phase of an automatic fence (${trigger.by}): only its end is posted`;
  if (event.kind === 'end' && event.detail.outcome === 'deferred' && event.detail.deferral?.changed === false) {
    return 'fence retry deferred again: the old region still does not answer and nothing changed';
  }
  return undefined;
};

/** Slack's answers to chat.update when the incident message is gone: post a new one instead. */
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

const change = (event: NotifyEvent): Parameters<typeof renderThreadReply>[1] => {
  if (event.kind === 'phase') return { phase: event.detail.phase, status: event.detail.status };
  if (event.kind === 'reprotect-back') return { reprotectBack: true };
  return event.kind === 'approval' ? { approval: true } : { outcome: true };
};

/** Updates the incident message in place, or posts a new one when it was deleted; returns where it now is. */
const updateOrRepost = async (
  sender: BotSender,
  where: { channel: string; ts: string },
  message: SlackMessage,
): Promise<{ channel: string; ts: string; reposted: boolean }> => {
  try {
    await sender.update(where.channel, where.ts, message);
    return { ...where, reposted: false };
  } catch (error) {
    if (!(error instanceof NotificationRejectedError && MESSAGE_GONE.has(error.code))) throw error;
    return { ...(await sender.post(where.channel, message)), reposted: true };
  }
};

/**
 * Keeps an incident's Slack message current with one Switchback event. The event is stored with the incident
 * first, the message is rebuilt from everything stored, then delivered:
 * - webhook: a new message per event (a webhook cannot edit); a redelivered event posts nothing;
 * - bot: the first event posts the incident message and stores its `ts`; later ones update it, and each event
 *   adds a thread reply (approval requests and the verdict are also broadcast to the channel); a redelivered
 *   event updates the message and adds no reply.
 * A key is recorded as sent only after Slack took it, so Lambda's retry of a failed delivery sends it then.
 * Slack refusing for good (revoked token, unknown channel) is logged once per incident and code, and the
 * function returns normally: no retry loop, and the failover never waits on any of this.
 *
 * @param event - the parsed event
 * @param deps - plans, ledger, Slack connector, log, report link base
 * @throws NotificationDeliveryError when Slack stayed unavailable for the time allowed (Lambda retries, then DLQ)
 */
export const notifyIncident = async (event: NotifyEvent, deps: NotifyIncidentDeps): Promise<NotifyResult> => {
  const { ledger, log } = deps;
  let plan: Plan;
  try {
    plan = deps.plans.get(event.detail.run.plan);
  } catch (error) {
    // Retrying cannot deploy the plan: drop the event, loudly.
    if (!(error instanceof PlanNotFoundError)) throw error;
    log.error('event for an unknown plan dropped', { errorMessage: error.message });
    return { status: 'dropped', reason: error.message };
  }
  const quiet = quietReason(event);
  if (quiet) {
    log.info('notification not needed', { reason: quiet });
    return { status: 'quiet', reason: quiet };
  }
  const settings = plan.notifications.slack;
  if (!settings) {
    log.debug('plan has no slack notifications', { plan: plan.app });
    return { status: 'no-slack' };
  }
  const { run } = event.detail;
  const incidentId = run.incidentId;
  const key = notificationKey(event);
  const entry = encodeEvent(event);

  // Stored before delivery: if Slack is down now, the next message still shows what this event said. The same write
  // answers with everything stored for the incident (a redelivered event adds nothing to the set).
  const stored = await ledger.putNotificationState(incidentId, { sentKeys: [], events: [entry] });
  const view = buildView(run, plan.budgets, stored.events ?? [entry]);
  const message = renderIncidentMessage(view, { reportBaseUrl: deps.reportBaseUrl });
  const alreadySent = stored.sentKeys.includes(key);

  // A webhook cannot edit what it posted: a redelivered event has nothing left to do.
  if (settings.delivery === 'webhook' && alreadySent) {
    log.info('notification already sent', { key, delivery: 'webhook' });
    return { status: 'already-sent', key };
  }

  try {
    const sender = await deps.slack.connect(settings, plan.app);
    if (sender.kind === 'webhook') {
      await sender.send(message);
    } else {
      let where = stored.ts && stored.channel ? { channel: stored.channel, ts: stored.ts } : undefined;
      if (where) {
        const moved = await updateOrRepost(sender, where, message);
        if (moved.reposted) await ledger.putNotificationState(incidentId, { ...moved, sentKeys: [] });
        where = { channel: moved.channel, ts: moved.ts };
      } else {
        // The plan schema requires a channel for bot delivery.
        where = await sender.post(settings.channel as string, message);
        await ledger.putNotificationState(incidentId, { ...where, sentKeys: [] });
      }
      if (alreadySent) {
        log.info('notification already sent; message updated', { key, delivery: 'bot' });
        return { status: 'already-sent', key };
      }
      await sender.post(where.channel, renderThreadReply(view, change(event)), {
        ts: where.ts,
        broadcast: event.kind !== 'phase',
      });
    }
  } catch (error) {
    if (!(error instanceof NotificationRejectedError)) throw error;
    // Once per incident and code: every later event of the incident meets the same refusal.
    if (await ledger.claimNotification(incidentId, `rejected:${error.code}`)) {
      log.error('slack refused notifications', { code: error.code, fix: error.message, delivery: settings.delivery });
    } else {
      log.debug('slack refused notification again', { code: error.code });
    }
    return { status: 'rejected', code: error.code };
  }

  if (!(await ledger.claimNotification(incidentId, key))) {
    log.info('notification sent concurrently by another invocation', { key });
  }
  log.info('notification sent', { key, delivery: settings.delivery });
  return { status: 'sent', key };
};
