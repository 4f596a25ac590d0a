import type { Role } from '../../../libs/core/src/role.js';

export const ROLE_MATRIX: Record<string, Role[]> = {
  'GET /v1/queues/{id}/forecast': ['admin', 'supervisor', 'manager'],
  'POST /v1/forecasts/backtests': ['admin', 'supervisor', 'manager'],
  'GET /v1/letter-batches': ['admin', 'supervisor', 'manager'],
  'GET /v1/letter-batches/{id}': ['admin', 'supervisor', 'manager'],
  'POST /v1/letter-batches': ['admin', 'supervisor'],
  'PUT /v1/letter-batches/{id}': ['admin', 'supervisor'],
  'DELETE /v1/letter-batches/{id}': ['admin', 'supervisor'],
  'GET /v1/forecast-alerts': ['admin', 'supervisor', 'manager'],
  'POST /v1/forecast-alerts/{id}/acknowledge': ['admin', 'supervisor'],
};
