import { type LocalLedger, startLocalLedger } from '../../sim/local-ledger';

export type { LocalLedger };

/**
 * Starts dynalite on loopback, creates the ledger table and returns a client for it (the drill's own helper).
 * Each call gets its own in-memory store, so suites do not see each other's items.
 */
export const startLedger = (tableName = 'switchback-ledger'): Promise<LocalLedger> => startLocalLedger({ tableName });
