import { createHmac } from 'node:crypto';
import type { DeliveryOutcome, InvitationGateway, InvitationMessage } from '../../../../libs/feedback/src/delivery.js';

/** The Nest token of the configured gateway (null: none configured, invitations wait and expire). */
export abstract class SurveyInvitationGateway implements InvitationGateway {
  abstract readonly name: string;
  abstract deliver(message: InvitationMessage): Promise<DeliveryOutcome>;
}

/**
 * Posts each invitation as JSON to a configured URL (an SMS or e-mail gateway, or a bridge to one).
 * Headers: `Idempotency-Key` (the same on every retry of one invitation — the receiver delivers a
 * key once) and `X-Vuoro-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
 * shared secret>`. 2xx: delivered; 408, 425, 429, 5xx and network errors: retried with backoff;
 * other 4xx: rejected for good. Neither the body nor the recipient is ever logged.
 */
export class WebhookInvitationGateway extends SurveyInvitationGateway {
  readonly name = 'webhook';

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly now: () => Date = () => new Date(),
    private readonly timeoutMs = 10_000,
  ) {
    super();
  }

  static sign(secret: string, timestamp: number, body: string): string {
    return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  }

  async deliver(message: InvitationMessage): Promise<DeliveryOutcome> {
    const body = JSON.stringify({ type: 'survey.invitation', ...message });
    const t = Math.floor(this.now().getTime() / 1000);
    let status: number;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': message.idempotencyKey, 'x-vuoro-signature': WebhookInvitationGateway.sign(this.secret, t, body) },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      return { outcome: 'retry', reason: `network: ${err instanceof Error ? err.name : 'error'}` };
    }
    if (status >= 200 && status < 300) return { outcome: 'delivered' };
    if (status === 408 || status === 425 || status === 429 || status >= 500) return { outcome: 'retry', reason: `HTTP ${status}` };
    return { outcome: 'rejected', reason: `HTTP ${status}` };
  }
}
