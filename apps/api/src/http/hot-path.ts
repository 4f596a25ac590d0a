/**
 * The hot path: the operations the telephony system and agent desktops call for every contact
 * (decisions, call events, chat/email hand-in, offers, accept, complete) are answered straight from
 * node:http, without Express's router and body parsers and Nest's per-request pipeline, which cost
 * several times the routing work itself.
 *
 * It is the same operation, not a second implementation: each hot route is a Nest controller
 * method, found by its own metadata (path, HTTP method, status code, roles, parameter decorators),
 * and called with the arguments Nest would pass. Only the plain, valid case is served here; anything
 * else — no or unknown key (not in the key cache yet), a role not allowed, a malformed id, a body the
 * DTO's quick check does not accept, a query string, an unexpected content type or size — goes on to
 * Express and Nest unchanged (with the body already read), so every error and every validation
 * message still comes from the one Nest pipeline. Errors the operation itself throws are answered
 * with the same problem+json as the global filter (problemFor).
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { INestApplication, Type } from '@nestjs/common';
import { Logger, ParseUUIDPipe, RequestMethod } from '@nestjs/common';
import { CUSTOM_ROUTE_ARGS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Role } from '../../../../libs/core/src/role.js';
import { ApiKeyAuthenticator, mayCall, type Caller } from '../auth/api-key-authenticator.js';
import { ROLES_KEY } from '../auth/roles.decorator.js';
import { problemFor } from '../common/problem-details.filter.js';
import { PROBLEM_CONTENT_TYPE, problem } from '../common/problem-details.js';
import { bodyCheckFor } from '../common/validation.js';
import { MetricsRegistry } from '../health/metrics.js';

/** A controller method served on the hot path. */
export interface HotRouteSpec {
  controller: Type<object>;
  method: string;
}

/** Bodies larger than this (or of unknown length) take the usual path, which enforces the 1 MB limit. */
const MAX_HOT_BODY = 64 * 1024;
const JSON_TYPE = /^application\/json\s*(;|$)/i;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = `${PROBLEM_CONTENT_TYPE}; charset=utf-8`;

type Dto = abstract new (...args: never[]) => unknown;

/** How to produce one argument of the controller method. */
type ArgSource =
  | { kind: 'body'; dto: Dto; check: (body: Record<string, unknown>) => boolean }
  | { kind: 'param'; name: string; uuid: ParseUUIDPipe | null }
  | { kind: 'custom'; factory: (data: unknown, ctx: unknown) => unknown; data: unknown };

interface CompiledRoute {
  httpMethod: 'GET' | 'POST' | 'PUT';
  /** Literal segments, or null where a parameter goes (named in paramNames). */
  segments: (string | null)[];
  paramNames: string[];
  label: string;
  /** The route as the hot-path counter names it: method and path pattern. */
  counted: string;
  roles: readonly Role[];
  status: number;
  args: ArgSource[];
  needsBody: boolean;
  invoke: (args: unknown[]) => unknown;
}

interface Matched {
  route: CompiledRoute;
  params: Record<string, string>;
}

const METHODS: Partial<Record<RequestMethod, CompiledRoute['httpMethod']>> = { [RequestMethod.GET]: 'GET', [RequestMethod.POST]: 'POST', [RequestMethod.PUT]: 'PUT' };

