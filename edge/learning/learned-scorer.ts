import type { Clock, VerificationResult } from '../../protocol/index.ts';
import { featuresOf, providerOf } from './features.ts';
import { learnedProbability, type ModelSet } from './model-set.ts';

/** How much of the final score the learned probability carries; the rule score keeps the rest. */
const WEIGHT = 0.5;
const RELOAD_MS = 60_000;

export interface LearnedScorer {
  adjust(result: VerificationResult): Promise<VerificationResult>;
}

/**
 * Blends the newest trained model's delivery probability into the score of results that
 * reached the SMTP stage. The verdict stays the rules' (a model adjusts confidence, it does
 * not overrule a 550). Models are re-read from the store at most once a minute.
 */
export function createLearnedScorer(load: () => Promise<ModelSet | null>, clock: Clock): LearnedScorer {
  let models: ModelSet | null = null;
  let loadedAt = -Infinity;
  let loading: Promise<void> | null = null;
  const refresh = async () => {
    if (clock.now() - loadedAt < RELOAD_MS) return;
    loading ??= load()
      .then((m) => void (models = m), () => undefined)
      .finally(() => {
        loadedAt = clock.now();
        loading = null;
      });
    await loading;
  };
  return {
    async adjust(result) {
      if (!result.checks.smtp) return result;
      await refresh();
      const provider = providerOf(result);
      const p = learnedProbability(models, provider, featuresOf(result));
      if (p === null) return result;
      const score = Math.round(((1 - WEIGHT) * result.score + WEIGHT * p) * 1000) / 1000;
      const line = `Observed outcomes at ${provider === 'other' ? 'similar servers' : provider} put delivery at ${Math.round(p * 100)}%.`;
      return { ...result, score, reasons: [...result.reasons, line] };
    },
  };
}
