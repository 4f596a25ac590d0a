import type { Role } from '../../../libs/core/src/role.js';

export const ROLE_MATRIX: Record<string, Role[]> = {
  'GET /v1/reports/contacts': ['admin', 'supervisor', 'manager'],
  'GET /v1/reports/email-replies': ['admin', 'supervisor', 'manager'],
  'GET /v1/reports/email-backlog': ['admin', 'supervisor', 'manager'],
  'GET /v1/reports/chat-first-response': ['admin', 'supervisor', 'manager'],
  'GET /v1/reports/first-contact-resolution': ['admin', 'supervisor', 'manager'],
};
