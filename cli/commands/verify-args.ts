/** What `bouncezero verify` was asked to do; each path reads only its own fields. */
export interface VerifyArgs {
  help: boolean;
  syntaxOnly: boolean;
  /** Addresses as given; `-` (or none at all) means one address per line on stdin. */
  addresses: string[];
  /** Options not known to the syntax-only path, kept for the path that owns them. */
  options: string[];
}

export function parseVerifyArgs(args: string[]): VerifyArgs {
  const parsed: VerifyArgs = { help: false, syntaxOnly: false, addresses: [], options: [] };
  let onlyAddresses = false;
  for (const arg of args) {
    if (onlyAddresses || arg === '-' || !arg.startsWith('-')) parsed.addresses.push(arg);
    else if (arg === '--') onlyAddresses = true;
    else if (arg === '--syntax-only') parsed.syntaxOnly = true;
    else if (arg === '--help' || arg === '-h') parsed.help = true;
    else parsed.options.push(arg);
  }
  return parsed;
}

export const VERIFY_USAGE = `usage: bouncezero verify --syntax-only [<email>… | -]
       bouncezero verify <email>… --edge URL --key KEY   (or BZ_EDGE / BZ_API_KEY)
       bouncezero verify --file in.csv --out out.csv [--edge URL --key KEY] [--column NAME]
                     without --edge, runs an embedded edge and prober for the job

--syntax-only  check the RFC 5321 syntax only, offline; one JSON result per line.
               With no address, or with -, reads one address per line from stdin.
`;
