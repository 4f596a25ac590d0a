import type { Role } from '../../../libs/core/src/role.js';

/** Customer feedback. The survey endpoints (/v1/surveys/{token}) are public: the token is the key. */
export const ROLE_MATRIX: Record<string, Role[]> = {
  'GET /v1/feedback/settings': ['admin', 'supervisor', 'manager'],
  'PUT /v1/feedback/settings': ['admin', 'supervisor'],
  'GET /v1/feedback/invitations': ['admin', 'supervisor'],
  'GET /v1/feedback/reports': ['admin', 'supervisor', 'manager'],
  'GET /v1/feedback/audit-sample': ['admin', 'manager'],
  // free text from customers (masked): the manager's, as the audit sample
  'GET /v1/feedback/comments': ['admin', 'manager'],
};
