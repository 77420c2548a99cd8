/**
 * Whether an edge URL sends the agent protocol unencrypted across a network: ws:// to anything
 * but loopback. The signature cannot be replayed, but tasks and results (the addresses being
 * verified, the SMTP transcripts) would cross the wire in clear text.
 */
export function unencryptedRemote(edgeUrl: string): boolean {
  if (!URL.canParse(edgeUrl)) return false;
  const url = new URL(edgeUrl);
  if (url.protocol !== 'ws:') return false;
  const host = url.hostname.toLowerCase();
  return !(host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host));
}
