/**
 * The routing benchmark's load generator: a minimal HTTP/1.1 client over kept-alive TCP connections,
 * one request in flight per connection (as node:http's keep-alive Agent, without pipelining).
 *
 * Why not node:http: the load generator shares the machine's two cores with the API and PostgreSQL,
 * and its CPU is taken from theirs. node:http's client spent ~0.25 ms of CPU per request here (a
 * request object, header validation, parser set-up, events), pgbench's C client ~0.2 ms per whole
 * transaction. This client writes each request as one buffer and reads responses framed by
 * Content-Length or chunked transfer encoding — enough for a JSON API — so the measurement costs the
 * service less of the machine.
 */
import net from 'node:net';

export interface LeanResponse {
  status: number;
  body: string;
}

interface Pending {
  resolve: (r: LeanResponse) => void;
  reject: (err: Error) => void;
  /** Whether the connection had served a request before this one (a stale kept-alive socket may reset). */
  reused: boolean;
  gotBytes: boolean;
}

class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private pending: Pending | null = null;
  private served = 0;
  closed = false;

  constructor(
    readonly socket: net.Socket,
    private readonly onIdle: (c: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.data(d));
    socket.on('error', (err) => this.fail(err));
    const ended = () => this.fail(Object.assign(new Error('socket closed'), { code: 'ECONNRESET' }));
    // The server closing an idle kept-alive socket sends FIN first ('end'); a write after it fails.
    socket.on('end', ended);
    socket.on('close', ended);
  }

  send(request: Buffer): Promise<LeanResponse> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, reused: this.served > 0, gotBytes: false };
      if (this.closed || !this.socket.writable) return this.fail(Object.assign(new Error('socket ended by the server'), { code: 'ECONNRESET' }));
      this.socket.write(request);
    });
  }

  private fail(err: Error): void {
    this.closed = true;
    const p = this.pending;
    this.pending = null;
    if (p) p.reject(Object.assign(err, { reusedSocket: p.reused && !p.gotBytes }));
  }

  private data(d: Buffer): void {
    if (this.pending) this.pending.gotBytes = true;
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const res = parseResponse(this.buf);
    if (!res) return;
    this.buf = this.buf.subarray(res.consumed);
    const p = this.pending;
    this.pending = null;
    this.served++;
    if (res.close) {
      this.closed = true;
      this.socket.destroy();
    } else {
      this.onIdle(this);
    }
    p?.resolve({ status: res.status, body: res.body });
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One complete response at the start of `buf`, or null while it is incomplete. */
function parseResponse(buf: Buffer): { status: number; body: string; consumed: number; close: boolean } | null {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return null;
  const head = buf.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  let length = -1;
  let chunked = false;
  let close = false;
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim().toLowerCase();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.includes('chunked');
    else if (name === 'connection') close = value === 'close';
  }
  const start = end + 4;
  if (chunked) {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      const dataStart = lineEnd + 2;
      if (buf.length < dataStart + size + 2) return null;
      if (size === 0) return { status, body: Buffer.concat(parts).toString('utf8'), consumed: dataStart + 2, close };
      parts.push(buf.subarray(dataStart, dataStart + size));
      at = dataStart + size + 2;
    }
  }
  if (length < 0) length = 0;
  if (buf.length < start + length) return null;
  return { status, body: buf.toString('utf8', start, start + length), consumed: start + length, close };
}

/** Kept-alive connections to one host, any number of ports; requests go to the port the caller names. */
export class LeanHttpClient {
  private readonly idle = new Map<number, Connection[]>();
  private readonly all = new Set<Connection>();

  constructor(private readonly host = '127.0.0.1') {}

  async request(port: number, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<LeanResponse> {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${port}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    head += `Content-Length: ${body?.length ?? 0}\r\n\r\n`;
    const request = body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
    const conn = await this.connection(port);
    return conn.send(request);
  }

  /** Closes every connection (the API's graceful shutdown waits for kept-alive sockets). */
  destroy(): void {
    for (const c of this.all) c.socket.destroy();
    this.all.clear();
    this.idle.clear();
  }

  private connection(port: number): Promise<Connection> {
    const list = this.idle.get(port);
    while (list?.length) {
      const c = list.pop()!;
      if (!c.closed) return Promise.resolve(c);
    }
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port });
      const c = new Connection(socket, (idle) => {
        const l = this.idle.get(port) ?? this.idle.set(port, []).get(port)!;
        l.push(idle);
      });
      this.all.add(c);
      socket.once('close', () => this.all.delete(c));
      socket.once('connect', () => resolve(c));
      socket.once('error', reject);
    });
  }
}
