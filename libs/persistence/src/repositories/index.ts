export * from './agent.repository.js';
export * from './api-key.repository.js';
export * from './business-calendar.repository.js';
export * from './department.repository.js';
export * from './page.js';
export * from './queue.repository.js';
export * from './skill.repository.js';
export * from './demo-data.repository.js';
