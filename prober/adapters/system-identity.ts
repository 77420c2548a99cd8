/**
 * The prober's SMTP identity: BZ_HELO_NAME / BZ_MAIL_FROM when set, else this machine's own host
 * name and `verify@` it — never a borrowed domain (a verifier that says `HELO gmail.com` gets its
 * users' addresses blocklisted).
 */
export function smtpIdentity(settings: { heloName?: string | undefined; mailFrom?: string | undefined }, host: string): { heloName: string; mailFrom: string } {
  const heloName = settings.heloName?.trim() || host;
  return { heloName, mailFrom: settings.mailFrom?.trim() || `verify@${heloName}` };
}
