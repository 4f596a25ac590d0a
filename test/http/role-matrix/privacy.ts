import type { Role } from '../../../libs/core/src/role.js';

/** Erasure is irreversible and names a person: admin only (no other role needs it day to day). */
export const ROLE_MATRIX: Record<string, Role[]> = {
  'POST /v1/customers/{id}/erasure': ['admin'],
  'POST /v1/customers/erasure': ['admin'],
  // counts only, as GET /v1/audit-log (whose readers it has)
  'GET /v1/audit-log/retention-runs': ['admin', 'supervisor', 'manager'],
};
