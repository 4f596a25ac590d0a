/**
 * Configuration from the environment, validated once at boot. Every variable is listed in README.md.
 * A bad value stops the process with a message naming the variable and the rule.
 */
import { resolve } from 'node:path';
import { POOL_WAIT_MS } from '../../../../libs/persistence/src/data-source.js';
import { DEFAULT_COUNTRY_CODE, isCountryCallingCode } from '../../../../libs/core/src/phone-number.js';

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

export interface AppConfig {
  nodeEnv: string;
  host: string;
  port: number;
  database: { kind: 'postgres'; url: string; poolSize: number; poolWaitMs?: number } | { kind: 'embedded'; dataDir: string };
  runMigrations: boolean;
  /** `auto`: load the demo data when the database has no departments yet (the embedded default). */
  seedDemoData: 'auto' | 'never';
  /** Secret: the bootstrap admin key. Never logged. */
  adminApiKey: string;
  adminApiKeyIsDemoDefault: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /**
   * ROUTING_ENGINE: `database` (default: every decision reads and locks the tables, any number of
   * instances) or `memory` (routing state in memory in one owner instance, group-committed writes).
   */
  routingEngine?: 'database' | 'memory';
  /**
   * ROUTING_ADVERTISE_URL: the base URL at which the other instances reach this one when it owns
   * the routing state (ROUTING_ENGINE=memory), e.g. `http://api-2.internal:3000`. Default: the
   * address the server listens on (with the host name when it listens on every interface).
   */
  routingAdvertiseUrl?: string | null;
  /** Run the routing engine's scheduled jobs (offer timeouts, wrap-up ends, sweeps); default true. */
  routingJobs?: boolean;
  /** Keep the report roll-ups up to date every second (REPORT_JOBS); default true. */
  reportJobs?: boolean;
  /**
   * On a PostgreSQL server, run that job in a worker thread with its own two connections
   * (REPORT_JOBS_THREAD); default true. Off, or on the embedded database, it runs in the thread that
   * serves requests.
   */
  reportJobsThread?: boolean;
  /** Run the intraday forecast check every 15 minutes (FORECAST_JOB_ENABLED). */
  forecastJobEnabled: boolean;
  /** Customer feedback: the survey sampling and invitation delivery jobs (FEEDBACK_JOBS); default true. */
  feedbackJobs?: boolean;
  /** Where survey invitations are posted (SURVEY_WEBHOOK_URL) and the HMAC key that signs them (secret, never logged). */
  surveyWebhook?: { url: string; secret: string } | null;
  /** The survey link sent to customers is this plus the token (SURVEY_LINK_BASE_URL). */
  surveyLinkBaseUrl?: string;
  /** Days after which raw personal data is removed (PERSONAL_DATA_RETENTION_DAYS; 0 = off); default 365. */
  personalDataRetentionDays?: number;
  /**
   * The country calling code of a phone number given in national form (`0401234567` →
   * `+358401234567`: libs/core normalisePhoneNumber), PHONE_DEFAULT_COUNTRY_CODE; default `358`.
   */
  phoneCountryCode?: string;
}

/** PHONE_DEFAULT_COUNTRY_CODE: 1–3 digits, not starting with 0 (a `+` in front is taken off). */
function phoneCountryCode(env: NodeJS.ProcessEnv, problems: string[]): string {
  const raw = env.PHONE_DEFAULT_COUNTRY_CODE?.trim();
  if (!raw) return DEFAULT_COUNTRY_CODE;
  const code = raw.startsWith('+') ? raw.slice(1) : raw;
  if (isCountryCallingCode(code)) return code;
  problems.push(`PHONE_DEFAULT_COUNTRY_CODE must be a country calling code: 1–3 digits, not starting with 0, e.g. 358 (got "${raw}")`);
  return DEFAULT_COUNTRY_CODE;
}

function advertiseUrl(env: NodeJS.ProcessEnv, problems: string[]): string | null {
  const url = env.ROUTING_ADVERTISE_URL?.trim();
  if (!url) return null;
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(url)) problems.push('ROUTING_ADVERTISE_URL must be an http:// or https:// URL');
  return url.replace(/\/+$/, '');
}

