import { pollSeconds } from '../domain/polling';
import type { EventsPort, Route53Port } from '../domain/ports';
import type { DnsResult, RunContext } from '../domain/run';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';
import { dnsFacts, publishPhase } from './flip-dns';

export interface CheckDnsSyncDeps {
  route53: Route53Port;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

export interface CheckDnsSyncInput {
  run: RunContext;
  /** The previous Flip DNS / Check DNS Sync result. */
  dns: DnsResult;
}

/**
 * Asks Route 53 whether the DNS flip has reached every authoritative server ("Check DNS Sync" in the failover
 * state machine): GetChange for each change still PENDING. Route 53 designs for <= 60 s (aws-facts.md: Route 53
 * API, GetChange), but 60-130 s is typical and incidents have seen more than 10 minutes, so this only reports,
 * and the state machine keeps waiting. When all are INSYNC it sets `inSyncAt` and publishes "dns succeeded".
 */
export const checkDnsSync = async (input: CheckDnsSyncInput, deps: CheckDnsSyncDeps): Promise<DnsResult> => {
  const { run, dns } = input;
  if (dns.inSync) return dns;
  const changes: DnsResult['changes'] = [];
  for (const change of dns.changes) {
    if (change.status === 'INSYNC' || change.changeId === null) {
      changes.push(change);
      continue;
    }
    changes.push({ ...change, status: await deps.route53.getChangeStatus(change.changeId) });
  }
  const now = deps.clock.now();
  const inSync = changes.every((change) => change.status === 'INSYNC');
  const result: DnsResult = {
    ...dns,
    changes,
    inSync,
    pollSeconds: pollSeconds('dns', dns.startedAt, now),
    inSyncAt: inSync ? now.toISOString() : undefined,
  };
  deps.log.debug('dns sync checked', { pending: changes.filter((c) => c.status === 'PENDING').length });
  if (inSync) {
    await publishPhase(deps.events, {
      run,
      phase: 'dns',
      status: 'succeeded',
      at: now.toISOString(),
      facts: dnsFacts(result),
    });
  }
  return result;
};
