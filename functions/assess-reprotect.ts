import { RdsReprotectAdapter } from '../shared/aws/reprotect';
import { assessTaskHandler } from '../shared/runtime/assess-handler';
import { assessReprotect } from '../shared/usecases/reprotect/assess-reprotect';

/** "Assess Reprotect": validate the input, take the lock, decide per database (or block with findings). */
export const handler = assessTaskHandler('Assess Reprotect', assessReprotect, () => ({
  rds: new RdsReprotectAdapter(),
}));
