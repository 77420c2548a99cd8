import type { LoadedPlugin } from './loader.ts';

/** Which plugins apply to a domain with given MX hosts. An instance passed in, never a module singleton. */
export interface PluginRegistry {
  readonly plugins: readonly LoadedPlugin[];
  forDomain(domain: string, mxHosts: readonly string[]): LoadedPlugin[];
}

export function createPluginRegistry(plugins: readonly LoadedPlugin[]): PluginRegistry {
  return {
    plugins,
    forDomain(domain, mxHosts) {
      const d = domain.toLowerCase();
      const hosts = mxHosts.map((h) => h.toLowerCase().replace(/\.$/, ''));
      return plugins.filter(({ manifest: { applies_to } }) =>
        applies_to.all ||
        applies_to.domains.some((p) => matches(p, d)) ||
        applies_to.mx_hosts.some((p) => hosts.some((h) => matches(p, h))),
      );
    },
  };
}

/** `example.com` matches itself; `*.example.com` matches any name below it, not itself. */
export function matches(pattern: string, name: string): boolean {
  if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1;
  return name === pattern;
}
