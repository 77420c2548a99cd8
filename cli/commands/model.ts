import { openStore } from '../../edge/adapters/open-store.ts';
import { loadConfig } from '../../edge/config.ts';
import { createOutcomeStore } from '../../edge/learning/outcome-store.ts';
import { retrain } from '../../edge/learning/train-command.ts';
import { systemClock } from '../../protocol/index.ts';

/** `bouncezero model train`: learn from the outcomes in BZ_DB; running edges pick the model up within a minute. */
export async function run(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== 'train') {
    process.stderr.write('usage: bouncezero model train   retrain from reported outcomes; prints held-out accuracy and calibration\n');
    return 2;
  }
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error}\n`);
    return 2;
  }
  const db = await openStore(loaded.config.db);
  try {
    const { report } = await retrain(createOutcomeStore(db), systemClock);
    process.stdout.write(report);
    return 0;
  } finally {
    await db.destroy();
  }
}
