import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  new Logger('Vuoro').log({ msg: 'listening', url, docs: `${url}/docs`, database: config.database.kind });
}

main().catch((err: unknown) => {
  new Logger('Vuoro').error({ msg: 'start-up failed', err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
  process.exit(1);
});
