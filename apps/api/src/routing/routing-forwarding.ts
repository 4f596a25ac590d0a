/**
 * Forwarding routing operations to the owner (ROUTING_ENGINE=memory): only the instance holding
 * the routing lock keeps the state, so the others send each operation — its name and arguments —
 * to the owner's internal endpoint (POST /internal/routing/{op}, RoutingInternalController) and
 * answer with its result or its error. Arguments and results travel as JSON with dates tagged, so
 * both sides see the same values as a local call.
 */
import http from 'node:http';
import https from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import { DomainError, type DomainErrorKind, type FieldViolation } from '../../../../libs/core/src/domain-error.js';
import type { OwnerAddress } from '../../../../libs/persistence/src/routing-store/routing-owner.js';

/** The operations an instance forwards to the owner. */
export const FORWARDED_OPS = ['decidePhone', 'pollPhoneDecision', 'createContact', 'retriedHandIn', 'linkCustomer', 'acceptOffer', 'rejectOffer', 'complete', 'transfer', 'setAgentState', 'retireAgent', 'restoreAgent', 'telephonyEvent', 'requestCallback', 'abandonContact', 'endContact', 'routeContact', 'invalidate'] as const;
export type ForwardedOp = (typeof FORWARDED_OPS)[number];

export const ROUTING_SECRET_HEADER = 'x-vuoro-routing-secret';
export const FORWARD_PATH = '/internal/routing/';

/** JSON in which a Date stays a Date: `{"$date": iso}` on the wire. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : v;
  });
}

export function decodeWire<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$date === 'string' && Object.keys(o).length === 1) return new Date(o.$date);
    }
    return v;
  }) as T;
}

/** What the owner answers: the operation's result, or the domain error it threw. */
/** A DomainError on the wire: every member the problem+json answer is made of (Retry-After included). */
interface WireError {
  kind: DomainErrorKind;
  code: string;
  message: string;
  violations: FieldViolation[];
  retryAfterSeconds?: number;
  extensions?: Readonly<Record<string, string | number | null>>;
}

export type ForwardReply = { ok: unknown } | { error: WireError };

export function replyOf(result: { ok: unknown } | { error: unknown }): ForwardReply | null {
  if ('ok' in result) return { ok: result.ok === undefined ? null : result.ok };
  const e = result.error;
  if (!(e instanceof DomainError)) return null;
  const error: WireError = { kind: e.kind, code: e.code, message: e.message, violations: e.violations };
  if (e.retryAfterSeconds !== undefined) error.retryAfterSeconds = e.retryAfterSeconds;
  if (e.extensions) error.extensions = e.extensions;
  return { error };
}

/** The owner's DomainError as the forwarding instance throws it: the same answer, status, body and Retry-After. */
export function errorOf(e: WireError): DomainError {
  return new DomainError(e.kind, e.code, e.message, e.violations, e.retryAfterSeconds, e.extensions);
}

export function secretMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/**
 * The owner could not be reached, or is no longer the owner. `retryable`: the operation surely did
 * not run there (connection refused, or the owner refused it), so it may be sent again elsewhere.
 */
export class OwnerUnreachable extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * Sends one operation to the owner. Resolves with the result, rejects with the owner's DomainError,
 * or with OwnerUnreachable when it cannot be reached or is no longer the owner (the caller then reads
 * the owner's address again).
 */
export function forwardToOwner(owner: OwnerAddress & { url: string }, op: ForwardedOp, args: unknown[], timeoutMs: number): Promise<unknown> {
  const url = new URL(`${owner.url}${FORWARD_PATH}${op}`);
  const body = Buffer.from(encodeWire({ args }));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        headers: { 'content-type': 'application/json', 'content-length': body.length, [ROUTING_SECRET_HEADER]: owner.secret },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new OwnerUnreachable(err.message, false)));
        res.on('end', () => {
          // 403: the secret is no longer the owner's (a new owner took over); nothing ran.
          if (res.statusCode !== 200) return reject(new OwnerUnreachable(`the routing owner answered ${res.statusCode}`, res.statusCode === 403 || res.statusCode === 404));
          let reply: ForwardReply;
          try {
            reply = decodeWire<ForwardReply>(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(new OwnerUnreachable('the routing owner answered something that is not JSON', false));
          }
          if ('ok' in reply) return resolve(reply.ok);
          const e = reply.error;
          if (e.code === 'routing.not_owner') return reject(new OwnerUnreachable('the instance is no longer the routing owner', true));
          reject(errorOf(e));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // Refused, or a kept-alive socket the owner had closed (Node's reusedSocket + ECONNRESET): the request never arrived.
    req.on('error', (err: NodeJS.ErrnoException) => reject(new OwnerUnreachable(err.message, err.code === 'ECONNREFUSED' || (req.reusedSocket && err.code === 'ECONNRESET'))));
    req.end(body);
  });
}
