import type { FailoverRecordSet } from './ports';

/**
 * What DNS answers for a record pair against the record that should serve it: after a failover the standby region's,
 * after a failback the primary region's. Route 53 answers a failover record only while its health check passes;
 * when the serving record's check fails it answers the other record (or, if that fails too, the PRIMARY anyway:
 * Route 53 Developer Guide, "How Amazon Route 53 chooses records when health checking is configured"). A switched
 * record is not yet a switched answer: this reads the answer.
 */

/** A DNS name or target as compared: lower case, without the trailing dot. */
export const dnsName = (name: string): string => name.trim().replace(/\.$/, '').toLowerCase();

/** The record types whose answers are compared with a record's values: addresses and a CNAME's target. */
export const ANSWER_COMPARED_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME']);

/** What a record makes DNS answer: its values, or, for an alias record, the name whose answers it returns. */
export type RecordTarget = { values: string[] } | { alias: string };

/**
 * A record pair's failover records as the plan's readiness read them (Route 53's API, which readiness may call): what
 * each makes DNS answer, by set identifier. What the verify steps of a plan whose live path calls no Route 53 API
 * (`arc-routing-control`, `alarm-health-check`) compare DNS answers with (shared/domain/readiness.ts
 * recordTargetsByReadiness).
 */
export interface RecordPairTargets {
  hostedZoneId: string;
  name: string;
  type: string;
  records: { setIdentifier: string; failover: 'PRIMARY' | 'SECONDARY'; target: RecordTarget }[];
  /**
   * When these records were read, when that was before the readiness that keeps them: a run whose read Route 53's API
   * did not answer keeps the earlier reading (shared/domain/readiness.ts carryUnansweredRecords).
   */
  readAt?: string;
  /** The largest TTL of the pair's records as read (seconds), when they have one (an alias record has none). */
  ttl?: number;
}

/** The values of a failover record as ListResourceRecordSets returns it (`rest` keeps ResourceRecords or AliasTarget). */
export const recordTarget = (record: FailoverRecordSet): RecordTarget => {
  const alias = record.rest.AliasTarget as { DNSName?: unknown } | undefined;
  if (alias && typeof alias.DNSName === 'string') return { alias: dnsName(alias.DNSName) };
  const values = (record.rest.ResourceRecords as { Value?: unknown }[] | undefined) ?? [];
  return { values: values.map((value) => (typeof value.Value === 'string' ? value.Value : '')).filter(Boolean) };
};

/** A record's values as compared: CNAME targets as names, addresses as written. */
const normalized = (type: string, values: readonly string[]): string[] =>
  [...new Set(values.map((value) => (type === 'CNAME' ? dnsName(value) : value.trim().toLowerCase())))].sort();

/**
 * Whether two records make DNS answer the same: the same alias target, or the same values (CNAME targets as names).
 * A record pair whose two records do is no failover: switching between them changes nothing users reach.
 */
export const sameTarget = (type: string, a: RecordTarget, b: RecordTarget): boolean => {
  if ('alias' in a || 'alias' in b) return 'alias' in a && 'alias' in b && dnsName(a.alias) === dnsName(b.alias);
  const values = normalized(type, a.values);
  return values.length > 0 && sameSet(values, normalized(type, b.values));
};

/** A record's target as a finding names it: `alias to <name>`, or its values. */
export const describeTarget = (target: RecordTarget): string =>
  'alias' in target ? `alias to ${target.alias}` : shown(target.values);

/** `api.example.com CNAME` */
export const recordLabel = (name: string, type: string): string => `${dnsName(name)} ${type}`;

export interface DnsAnswerReading {
  name: string;
  type: string;
  /** The record that should serve: its set identifier, region and what it makes DNS answer (alias: resolved). */
  serving: { setIdentifier: string; region: string; values: string[]; alias?: string };
  /** The other record of the pair, when it was read: named in the verdict when DNS answers it instead. */
  other?: { setIdentifier: string; region: string; values: string[]; alias?: string };
  /** What the zone's name servers answered. */
  answered: string[];
}

export interface DnsAnswerVerdict {
  ok: boolean;
  detail: string;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((value, i) => value === b[i]);

const overlaps = (a: readonly string[], b: readonly string[]): boolean => a.some((value) => b.includes(value));

/** Whether an answer is what a record makes DNS answer: the same values, or for an alias, any of its target's. */
const answersRecord = (
  type: string,
  answered: readonly string[],
  record: { values: string[]; alias?: string },
): boolean => {
  const values = normalized(type, record.values);
  if (answered.length === 0 || values.length === 0) return false;
  return record.alias ? overlaps(answered, values) : sameSet(answered, values);
};

const shown = (values: readonly string[]): string => (values.length > 0 ? values.join(', ') : 'nothing');

const describeRecord = (record: { setIdentifier: string; region: string; values: string[]; alias?: string }): string =>
  `${record.region}'s record "${record.setIdentifier}" (${record.alias ? `alias to ${record.alias}` : shown(record.values)})`;

/**
 * The verdict on one record pair's answer: ok when DNS answers the serving record's values (an alias record: any of
 * its target's answers, which rotate); otherwise what it answers instead, named as the other region's record when it
 * is that one.
 */
export const judgeDnsAnswer = (reading: DnsAnswerReading): DnsAnswerVerdict => {
  const { name, type, serving, other } = reading;
  const label = recordLabel(name, type);
  const answered = normalized(type, reading.answered);
  if (answersRecord(type, answered, serving)) {
    return { ok: true, detail: `DNS answers ${describeRecord(serving)} for ${label}` };
  }
  const instead =
    answered.length === 0
      ? 'nothing (no such record)'
      : other && answersRecord(type, answered, other)
        ? describeRecord(other)
        : shown(answered);
  return { ok: false, detail: `DNS answers ${instead} for ${label}, not ${describeRecord(serving)}` };
};
