export * from './channel.js';
export * from './domain-error.js';
export * from './role.js';
export * from './ids.js';
export * from './extremes.js';
export * from './idempotency.js';
export * from './phone-number.js';
