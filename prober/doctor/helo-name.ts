/** Names only the machine itself (or its LAN) can resolve: no receiving server can check them. */
const LOCAL_ONLY = /(^|\.)(localhost|localdomain|local|lan|internal|home\.arpa)$/i;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/**
 * Why `name` is no fit for EHLO, or undefined when it is a fully-qualified host name. Servers
 * refuse the others outright (Postfix `reject_non_fqdn_helo_hostname`: "504 5.5.2 <name>: Helo
 * command rejected: need fully-qualified hostname") or count them against us.
 */
export function heloNameProblem(name: string): string | undefined {
  const bare = name.replace(/\.$/, '');
  if (/^\[.*\]$/.test(bare)) return `${name} is an address literal, not a host name; set BZ_HELO_NAME to this prober's fully-qualified name`;
  const labels = bare.split('.');
  if (labels.length < 2) return `${name} is not fully qualified (a single label); set BZ_HELO_NAME to this prober's fully-qualified name`;
  if (!labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) return `${name} is not a valid host name; set BZ_HELO_NAME to this prober's fully-qualified name`;
  if (LOCAL_ONLY.test(bare)) return `${name} is a local name other servers cannot resolve; set BZ_HELO_NAME to this prober's fully-qualified name`;
  return undefined;
}
