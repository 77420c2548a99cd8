import type { Kysely } from 'kysely';
import type { DomainLeasesTable } from '../store/tables/leases.ts';

interface LeaseTables {
  domain_leases: DomainLeasesTable;
}

/** A lease taken: pass it back to release(). */
export interface DomainLease {
  domain: string;
  token: string;
}

/**
 * Leases in the shared store, keyed by mail server (mxKeyOf; the column is still named
 * `domain`): while one edge holds a server, no other edge dispatches probes to it, so
 * per-server politeness holds across the fleet. The holder itself may take the
 * domain again (its own tasks already go to one prober), which extends the lease. A lease that
 * is not released (its edge died) ends at its expiry.
 */
export class DomainLeases {
  private readonly db: Kysely<LeaseTables>;
  private tokens = 0;

  constructor(store: Kysely<any>, private readonly holder: string) {
    this.db = store as Kysely<LeaseTables>;
  }

  /** Takes or extends the domain's lease until `until`; null while another edge holds it. */
  async acquire(domain: string, now: number, until: number): Promise<DomainLease | null> {
    const token = `${this.holder}.${++this.tokens}`;
    const row = await this.db
      .insertInto('domain_leases')
      .values({ domain, holder: this.holder, token, expires_at: until })
      .onConflict((oc) =>
        oc
          .column('domain')
          .doUpdateSet({ holder: this.holder, token, expires_at: until })
          .where((eb) => eb.or([eb('domain_leases.expires_at', '<=', now), eb('domain_leases.holder', '=', this.holder)])),
      )
      .returning('token')
      .executeTakeFirst();
    return row?.token === token ? { domain, token } : null;
  }

  /** Pushes the expiry of a lease still held out to `until`. */
  async renew(lease: DomainLease, until: number): Promise<void> {
    await this.db.updateTable('domain_leases').set({ expires_at: until }).where('domain', '=', lease.domain).where('token', '=', lease.token).execute();
  }

  /** Ends the lease unless this holder took it again since (then that later taking ends it). */
  async release(lease: DomainLease): Promise<void> {
    await this.db.deleteFrom('domain_leases').where('domain', '=', lease.domain).where('token', '=', lease.token).execute();
  }
}
