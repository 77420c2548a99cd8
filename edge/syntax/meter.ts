/**
 * Counts the code units the parser's loops examine. Tests read it to prove the parser is
 * linear by counts rather than by clocks. A typed array, because an increment there stays a
 * plain 32-bit store (a counter on an object becomes a boxed double past 2^30 and gets slow);
 * it wraps, so read differences with `>>> 0`.
 */
export const meter = new Uint32Array(1);
