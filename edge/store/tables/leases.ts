/** The `domain_leases` table (migration 008-domain-leases). */
export interface DomainLeasesTable {
  domain: string;
  /** The edge that holds the lease. */
  holder: string;
  /** Changes on every acquisition, so a release only ends the lease it took. */
  token: string;
  expires_at: number;
}
