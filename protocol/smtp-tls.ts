/**
 * BZ_SMTP_TLS, shared by the settings and the prober's engine. 'opportunistic': STARTTLS when
 * the server offers it (three round trips more per session: STARTTLS, the handshake, EHLO
 * again; the envelope and the server's answers are hidden from the path). 'off': never, the
 * addresses cross the network in clear.
 */
export const SMTP_TLS = ['opportunistic', 'off'] as const;
export type SmtpTls = (typeof SMTP_TLS)[number];
