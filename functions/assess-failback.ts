import { assessTaskHandler } from '../shared/runtime/assess-handler';
import { type AssessFailbackResult, assessFailback } from '../shared/usecases/failback/assess-failback';

/** "Assess Failback": validate the input, take the lock, read the topology, list the databases to move back. */
export const handler = assessTaskHandler<AssessFailbackResult>('Assess Failback', assessFailback);
