/** A logistic regression: P(delivered) = σ(w·x + b). Small, dense, trained in-process. */
export interface LogisticModel {
  weights: number[];
  bias: number;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty: keeps weights of rare features small. */
  l2?: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function predict(model: LogisticModel, x: readonly number[]): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) z += (model.weights[i] ?? 0) * (x[i] ?? 0);
  return sigmoid(z);
}

/**
 * Full-batch gradient descent on the log loss. Deterministic (no shuffling, zero start), so
 * the same outcomes always give the same model.
 */
export function train(xs: readonly (readonly number[])[], ys: readonly number[], options: TrainOptions = {}): LogisticModel {
  const { epochs = 400, learningRate = 0.5, l2 = 1e-3 } = options;
  const width = xs[0]?.length ?? 0;
  const model: LogisticModel = { weights: new Array(width).fill(0), bias: 0 };
  const n = xs.length;
  if (n === 0) return model;
  const grad = new Array<number>(width);
  for (let epoch = 0; epoch < epochs; epoch++) {
    grad.fill(0);
    let gradBias = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const err = predict(model, x) - ys[i]!;
      for (let j = 0; j < width; j++) grad[j]! += err * x[j]!;
      gradBias += err;
    }
    for (let j = 0; j < width; j++) model.weights[j]! -= learningRate * (grad[j]! / n + l2 * model.weights[j]!);
    model.bias -= (learningRate * gradBias) / n;
  }
  return model;
}
