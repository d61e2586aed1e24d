import type { SlackSettings } from '../plan/schema';
import type { Log } from '../runtime/logger';
import { createSlackSender, type SenderOptions, type SlackSender } from './delivery';
import { readSlackSecret, type SecretClients } from './secret';

/**
 * The notifier's Slack connector: reads the plan's secret with the given SDK clients and builds the sender.
 *
 * @param options - SDK clients for the secret, the log, and the sender options (deadline, timer, API URL)
 */
export const slackConnector = (
  options: { clients: SecretClients; log: Log } & Omit<SenderOptions, 'settings' | 'plan' | 'log'>,
): { connect(settings: SlackSettings, plan: string): Promise<SlackSender> } => {
  const { clients, ...senderOptions } = options;
  return {
    connect: async (settings, plan) =>
      createSlackSender(await readSlackSecret(settings, plan, clients), { ...senderOptions, settings, plan }),
  };
};
