import { z } from 'zod';

/** Every setting Beacon reads from the environment, validated once at start-up. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where to listen: every interface in production, this machine only in development (the demo's passwords are printed). */
  HOST: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  BEACON_DATA_DIR: z.string().default('./data'),
  /** Signs cookies; must be set (32+ characters) in production. */
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  /** Cookies carry Secure when Beacon is served over TLS (directly or behind a proxy). */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().positive().default(15),
  BEACON_SEED_DEMO: z.enum(['true', 'false']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** smtp://user:pass@host:port (or smtps://); unset: emails stay in the outbox. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().default('Beacon <no-reply@beacon.invalid>'),
  /** The address people reach Beacon at, for links in emails. */
  PUBLIC_URL: z.string().url().optional(),
  /** Requests a partner system's token may make a minute. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(300),
  /** Encrypts agencies' single sign-on client secrets in the database (32+ characters); single sign-on needs it in production. */
  SSO_SECRET_KEY: z.string().min(32).optional(),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  sessionSecret: string;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  loginMaxFailures: number;
  loginLockoutMs: number;
  seedDemo: boolean;
  logLevel: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  apiRateLimitPerMinute: number;
  /** Null in production without SSO_SECRET_KEY: single sign-on then cannot be set up or used. */
  ssoSecretKey: string | null;
};

export class ConfigError extends Error {}

const DEVELOPMENT_SECRET = 'beacon-development-secret-not-for-production-use';
export const DEVELOPMENT_SSO_KEY = 'beacon-development-sso-key-not-for-production-use';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Configuration error in ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.SESSION_SECRET) {
    throw new ConfigError('Configuration error: SESSION_SECRET must be set (32 or more characters) when NODE_ENV=production');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST ?? (production ? '0.0.0.0' : 'localhost'),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.BEACON_DATA_DIR,
    sessionSecret: e.SESSION_SECRET ?? DEVELOPMENT_SECRET,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    cookieSecure: e.COOKIE_SECURE ? e.COOKIE_SECURE === 'true' : production,
    trustProxy: e.TRUST_PROXY === 'true',
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockoutMs: e.LOGIN_LOCKOUT_MINUTES * 60_000,
    seedDemo: e.BEACON_SEED_DEMO ? e.BEACON_SEED_DEMO === 'true' : !production,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    // Optional even in production, unlike SESSION_SECRET: a deployment without single sign-on needs no key.
    ssoSecretKey: e.SSO_SECRET_KEY ?? (production ? null : DEVELOPMENT_SSO_KEY),
  };
}
