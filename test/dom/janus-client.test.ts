// The renderer's Janus client against a scripted WebSocket: every refused message is a typed error that changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_JANUS_MESSAGE_CHARS, MAX_JANUS_PENDING, MAX_JANUS_PUBLISHERS } from '../../protocol/janus';
import { JanusConnection, JanusError, type JanusSocket } from '../../renderer/src/rtc/sfu/janus-connection';

type Json = Record<string, unknown>;

/** Plays Janus: records what the client sends and delivers what the test scripts. */
class FakeJanusSocket implements JanusSocket {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  readonly sent: Json[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly url: string, readonly protocol: string) { queueMicrotask(() => { this.readyState = 1; this.onopen?.({}); }); }
  send(data: string): void { this.sent.push(JSON.parse(data) as Json); for (const w of this.waiters.splice(0)) w(); }
  close(): void { this.readyState = 3; }
  deliver(m: Json | string): void { this.onmessage?.({ data: typeof m === 'string' ? m : JSON.stringify(m) }); }
  /** Resolves once the client has sent `n` messages. */
  async sentCount(n: number): Promise<Json> {
    while (this.sent.length < n) await new Promise<void>((r) => this.waiters.push(r));
    return this.sent[n - 1]!;
  }
}

const SESSION = 4242;
const HANDLE = 777;
const TOKEN = '1700000600,janus,janus.plugin.videoroom:lFpw+CATOLXNWo8Wjy96a4Ggd4w=';
let sock: FakeJanusSocket;
let conn: JanusConnection;
let refused: JanusError[];

async function connected(): Promise<void> {
  conn = new JanusConnection({ url: 'ws://127.0.0.1:1/janus', token: TOKEN, socket: (url, protocol) => (sock = new FakeJanusSocket(url, protocol)), requestTimeoutMs: 2000, keepaliveMs: 60_000 });
  refused = [];
  conn.events.on('refused', (e) => refused.push(e));
  const created = conn.create();
  const req = await sock.sentCount(1);
  sock.deliver({ janus: 'success', transaction: req.transaction, data: { id: SESSION } });
  await created;
  const attached = conn.attach();
  const att = await sock.sentCount(2);
  sock.deliver({ janus: 'success', transaction: att.transaction, session_id: SESSION, data: { id: HANDLE } });
  expect(await attached).toBe(HANDLE);
}

/** Starts a VideoRoom join and returns its transaction; the promise settles only on the matching event. */
async function pendingJoin(): Promise<{ tx: string; result: Promise<unknown>; settled: () => boolean }> {
  let done = false;
  const result = conn.message(HANDLE, { request: 'join', ptype: 'publisher', room: 9, display: 'p1' }).finally(() => { done = true; });
  result.catch(() => undefined);
  const req = await sock.sentCount(3);
  return { tx: String(req.transaction), result, settled: () => done };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const joined = (tx: string, extra: Json = {}) => ({
  janus: 'event', transaction: tx, session_id: SESSION, sender: HANDLE,
  plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'joined', room: 9, id: 55, publishers: [], ...extra } }
});

afterEach(() => { void conn?.close(); });