/** The admin key used when an embedded demo starts without ADMIN_API_KEY. Documented in README. */
export const DEMO_ADMIN_API_KEY = 'vuoro-demo-admin-key';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
  return fallback;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

/** Survey delivery and personal-data retention (customer feedback, data protection). */
function feedbackConfig(env: NodeJS.ProcessEnv, problems: string[]): Pick<AppConfig, 'feedbackJobs' | 'surveyWebhook' | 'surveyLinkBaseUrl' | 'personalDataRetentionDays'> {
  const url = env.SURVEY_WEBHOOK_URL?.trim() ?? '';
  const secret = env.SURVEY_WEBHOOK_SECRET ?? '';
  if (url && !/^https?:\/\/\S+$/.test(url)) problems.push('SURVEY_WEBHOOK_URL must be an http:// or https:// URL');
  if (url && secret.length < 32) problems.push('SURVEY_WEBHOOK_SECRET is required with SURVEY_WEBHOOK_URL (at least 32 characters)');
  const link = env.SURVEY_LINK_BASE_URL?.trim() || 'http://localhost:3000/v1/surveys/';
  if (!/^https?:\/\/\S+$/.test(link)) problems.push('SURVEY_LINK_BASE_URL must be an http:// or https:// URL');
  return {
    feedbackJobs: bool(env, 'FEEDBACK_JOBS', true, problems),
    surveyWebhook: url ? { url, secret } : null,
    surveyLinkBaseUrl: link,
    personalDataRetentionDays: int(env, 'PERSONAL_DATA_RETENTION_DAYS', 365, 0, 36500, problems),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const database: AppConfig['database'] = databaseUrl
    ? // At least 2: a scheduled job holds one connection for its advisory lock while it works on another.
      {
        kind: 'postgres',
        url: databaseUrl,
        poolSize: int(env, 'DATABASE_POOL_SIZE', 10, 2, 200, problems),
        poolWaitMs: int(env, 'DATABASE_POOL_WAIT_MS', POOL_WAIT_MS, 100, 600_000, problems),
      }
    : { kind: 'embedded', dataDir: resolve(env.DATA_DIR || './.data') };

  let adminApiKey = env.ADMIN_API_KEY ?? '';
  let adminApiKeyIsDemoDefault = false;
  if (!adminApiKey) {
    if (database.kind === 'embedded') {
      adminApiKey = DEMO_ADMIN_API_KEY;
      adminApiKeyIsDemoDefault = true;
    } else {
      problems.push('ADMIN_API_KEY is required when DATABASE_URL is set (at least 20 characters)');
    }
  } else if (adminApiKey.length < 20) {
    problems.push('ADMIN_API_KEY must be at least 20 characters long');
  }

  const config: AppConfig = {
    nodeEnv: env.NODE_ENV || 'development',
    host: env.HOST || '0.0.0.0',
    port: int(env, 'PORT', 3000, 0, 65535, problems),
    database,
    runMigrations: bool(env, 'MIGRATIONS_RUN', true, problems),
    seedDemoData: oneOf(env, 'SEED_DEMO_DATA', ['auto', 'never'] as const, database.kind === 'embedded' ? 'auto' : 'never', problems),
    adminApiKey,
    adminApiKeyIsDemoDefault,
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose'] as const, 'log', problems),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, 'json', problems),
    routingEngine: oneOf(env, 'ROUTING_ENGINE', ['database', 'memory'] as const, 'database', problems),
    routingAdvertiseUrl: advertiseUrl(env, problems),
    routingJobs: bool(env, 'ROUTING_JOBS', true, problems),
    reportJobs: bool(env, 'REPORT_JOBS', true, problems),
    reportJobsThread: bool(env, 'REPORT_JOBS_THREAD', true, problems),
    forecastJobEnabled: bool(env, 'FORECAST_JOB_ENABLED', true, problems),
    ...feedbackConfig(env, problems),
    phoneCountryCode: phoneCountryCode(env, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The injection token of the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
