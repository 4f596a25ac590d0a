import { ConfigError, DEMO_ADMIN_API_KEY, loadConfig } from './app-config.js';

describe('configuration', () => {
  it('defaults to the embedded database with demo data and the documented demo key', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/vuoro-x' });
    expect(config.database).toEqual({ kind: 'embedded', dataDir: '/tmp/vuoro-x' });
    expect(config.seedDemoData).toBe('auto');
    expect(config.adminApiKey).toBe(DEMO_ADMIN_API_KEY);
    expect(config.adminApiKeyIsDemoDefault).toBe(true);
    expect(config.port).toBe(3000);
  });

  it('uses PostgreSQL from DATABASE_URL and then requires a real admin key', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/vuoro' })).toThrow(/ADMIN_API_KEY is required/);
    const config = loadConfig({ DATABASE_URL: 'postgres://db/vuoro', ADMIN_API_KEY: 'a'.repeat(32), DATABASE_POOL_SIZE: '20' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://db/vuoro', poolSize: 20, poolWaitMs: 10_000 });
    const tuned = loadConfig({ DATABASE_URL: 'postgres://db/vuoro', ADMIN_API_KEY: 'a'.repeat(32), DATABASE_POOL_WAIT_MS: '2500' });
    expect(tuned.database).toEqual({ kind: 'postgres', url: 'postgres://db/vuoro', poolSize: 10, poolWaitMs: 2500 });
    expect(config.seedDemoData).toBe('never');
  });

  it('names every bad variable and its rule at once', () => {
    try {
      loadConfig({ PORT: 'eighty', MIGRATIONS_RUN: 'maybe', LOG_FORMAT: 'xml', DATABASE_URL: 'mysql://x', ADMIN_API_KEY: 'short' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'MIGRATIONS_RUN', 'LOG_FORMAT', 'DATABASE_URL', 'ADMIN_API_KEY']) expect(problems).toContain(name);
    }
  });

  it('needs a pool of at least 2 connections and a pool wait of at least 100 ms', () => {
    const postgres = { DATABASE_URL: 'postgres://db/vuoro', ADMIN_API_KEY: 'a'.repeat(32) };
    expect(() => loadConfig({ ...postgres, DATABASE_POOL_SIZE: '1' })).toThrow(/DATABASE_POOL_SIZE must be an integer from 2 to 200/);
    expect(() => loadConfig({ ...postgres, DATABASE_POOL_WAIT_MS: '0' })).toThrow(/DATABASE_POOL_WAIT_MS must be an integer from 100 to 600000/);
  });

  it('reads national phone numbers in Finland unless PHONE_DEFAULT_COUNTRY_CODE names another country code', () => {
    expect(loadConfig({}).phoneCountryCode).toBe('358');
    expect(loadConfig({ PHONE_DEFAULT_COUNTRY_CODE: '46' }).phoneCountryCode).toBe('46');
    expect(loadConfig({ PHONE_DEFAULT_COUNTRY_CODE: '+49' }).phoneCountryCode).toBe('49');
    for (const bad of ['0', '046', '3580', 'fi', '+', '35 8']) {
      expect(() => loadConfig({ PHONE_DEFAULT_COUNTRY_CODE: bad })).toThrow(/PHONE_DEFAULT_COUNTRY_CODE must be a country calling code: 1–3 digits, not starting with 0/);
    }
  });
});
