import type { NextFunction, Request, Response } from 'express';
import { problem } from '../common/problem-details.js';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * Request bodies are JSON. A body sent as anything else (a form, text/plain, no Content-Type) was
 * read as an empty object and answered with a 422 listing every field as missing; it is now a 415
 * that says what to send. Requests without a body pass.
 */
export function jsonBodiesOnly(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return next();
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const type = req.headers['content-type'] ?? '';
  if (!hasBody || JSON_TYPE.test(type)) return next();
  const p = problem(415, 'request.unsupported_media_type', `The request body must be application/json (got ${type ? type.split(';')[0] : 'no Content-Type'})`, { instance: req.originalUrl });
  res.status(415).type('application/problem+json').send(JSON.stringify(p));
}
