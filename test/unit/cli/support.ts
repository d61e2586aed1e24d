import type { CliDeps, CliEnv, ReadinessFunctionPort } from '../../../cli/context';
import type { IdentityPort, LedgerPort, WorkflowPort } from '../../../shared/domain/ports';

/** Collects what a command prints. */
export const captureIo = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
};

/**
 * CLI dependencies with fakes: only the port methods a test passes exist; calling any other fails the test.
 * `targets` records the deployment each port was built for.
 */
export const fakeDeps = (
  parts: {
    ledger?: Partial<LedgerPort>;
    workflow?: Partial<WorkflowPort>;
    identity?: Partial<IdentityPort>;
    readiness?: Awaited<ReturnType<CliDeps['readiness']>>;
    readinessFunction?: ReadinessFunctionPort;
    env?: Partial<CliEnv>;
    now?: Date;
  } = {},
) => {
  const captured = captureIo();
  const targets: Parameters<CliDeps['ledger']>[0][] = [];
  const exitCodes: number[] = [];
  const readinessFunctions: string[] = [];
  const deps: CliDeps = {
    io: captured.io,
    stdout: { write: (text: string) => captured.out.push(text) },
    setExitCode: (code) => exitCodes.push(code),
    env: { user: 'alice', ...parts.env },
    clock: { now: () => parts.now ?? new Date('2026-11-25T18:05:00.000Z') },
    ledger: async (target) => {
      targets.push(target);
      return parts.ledger as LedgerPort;
    },
    workflow: async (target) => {
      targets.push(target);
      return parts.workflow as WorkflowPort;
    },
    identity: async (target) => {
      targets.push(target);
      return parts.identity as IdentityPort;
    },
    readiness: async (target, functionName) => {
      targets.push(target);
      readinessFunctions.push(functionName);
      if (!parts.readiness) throw new Error('this test gave no readiness adapters');
      return parts.readiness;
    },
    readinessFunction: async (target, functionName) => {
      targets.push(target);
      readinessFunctions.push(functionName);
      if (!parts.readinessFunction) throw new Error('this test gave no readiness function');
      return parts.readinessFunction;
    },
  };
  return { deps, targets, readinessFunctions, exitCodes, ...captured };
};
