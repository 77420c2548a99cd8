/**
 * Structured events of the agent hub. Fields never carry a secret, a MAC or a key, nor any
 * address that is being verified: ids, counts, reason codes and peer addresses only.
 */
export type HubLog = (event: string, fields: Record<string, unknown>) => void;

/** One JSON line per event on stderr: what an operator greps and a collector parses. */
export const jsonLineLog: HubLog = (event, fields) => {
  console.error(JSON.stringify({ at: new Date().toISOString(), event, ...fields }));
};
