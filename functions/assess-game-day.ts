import { assessTaskHandler } from '../shared/runtime/assess-handler';
import { type AssessGameDayResult, assessGameDay } from '../shared/usecases/game-day/assess-game-day';

/** "Assess Game Day": validate the input, check the plan is home (lock held while looking), plan the legs. */
export const handler = assessTaskHandler<AssessGameDayResult>('Assess Game Day', assessGameDay);
