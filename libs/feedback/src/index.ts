export * from './audit-sample.js';
export * from './comment-redaction.js';
export * from './csv.js';
export * from './delivery.js';
export * from './nps.js';
export * from './random.js';
export * from './sampling.js';
export * from './wilson.js';
