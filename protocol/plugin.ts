import { z } from 'zod';
import type { Clock } from './runtime.ts';
import type { ReasonCode } from './reasons.ts';
import type { Signal } from './signals.ts';
import type { SmtpCheck, CatchAllCheck } from './smtp.ts';

/** The plugin API version this prober speaks; a manifest naming another is skipped. */
export const PLUGIN_API_VERSION = 1;
export const HOOKS = ['beforeSmtp', 'afterSmtp', 'enrich'] as const;
export type HookName = (typeof HOOKS)[number];

/** A domain (`gmail.com`) or a suffix pattern (`*.mail.protection.outlook.com`), lower-case. */
const pattern = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'a domain or *.suffix');

/** plugin.json: parsed, never trusted. */
export const PluginManifest = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and hyphens'),
    version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, 'semantic version'),
    api_version: z.literal(PLUGIN_API_VERSION),
    description: z.string().max(512).optional(),
    /** The ESM entry, relative to the plugin folder, inside it. */
    entry: z
      .string()
      .max(128)
      .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+\.(m?js|ts)$/, 'a relative .js/.mjs/.ts path inside the folder')
      .default('index.js'),
    applies_to: z
      .object({
        /** Every address, whatever its domain (enrichment such as Gravatar). */
        all: z.boolean().default(false),
        domains: z.array(pattern).max(1000).default([]),
        mx_hosts: z.array(pattern).max(100).default([]),
      })
      .strict(),
    hooks: z.array(z.enum(HOOKS)).min(1).max(HOOKS.length),
    /** Hosts the plugin's fetch may reach (exact host names, lower-case); nothing else. */
    network: z.object({ hosts: z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/).max(253)).max(16).default([]) }).strict().default({ hosts: [] }),
    /** Per-hook time limit; a hook that overruns it is a failed signal. */
    timeout_ms: z.number().int().min(10).max(10_000).default(2000),
  })
  .strict();
export type PluginManifest = z.infer<typeof PluginManifest>;

/** What every hook is told about one address. */
export interface AddressInfo {
  id: string;
  address: string;
  local_part: string;
  domain: string;
  /** MX host names of the plan, in order (empty for an address literal). */
  mx_hosts: string[];
}

export interface PluginContext {
  /** fetch limited to the manifest's network hosts; any other host is refused. */
  fetch: typeof fetch;
  clock: Clock;
  /** Settings from the environment: BZ_PLUGIN_<NAME>_<KEY>, lower-cased keys. */
  settings: Readonly<Record<string, string>>;
  /** Aborted when the hook's time limit passes. */
  signal: AbortSignal;
}

export type BeforeSmtpOutcome = {
  /** Do not probe this address: answer with this reason instead (e.g. provider_blocks_probes). */
  skip?: { reason: ReasonCode; detail: string };
  signals?: Signal[];
} | void;

export type AfterSmtpOutcome = {
  /** Reinterpret the SMTP answer (e.g. an accept-everything provider's 250). */
  smtp?: { reason: ReasonCode; detail: string };
  signals?: Signal[];
} | void;

export type EnrichOutcome = { signals: Signal[] } | void;

/** What a plugin's entry exports as its default. */
export interface PluginHooks {
  beforeSmtp?(address: AddressInfo, ctx: PluginContext): BeforeSmtpOutcome | Promise<BeforeSmtpOutcome>;
  afterSmtp?(
    address: AddressInfo & { smtp: SmtpCheck; catch_all: CatchAllCheck },
    ctx: PluginContext,
  ): AfterSmtpOutcome | Promise<AfterSmtpOutcome>;
  enrich?(address: AddressInfo, ctx: PluginContext): EnrichOutcome | Promise<EnrichOutcome>;
}
