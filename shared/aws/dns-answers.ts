import { Resolver } from 'node:dns/promises';
import { dnsName } from '../domain/dns-answers';
import type { DnsAnswerPort } from '../domain/ports';

/** The part of node's DNS Resolver this adapter uses (tests give their own). */
export interface ResolverLike {
  setServers(servers: string[]): void;
  resolveNs(name: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveCname(name: string): Promise<string[]>;
}

/** node:dns codes for "the name servers answered: no such record" (NODATA) and "no such name" (NXDOMAIN). */
const NO_RECORD = new Set(['ENODATA', 'ENOTFOUND']);

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;

/** The query for each record type whose answers are compared (ANSWER_COMPARED_TYPES). */
const QUERIES: Readonly<Record<string, (resolver: ResolverLike, name: string) => Promise<string[]>>> = {
  A: (resolver, name) => resolver.resolve4(name),
  AAAA: (resolver, name) => resolver.resolve6(name),
  CNAME: (resolver, name) => resolver.resolveCname(name),
};

/**
 * How long one DNS question waits for an answer before it is a failure, one try per server: Route 53's name servers
 * answer in milliseconds, and a name server that does not answer costs the verify step (60 s in all) seconds, never a
 * hang. A modelling choice, no published figure. The drill's DNS (sim/world.ts answerDns) waits as long.
 */
export const DNS_QUERY_TIMEOUT_MS = 1000;

/** No name server answered: a DNS failure, not an answer. */
export class DnsQueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DnsQueryError';
  }
}

/**
 * What a record's zone answers, asked the way a resolver with an empty cache would reach it: the zone's name servers
 * are found through the Lambda's own resolver (NS of the name, else of each parent), then asked directly, so a
 * resolver's cache (the record's TTL) stands between nothing and the answer. Route 53's DNS data plane answers from
 * every region, with no call to its API in us-east-1 (Route 53 Developer Guide, "Amazon Route 53 name servers").
 * Needs outbound DNS (UDP and TCP 53): a Lambda outside a VPC has it.
 */
export class AuthoritativeDns implements DnsAnswerPort {
  private readonly resolver: () => ResolverLike;

  /**
   * @param deps.resolver - builds a resolver; defaults to node's, DNS_QUERY_TIMEOUT_MS and one try per server (a
   *   zone has four, tried in turn).
   */
  constructor(deps: { resolver?: () => ResolverLike } = {}) {
    this.resolver = deps.resolver ?? (() => new Resolver({ timeout: DNS_QUERY_TIMEOUT_MS, tries: 1 }));
  }

  async answer(record: string, type: string): Promise<string[]> {
    const name = dnsName(record);
    const ask = QUERIES[type];
    if (!ask) throw new Error(`${name} ${type}: only A, AAAA and CNAME answers are read`);
    const servers = await this.nameServersOf(name);
    const resolver = this.resolver();
    resolver.setServers(servers);
    try {
      return await ask(resolver, name);
    } catch (error) {
      if (NO_RECORD.has(codeOf(error) ?? '')) return [];
      throw new DnsQueryError(`${name} ${type}: no answer from ${servers.join(', ')} (${codeOf(error) ?? error})`, {
        cause: error,
      });
    }
  }

  /** The addresses of the name servers of the zone `name` is in: the nearest name, itself or a parent, with NS. */
  private async nameServersOf(name: string): Promise<string[]> {
    const system = this.resolver();
    const labels = name.split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const zone = labels.slice(i).join('.');
      let servers: string[];
      try {
        servers = await system.resolveNs(zone);
      } catch (error) {
        if (NO_RECORD.has(codeOf(error) ?? '')) continue;
        throw new DnsQueryError(`${zone} NS: the resolver did not answer (${codeOf(error) ?? error})`, {
          cause: error,
        });
      }
      const addresses = await Promise.all(servers.map((server) => system.resolve4(server).catch(() => [])));
      const found = addresses.flat();
      if (found.length > 0) return found;
      throw new DnsQueryError(`${zone}: no address for its name servers ${servers.join(', ')}`);
    }
    throw new DnsQueryError(`${name}: no zone with name servers found`);
  }
}

let override: DnsAnswerPort | undefined;
let live: DnsAnswerPort | undefined;

/** The DNS answers the steps read: the live name servers, unless a drill or a test put its own in. */
export const dnsAnswers = (): DnsAnswerPort => {
  if (override) return override;
  live ??= new AuthoritativeDns();
  return live;
};

/** Answers DNS questions with `port` instead of the live name servers (the local drill's simulated Route 53). */
export const useDnsAnswers = (port: DnsAnswerPort): void => {
  override = port;
};

/** Back to the live name servers. */
export const resetDnsAnswers = (): void => {
  override = undefined;
};
