import { SwitchbackError } from '../../errors';

/** No backup to restore: no replicated automated backups (RDS) or no restorable time (Aurora) in the standby region. */
export class NoRestorableBackupError extends SwitchbackError {
  constructor(message: string) {
    super(message);
    this.name = 'NoRestorableBackupError';
  }
}

/** The restore ended in a failed status (incompatible-restore, incompatible-option-group, ...) or vanished. */
export class RestoreFailedError extends SwitchbackError {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreFailedError';
  }
}

/** The throwaway did not become available before the test's deadline. */
export class RestoreTimedOutError extends SwitchbackError {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreTimedOutError';
  }
}

/** The plan's validation hook said the restored data is not right, or could not be asked. */
export class ValidationHookFailedError extends SwitchbackError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'ValidationHookFailedError';
  }
}
