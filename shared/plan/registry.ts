import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { PlanNotFoundError, PlanValidationError } from '../errors';
import { COMPILED_PLAN_EXTENSION, parseCompiledPlan } from './compiled';
import type { Plan } from './schema';
import { proberAlarmName } from './settings';

export { COMPILED_PLAN_EXTENSION } from './compiled';

/** The plans of one deployment, found by name or by alarm name. */
export class PlanRegistry {
  private readonly byApp = new Map<string, Plan>();
  private readonly byAlarm = new Map<string, Plan>();

  constructor(plans: readonly Plan[]) {
    for (const plan of plans) {
      if (this.byApp.has(plan.app)) {
        throw new PlanValidationError(plan.app, [{ path: 'app', message: `two plans are named "${plan.app}"` }]);
      }
      this.byApp.set(plan.app, plan);
      plan.trigger.alarms.forEach((alarm, index) => {
        const other = this.byAlarm.get(alarm);
        if (other) {
          throw new PlanValidationError(plan.app, [
            {
              path: `trigger.alarms[${index}]`,
              message: `alarm "${alarm}" is already named by plan "${other.app}": one alarm can start only one plan`,
            },
          ]);
        }
        this.byAlarm.set(alarm, plan);
      });
      // The prober's alarm is one of the plan's signals too (its name is derived from the plan's name, unique here).
      if (plan.trigger.prober) this.byAlarm.set(proberAlarmName(plan), plan);
    }
  }

  /**
   * Loads the compiled plans of a folder (`*.json`, written at package time by `compilePlans` from the plans' YAML,
   * validated there): a file edited since fails with its file and the changed fields (./compiled.ts).
   */
  static fromCompiledDirectory(dir: string): PlanRegistry {
    const files = readdirSync(dir)
      .filter((file) => extname(file) === COMPILED_PLAN_EXTENSION)
      .sort();
    return new PlanRegistry(files.map((file) => parseCompiledPlan(readFileSync(join(dir, file), 'utf8'), file)));
  }

  get names(): string[] {
    return [...this.byApp.keys()];
  }

  /** The plan named `app`; throws PlanNotFoundError naming the known plans. */
  get(app: string): Plan {
    const plan = this.byApp.get(app);
    if (!plan) throw new PlanNotFoundError(app, this.names);
    return plan;
  }

  /** The plan whose trigger names this alarm, if any. */
  findByAlarm(alarmName: string): Plan | undefined {
    return this.byAlarm.get(alarmName);
  }
}
