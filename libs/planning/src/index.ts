/** Shift planning for Vuoro: templates, contracts, coverage, MIP schedule generation (HiGHS), hand edits, borrowing suggestions. */
export * from './model.js';
export * from './coverage.js';
export * from './contracts.js';
export * from './generate-schedule.js';
export * from './schedule-edits.js';
export * from './borrowing.js';
export * from './spike-day-scenario.js';
export * from './spike-day-suggestions.js';
export * from './day-alternatives.js';
export * from './fill-schedule.js';
