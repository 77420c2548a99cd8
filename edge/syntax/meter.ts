/**
 * Counts the code units the parser's loops examine. Tests read it to prove the parser is
 * linear by counts rather than by clocks; one increment per step costs next to nothing.
 */
export const meter = { steps: 0 };
