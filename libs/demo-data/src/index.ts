export * from './generate-demo-data.js';
export * from './random.js';
export * from './demo-plan.js';
export * from './contact-history.js';
