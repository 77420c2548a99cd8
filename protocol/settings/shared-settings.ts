import { list } from './setting-kinds.ts';
import { cidr } from './value-checks.ts';

/** Settings both the edge and the prober read; each group spreads these into its own. */
export const SHARED_SETTINGS = {
  BZ_ALLOW_NETS: list({
    meaning: 'comma-separated CIDRs that MX addresses may be in despite the private/loopback guard (the edge plans them, the prober dials them)',
    default: [],
    check: cidr,
  }),
};
