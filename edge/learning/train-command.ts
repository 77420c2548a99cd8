import type { Clock } from '../../protocol/index.ts';
import type { Evaluation } from './evaluate.ts';
import { trainModelSet, MIN_PROVIDER_OUTCOMES, type ModelSet } from './model-set.ts';
import type { OutcomeStore } from './outcome-store.ts';

/** Retrains from every stored outcome, saves the models, and describes them for a person. */
export async function retrain(store: OutcomeStore, clock: Clock): Promise<{ models: ModelSet; report: string }> {
  const outcomes = await store.labelled();
  const models = trainModelSet(outcomes, new Date(clock.now()));
  const lines = [`outcomes that can teach (delivered / hard bounce, with a verification): ${outcomes.length}`];
  const describe = (name: string, m: { n: number; heldOut: Evaluation }) =>
    `${name.padEnd(10)} n=${String(m.n).padEnd(7)} held-out n=${String(m.heldOut.n).padEnd(6)} accuracy=${pct(m.heldOut.accuracy)}  brier=${m.heldOut.brier.toFixed(3)}  calibration error=${pct(m.heldOut.ece)}`;
  for (const [name, m] of Object.entries(models.providers)) lines.push(describe(name, m));
  if (models.global) lines.push(describe('(global)', models.global));
  else lines.push(`not enough outcomes to train (need ${MIN_PROVIDER_OUTCOMES}); scores stay rule-based`);
  if (models.global) await store.saveModels(models, clock.now());
  return { models, report: `${lines.join('\n')}\n` };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
