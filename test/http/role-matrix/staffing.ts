import type { Role } from '../../../libs/core/src/role.js';

/** Staffing what-ifs and the simulator: planners and managers (not telephony, not agents). */
export const ROLE_MATRIX: Record<string, Role[]> = {
  'POST /v1/staffing/requirements': ['admin', 'supervisor', 'manager'],
  'POST /v1/staffing/requirements/horizon': ['admin', 'supervisor', 'manager'],
  'POST /v1/staffing/simulations': ['admin', 'supervisor', 'manager'],
};
