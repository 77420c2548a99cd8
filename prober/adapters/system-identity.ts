import { hostname } from 'node:os';
import { parseCidrList, type Cidr } from '../../edge/dns/cidr.ts';

export interface SmtpSettings {
  heloName: string;
  mailFrom: string;
  port: number;
  allowNets: Cidr[];
}

/**
 * The prober's SMTP identity and reach from BZ_HELO_NAME, BZ_MAIL_FROM, BZ_SMTP_PORT and
 * BZ_ALLOW_NETS. Without them: this machine's own name and `verify@` it, never a borrowed domain.
 */
export function smtpSettingsFromEnv(env: Record<string, string | undefined> = process.env, host = hostname()): SmtpSettings {
  const heloName = env.BZ_HELO_NAME?.trim() || host;
  const mailFrom = env.BZ_MAIL_FROM?.trim() || `verify@${heloName}`;
  const portText = env.BZ_SMTP_PORT?.trim() || '25';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new Error(`BZ_SMTP_PORT: "${portText}" is not a port`);
  const nets = parseCidrList(env.BZ_ALLOW_NETS ?? '');
  if (!nets.ok) throw new Error(nets.error);
  return { heloName, mailFrom, port, allowNets: nets.nets };
}
