export interface Evaluation {
  n: number;
  /** Share of predictions on the right side of 0.5. */
  accuracy: number;
  /** Mean squared error of the probabilities (lower is better; 0.25 is a coin). */
  brier: number;
  /** Expected calibration error over ten equal-width bins. */
  ece: number;
  bins: { from: number; to: number; n: number; predicted: number; observed: number }[];
}

export function evaluate(probabilities: readonly number[], ys: readonly number[]): Evaluation {
  const n = probabilities.length;
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, n: 0, predicted: 0, observed: 0 }));
  let right = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!;
    const y = ys[i]!;
    if ((p >= 0.5 ? 1 : 0) === y) right++;
    brier += (p - y) ** 2;
    const bin = bins[Math.min(9, Math.floor(p * 10))]!;
    bin.n++;
    bin.predicted += p;
    bin.observed += y;
  }
  let ece = 0;
  for (const bin of bins) {
    if (bin.n === 0) continue;
    ece += (bin.n / n) * Math.abs(bin.predicted / bin.n - bin.observed / bin.n);
    bin.predicted /= bin.n;
    bin.observed /= bin.n;
  }
  return { n, accuracy: n ? right / n : 0, brier: n ? brier / n : 0, ece, bins };
}
