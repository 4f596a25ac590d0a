/**
 * Delivery of survey invitations: what a gateway is told and how failures are retried.
 * The gateway decides how the message reaches the customer (SMS to the caller's number, or e-mail
 * to the address the chat/e-mail gateway holds behind its reference).
 */
export interface InvitationMessage {
  /** Stable per invitation: the gateway must deliver a repeated key only once. */
  idempotencyKey: string;
  invitationId: string;
  medium: 'sms' | 'email';
  /** Phone contacts: the caller's number; chat/e-mail: the gateway's own customer reference. */
  recipient: { phoneNumber: string } | { customerRef: string };
  language: string | null;
  surveyUrl: string;
  expiresAt: string;
}

export type DeliveryOutcome = { outcome: 'delivered' } | { outcome: 'retry'; reason: string } | { outcome: 'rejected'; reason: string };

/** The adapter interface every gateway implements (SMS, e-mail, webhook). Holds no per-message state. */
export interface InvitationGateway {
  readonly name: string;
  deliver(message: InvitationMessage): Promise<DeliveryOutcome>;
}

/** Exponential backoff: 30 s, 1 min, 2 min, … capped at one hour (attempt counts from 1). */
export function retryDelaySeconds(attempt: number, baseSeconds = 30, capSeconds = 3600): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt counts from 1 (got ${attempt})`);
  return Math.min(capSeconds, baseSeconds * 2 ** Math.min(attempt - 1, 30));
}