function joinPath(...parts: string[]): string {
  return `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
}

/** Reads a controller method's Nest metadata into a route the hot path can serve; throws when the method uses something the hot path cannot reproduce. */
export function compileHotRoute(instance: object, spec: HotRouteSpec): CompiledRoute {
  const name = `${spec.controller.name}.${spec.method}`;
  const handler = (spec.controller.prototype as Record<string, unknown>)[spec.method];
  if (typeof handler !== 'function') throw new Error(`hot path: ${name} is not a method`);
  const httpMethod = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
  if (!httpMethod) throw new Error(`hot path: ${name} is not a GET, POST or PUT route`);
  const controllerPath = Reflect.getMetadata(PATH_METADATA, spec.controller) as string | string[];
  const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[];
  if (Array.isArray(controllerPath) || Array.isArray(methodPath)) throw new Error(`hot path: ${name} has several paths`);
  const label = joinPath(controllerPath, methodPath);
  const segments = label.split('/').slice(1).map((s) => (s.startsWith(':') ? null : s));
  const paramNames = label.split('/').slice(1).filter((s) => s.startsWith(':')).map((s) => s.slice(1));
  const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, spec.controller)) as Role[] | undefined;
  if (!roles) throw new Error(`hot path: ${name} has no @Roles (public or admin-only routes are not hot)`);
  const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (httpMethod === 'POST' ? 201 : 200);

  const argsMeta = (Reflect.getMetadata(ROUTE_ARGS_METADATA, spec.controller, spec.method) ?? {}) as Record<string, { index: number; data?: unknown; pipes?: unknown[]; factory?: (data: unknown, ctx: unknown) => unknown }>;
  const types = (Reflect.getMetadata('design:paramtypes', spec.controller.prototype, spec.method) ?? []) as Dto[];
  const args: ArgSource[] = [];
  for (const [key, meta] of Object.entries(argsMeta)) {
    const pipes = meta.pipes ?? [];
    if (key.includes(CUSTOM_ROUTE_ARGS_METADATA)) {
      if (pipes.length || !meta.factory) throw new Error(`hot path: ${name} argument ${meta.index} has pipes`);
      args[meta.index] = { kind: 'custom', factory: meta.factory, data: meta.data };
      continue;
    }
    const type = Number(key.split(':')[0]) as RouteParamtypes;
    if (type === RouteParamtypes.BODY && meta.data === undefined && !pipes.length) {
      const dto = types[meta.index];
      const check = dto ? bodyCheckFor(dto) : undefined;
      if (!check) throw new Error(`hot path: ${name}'s body DTO has no registered quick check (registerBodyCheck)`);
      args[meta.index] = { kind: 'body', dto, check };
    } else if (type === RouteParamtypes.PARAM && typeof meta.data === 'string' && paramNames.includes(meta.data)) {
      const uuid = pipes.length === 1 && pipes[0] instanceof ParseUUIDPipe ? pipes[0] : null;
      if (pipes.length && !uuid) throw new Error(`hot path: ${name} parameter ${meta.data} has pipes other than a UUID check`);
      args[meta.index] = { kind: 'param', name: meta.data, uuid };
    } else {
      throw new Error(`hot path: ${name} argument ${meta.index} is of a kind the hot path does not serve`);
    }
  }
  if (args.length !== handler.length || args.some((a) => a === undefined)) throw new Error(`hot path: ${name} has undecorated arguments`);
  const bound = (handler as (...a: unknown[]) => unknown).bind(instance);
  return { httpMethod, segments, paramNames, label, counted: `${httpMethod} ${label}`, roles, status, args, needsBody: args.some((a) => a.kind === 'body'), invoke: (a) => bound(...a) };
}

function match(routes: readonly CompiledRoute[], method: string, url: string): Matched | null {
  if (url.includes('?') || url.includes('%')) return null;
  const parts = url.split('/');
  if (parts[0] !== '') return null;
  for (const route of routes) {
    if (route.httpMethod !== method || route.segments.length !== parts.length - 1) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0, p = 0; i < route.segments.length && ok; i++) {
      const seg = route.segments[i];
      const part = parts[i + 1];
      if (seg === null) {
        if (!part) ok = false;
        else params[route.paramNames[p++]] = part;
      } else if (seg !== part) ok = false;
    }
    if (ok) return { route, params };
  }
  return null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string | null): void {
  res.statusCode = status;
  if (body === null) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * Serves `specs` on the application's HTTP server ahead of Express; every other request (and every
 * hot request that is not the plain valid case) goes to Express as before. Call after `app.init()`.
 */
