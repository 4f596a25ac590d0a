import { Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import { Public } from '../auth/roles.decorator.js';
import { MemoryRoutingEngine } from './memory-routing-engine.js';
import { decodeWire, encodeWire, FORWARDED_OPS, replyOf, ROUTING_SECRET_HEADER, type ForwardedOp } from './routing-forwarding.js';
import { RoutingEngine } from './routing-engine.js';

/**
 * The owner's side of forwarding (routing-forwarding.ts): another instance sends a routing operation
 * with the owner's secret; the answer is its result or its domain error, as tagged JSON. Not part of
 * the public API (hidden from /docs); without the secret it answers 403.
 */
@ApiExcludeController()
@Public()
@Controller('internal/routing')
export class RoutingInternalController {
  constructor(private readonly engine: RoutingEngine) {}

  @Post(':op')
  @HttpCode(200)
  async run(@Param('op') op: string, @Headers(ROUTING_SECRET_HEADER) secret: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const engine = this.engine instanceof MemoryRoutingEngine ? this.engine : null;
    if (!engine) throw new DomainError('not-found', 'route.not_found', 'forwarding is used only with ROUTING_ENGINE=memory');
    if (!(FORWARDED_OPS as readonly string[]).includes(op)) throw new DomainError('not-found', 'route.not_found', `unknown routing operation ${op}`);
    if (!(await engine.acceptsForwardSecret(secret))) throw new DomainError('forbidden', 'routing.forward_secret', 'a forwarded routing operation needs the current owner secret');
    // The body arrives parsed by express.json; dates are tagged, so decode from its JSON again.
    const { args } = decodeWire<{ args: unknown[] }>(JSON.stringify(req.body ?? {}));
    if (!Array.isArray(args)) throw new DomainError('unprocessable', 'validation.failed', 'args must be an array', [{ field: 'args', rule: 'isArray', message: 'args must be an array' }]);
    let reply;
    try {
      reply = replyOf({ ok: await engine.serveForwarded(op as ForwardedOp, args) });
    } catch (error) {
      reply = replyOf({ error });
      if (!reply) throw error;
    }
    res.status(200).type('application/json').send(encodeWire(reply));
  }
}
