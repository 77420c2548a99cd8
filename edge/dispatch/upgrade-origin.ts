/**
 * Whether a WebSocket upgrade may proceed given its Origin. Probers send none; a browser always
 * does, so a page on another site cannot open agent sockets through a visitor's browser (and
 * use the visitor's network position). A browser on the edge's own page (same host) is allowed.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host || !URL.canParse(origin)) return false;
  return new URL(origin).host.toLowerCase() === host.toLowerCase();
}