export function installHotPath(app: INestApplication, specs: readonly HotRouteSpec[]): void {
  const routes = specs.map((spec) => compileHotRoute(app.get(spec.controller, { strict: false }), spec));
  const auth = app.get(ApiKeyAuthenticator, { strict: false });
  const metrics = app.get(MetricsRegistry, { strict: false });
  const logger = new Logger('HotPath');
  const server = app.getHttpServer() as Server;
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`hot path: expected one request listener (Express), found ${listeners.length}`);
  const express = listeners[0];
  server.removeAllListeners('request');

  const serve = async (req: IncomingMessage, res: ServerResponse, found: Matched, caller: Caller, end: (labels: { method: string; route: string; status: string }) => void, noBody: boolean): Promise<void> => {
    const { route, params } = found;
    // The parameters' own pipes (the UUID check) decide; a rejected value takes the usual path.
    const values: Record<string, string> = {};
    for (const a of route.args) {
      if (a.kind !== 'param') continue;
      try {
        values[a.name] = a.uuid ? ((await a.uuid.transform(params[a.name], { type: 'param', data: a.name })) as string) : params[a.name];
      } catch {
        return passOn(req, res, route, undefined);
      }
    }
    let body: unknown;
    // No body is what Nest validates as an empty object (ValidationPipe toEmptyIfNil).
    if (route.needsBody && noBody) body = {};
    else if (route.needsBody) {
      const text = await readBody(req);
      try {
        body = JSON.parse(text);
      } catch (err) {
        // What body-parser answers: 400 request.malformed, as problem+json.
        const p = problem(400, 'request.malformed', err instanceof Error ? err.message : 'The request body is not valid JSON', { instance: req.url });
        send(res, 400, PROBLEM_TYPE, JSON.stringify(p));
        end({ method: route.httpMethod, route: route.label, status: '400' });
        metrics.hotPath.inc({ route: route.counted, outcome: 'served' });
        return;
      }
    }
    const args: unknown[] = [];
    for (const a of route.args) {
      if (a.kind === 'param') {
        args.push(values[a.name]);
      } else if (a.kind === 'body') {
        if (body === null || typeof body !== 'object' || Array.isArray(body) || !a.check(body as Record<string, unknown>)) return passOn(req, res, route, body);
        args.push(Object.assign(Object.create(a.dto.prototype as object) as object, body));
      } else {
        args.push(a.factory(a.data, { switchToHttp: () => ({ getRequest: () => ({ caller, headers: req.headers }) }) }));
      }
    }
    let status = route.status;
    let payload: string | null;
    let type = JSON_CONTENT_TYPE;
    try {
      const result = await route.invoke(args);
      payload = result === undefined ? null : JSON.stringify(result);
    } catch (err) {
      const p = problemFor(err, req.url ?? route.label, logger);
      status = p.status;
      type = PROBLEM_TYPE;
      payload = JSON.stringify(p);
    }
    send(res, status, type, payload);
    end({ method: route.httpMethod, route: route.label, status: String(status) });
    metrics.hotPath.inc({ route: route.counted, outcome: 'served' });
  };

  /** Hands a hot route's request to Express; a body already read stays in `req.body` (body-parser sees a finished stream and keeps it). */
  const passOn = (req: IncomingMessage, res: ServerResponse, route: CompiledRoute, body: unknown): void => {
    metrics.hotPath.inc({ route: route.counted, outcome: 'passed_on' });
    if (body !== undefined) (req as IncomingMessage & { body?: unknown }).body = body;
    express(req, res);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const found = req.url && req.method ? match(routes, req.method, req.url) : null;
    if (!found) return express(req, res);
    const caller = auth.cached(req.headers.authorization);
    if (!caller || !mayCall(caller, found.route.roles)) return passOn(req, res, found.route, undefined);
    // A request without a body (as json-bodies-only.ts tells one: no length, or 0, and no chunks):
    // its body DTO's quick check decides on an empty object, whatever the content type says.
    const noBody = Number(req.headers['content-length'] ?? 0) === 0 && req.headers['transfer-encoding'] === undefined;
    if (found.route.needsBody && !noBody) {
      const length = Number(req.headers['content-length']);
      if (!JSON_TYPE.test(req.headers['content-type'] ?? '') || !(length > 0 && length <= MAX_HOT_BODY) || req.headers['content-encoding']) return passOn(req, res, found.route, undefined);
    }
    const end = metrics.httpDuration.startTimer();
    serve(req, res, found, caller, end, noBody).catch((err: unknown) => {
      logger.error({ msg: 'hot path failed', err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
      if (!res.headersSent) send(res, 500, PROBLEM_TYPE, JSON.stringify(problem(500, 'internal', 'An unexpected error occurred.', { instance: req.url })));
      else res.destroy();
    });
  });
}