describe('Janus client: what it sends', () => {
  it('speaks janus-protocol and puts the current core token and the session on every request', async () => {
    await connected();
    expect(sock.protocol).toBe('janus-protocol');
    expect(sock.sent[0]).toMatchObject({ janus: 'create', token: TOKEN });
    expect(sock.sent[0]).not.toHaveProperty('session_id');
    expect(sock.sent[1]).toMatchObject({ janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: SESSION, token: TOKEN });
    conn.setToken('1700000900,janus,janus.plugin.videoroom:AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    void conn.trickle(HANDLE, null).catch(() => undefined);
    expect(await sock.sentCount(3)).toMatchObject({ janus: 'trickle', handle_id: HANDLE, candidate: { completed: true }, token: '1700000900,janus,janus.plugin.videoroom:AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
  });

  it('an ack is not the answer: the join resolves on its event', async () => {
    await connected();
    const j = await pendingJoin();
    sock.deliver({ janus: 'ack', transaction: j.tx, session_id: SESSION });
    await flush();
    expect(j.settled()).toBe(false);
    sock.deliver(joined(j.tx));
    await expect(j.result).resolves.toMatchObject({ janus: 'event', plugindata: { data: { videoroom: 'joined', id: 55 } } });
    expect(refused).toEqual([]);
  });
});

describe('Janus client: a slow SFU', () => {
  it('the late answer to a request that timed out is dropped quietly; an answer to one never sent is still refused', async () => {
    await connected();
    const trickle = conn.trickle(HANDLE, null);
    const req = await sock.sentCount(3);
    await expect(trickle).rejects.toMatchObject({ code: 'timeout' });
    sock.deliver({ janus: 'ack', transaction: req.transaction, session_id: SESSION });
    await flush();
    expect(refused).toEqual([]);
    sock.deliver({ janus: 'ack', transaction: 'never-sent', session_id: SESSION });
    await flush();
    expect(refused.map((e) => [e.code, e.message])).toEqual([['unknown-transaction', 'answer (ack) to no request of ours']]);
  });
});

describe('Janus client: refusals (typed, and nothing changes)', () => {
  const cases: Array<[string, (tx: string) => Json | string, JanusError['code']]> = [
    ['not JSON', () => '{"janus":"event",', 'malformed'],
    ['oversized', (tx) => JSON.stringify({ ...joined(tx), pad: 'x'.repeat(MAX_JANUS_MESSAGE_CHARS) }), 'oversized'],
    ['an unknown message kind', (tx) => ({ janus: 'surprise', transaction: tx, session_id: SESSION }), 'malformed'],
    ['a feed id that is not a safe integer', (tx) => joined(tx, { id: 2 ** 60 }), 'malformed'],
    ['a feed id that is a string', (tx) => joined(tx, { id: '55' }), 'malformed'],
    ['more publishers than a room holds', (tx) => joined(tx, { publishers: Array.from({ length: MAX_JANUS_PUBLISHERS + 1 }, (_, i) => ({ id: i + 1, display: `p${i}` })) }), 'malformed'],
    ['an SDP of the wrong type', (tx) => ({ ...joined(tx), jsep: { type: 'pranswer', sdp: 'v=0' } }), 'malformed'],
    ['another plugin', (tx) => ({ ...joined(tx), plugindata: { plugin: 'janus.plugin.echotest', data: { videoroom: 'joined', room: 9, id: 55 } } }), 'malformed'],
    ['another session', (tx) => ({ ...joined(tx), session_id: SESSION + 1 }), 'wrong-session'],
    ['a handle we do not hold', (tx) => ({ ...joined(tx), sender: HANDLE + 1 }), 'unknown-handle'],
    ['an answer to no request', () => ({ janus: 'success', transaction: 'nosuchtx', session_id: SESSION, data: { id: 1 } }), 'unknown-transaction'],
    ['an unsolicited error', () => ({ janus: 'error', session_id: SESSION, error: { code: 458, reason: 'x' } }), 'unknown-transaction']
  ];
  it.each(cases)('%s', async (_what, message, code) => {
    await connected();
    const j = await pendingJoin();
    const events: unknown[] = [];
    conn.events.on('handle-event', (e) => events.push(e));
    sock.deliver(message(j.tx));
    await flush();
    expect(refused.map((e) => e.code)).toEqual([code]);
    expect(refused[0]).toBeInstanceOf(JanusError);
    // The request still waits for a real answer, no event reached the call, and the session is the same.
    expect(j.settled()).toBe(false);
    expect(events).toEqual([]);
    expect(conn.session).toBe(SESSION);
    expect(conn.closed).toBe(false);
    sock.deliver(joined(j.tx));
    await expect(j.result).resolves.toMatchObject({ plugindata: { data: { id: 55 } } });
  });

  it('a Janus error and a VideoRoom error reject their request with a typed error and the code', async () => {
    await connected();
    const j = await pendingJoin();
    sock.deliver({ janus: 'error', transaction: j.tx, session_id: SESSION, error: { code: 403, reason: 'Unauthorized request (wrong or missing secret/token)' } });
    await expect(j.result).rejects.toMatchObject({ name: 'JanusError', code: 'janus-error', janusCode: 403 });
    const k = conn.message(HANDLE, { request: 'join', ptype: 'publisher', room: 9 });
    const req = await sock.sentCount(4);
    sock.deliver({ janus: 'event', transaction: req.transaction, session_id: SESSION, sender: HANDLE,
      plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', error_code: 433, error: 'Unauthorized (not in the allowed list)' } } });
    await expect(k).rejects.toMatchObject({ code: 'plugin-error', janusCode: 433 });
  });

  it('bounds the requests waiting for Janus, and times out one that gets no answer', async () => {
    await connected();
    const waiting = Array.from({ length: MAX_JANUS_PENDING }, () => conn.trickle(HANDLE, null).catch((e: unknown) => e));
    await expect(conn.trickle(HANDLE, null)).rejects.toMatchObject({ code: 'too-many-pending' });
    const outcomes = await Promise.all(waiting);
    expect(outcomes.every((e) => e instanceof JanusError && e.code === 'timeout')).toBe(true);
  });

  it('a session timeout or a closed socket fails every pending request as closed', async () => {
    await connected();
    const j = await pendingJoin();
    const closed: string[] = [];
    conn.events.on('closed', (r) => closed.push(r));
    sock.deliver({ janus: 'timeout', session_id: SESSION });
    await expect(j.result).rejects.toMatchObject({ code: 'closed' });
    expect(closed).toEqual(['the SFU session timed out']);
    await expect(conn.attach()).rejects.toMatchObject({ code: 'closed' });
  });
});
