import { createOutcomeStore } from '../../edge/learning/outcome-store.ts';
import { retrain } from '../../edge/learning/train-command.ts';
import { withStore } from '../with-store.ts';
import { systemClock } from '../../protocol/index.ts';

/** `bouncezero model train`: learn from the outcomes in BZ_DB; running edges pick the model up within a minute. */
export async function run(): Promise<number> {
  return withStore({ create: false }, async (db) => {
    const { report } = await retrain(createOutcomeStore(db), systemClock);
    process.stdout.write(report);
    return 0;
  });
}
