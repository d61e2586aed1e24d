import { assessTaskHandler } from '../shared/runtime/assess-handler';
import { type AssessFenceResult, assessFence } from '../shared/usecases/fence/assess-fence';

/** "Assess Fence": validate the input, take the lock, list the old primaries to fence. */
export const handler = assessTaskHandler<AssessFenceResult>('Assess Fence', assessFence);
