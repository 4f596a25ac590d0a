import type { Role } from '../../../libs/core/src/role.js';

/** The routing engine: telephony contract, agent desk, contacts, entry points, live queue statistics. */
export const ROLE_MATRIX: Record<string, Role[]> = {
  'POST /v1/routing/decisions': ['admin', 'telephony'],
  'GET /v1/routing/decisions/{callId}': ['admin', 'telephony'],
  'POST /v1/routing/events': ['admin', 'telephony'],
  'POST /v1/routing/callbacks': ['admin', 'telephony'],
  'GET /v1/entry-points': ['admin', 'supervisor', 'manager'],
  'GET /v1/entry-points/{id}': ['admin', 'supervisor', 'manager'],
  'POST /v1/entry-points': ['admin', 'supervisor'],
  'PUT /v1/entry-points/{id}': ['admin', 'supervisor'],
  'DELETE /v1/entry-points/{id}': ['admin', 'supervisor'],
  'GET /v1/queues/{id}/routing-settings': ['admin', 'supervisor', 'manager'],
  'PUT /v1/queues/{id}/routing-settings': ['admin', 'supervisor'],
  'PUT /v1/agents/{id}/state': ['admin', 'supervisor', 'agent'],
  'GET /v1/agents/{id}/state': ['admin', 'supervisor', 'manager', 'agent'],
  'GET /v1/agents/{id}/offers': ['admin', 'supervisor', 'agent'],
  'GET /v1/agents/{id}/offers/stream': ['admin', 'supervisor', 'agent'],
  'POST /v1/agents/{id}/offers/{offerId}/accept': ['admin', 'agent'],
  'POST /v1/agents/{id}/offers/{offerId}/reject': ['admin', 'agent'],
  'POST /v1/agents/{id}/contacts/{contactId}/complete': ['admin', 'agent'],
  'POST /v1/agents/{id}/contacts/{contactId}/transfer': ['admin', 'agent'],
  'GET /v1/agents/{id}/transfer-targets': ['admin', 'supervisor', 'agent'],
  'POST /v1/agents/{id}/api-keys': ['admin'],
  'POST /v1/contacts': ['admin', 'telephony'],
  'POST /v1/contacts/{id}/abandon': ['admin', 'telephony'],
  // The CRM links a gateway reference and a number: the integrations' role, as POST /v1/contacts.
  'PUT /v1/customers/{customerRef}/phone-number': ['admin', 'telephony'],
  'GET /v1/contacts/{id}': ['admin', 'supervisor', 'manager', 'agent'],
  'GET /v1/contacts/{id}/explanation': ['admin', 'supervisor', 'manager', 'agent'],
  'GET /v1/queues/{id}/stats': ['admin', 'supervisor', 'manager'],
  'GET /v1/queues/{id}/stats/stream': ['admin', 'supervisor', 'manager'],
};
