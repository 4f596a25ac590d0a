/**
 * Who calls Vuoro. `telephony` is the PBX / SIP proxy: it may route but not read reports.
 * `admin` manages keys and reference data; `supervisor` plans and manages agents and queues;
 * `manager` reads reports and approves loans of their staff; `agent` handles contacts.
 */
export const ROLES = ['admin', 'supervisor', 'manager', 'agent', 'telephony'] as const;
export type Role = (typeof ROLES)[number];
