// File port client over a real MessageChannel: binary framing, reqId matching out of order, bounded in-flight, reconnect.
import { afterEach, describe, expect, it } from 'vitest';
import { decodePortRequest, encodePortReply, PORT_OPS, type PortRequest, type PortStatus } from '../../protocol/file-frames';
import { connectFilePort, FilePortClient, PortStatusError, type PortLike } from '../../renderer/src/app/files/file-port';
import { installFakeVeil } from './fake-veil';

const open: MessagePort[] = [];
afterEach(() => { for (const p of open.splice(0)) p.close(); });

/** A fake main end: records requests (checking they arrive as transferred ArrayBuffers) and replies when told. */
function fakeMain() {
  const channel = new MessageChannel();
  open.push(channel.port1, channel.port2);
  const requests: PortRequest[] = [];
  const kinds: string[] = [];
  channel.port2.onmessage = (e: MessageEvent) => {
    kinds.push(Object.prototype.toString.call(e.data) === '[object ArrayBuffer]' ? 'arraybuffer' : typeof e.data);
    requests.push(decodePortRequest(new Uint8Array(e.data as ArrayBuffer))!);
  };
  const reply = (r: PortRequest, status: PortStatus = 'ok', payload = r.payload, asView = false) => {
    const bytes = encodePortReply({ op: r.op, reqId: r.reqId, status, payload });
    if (asView) channel.port2.postMessage(bytes);
    else channel.port2.postMessage(bytes.buffer, [bytes.buffer]);
  };
  return { port: channel.port1 as PortLike, requests, kinds, reply, close: () => channel.port2.close() };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
const id = (n: number) => new Uint8Array(16).fill(n);

describe('FilePortClient', () => {
  it('frames requests in binary and matches replies by reqId even out of order', async () => {
    const main = fakeMain();
    const client = new FilePortClient(async () => main.port);
    const a = client.seal(id(7), 3, 41, new Uint8Array([1, 2, 3]));
    const b = client.sealFromDisk(id(8), 2, 5);
    await tick();
    expect(main.kinds).toEqual(['arraybuffer', 'arraybuffer']);
    const [ra, rb] = main.requests;
    expect(ra).toMatchObject({ op: PORT_OPS.seal, attempt: 3, index: 41 });
    expect(ra!.transferId).toEqual(id(7));
    expect([...ra!.payload]).toEqual([1, 2, 3]);
    expect(rb).toMatchObject({ op: PORT_OPS.sealFromDisk, attempt: 2, index: 5 });
    expect(rb!.payload).toHaveLength(0);
    expect(ra!.reqId).not.toBe(rb!.reqId);
    // Reply to the second first, once as a Uint8Array view: both shapes must be accepted.
    main.reply(rb!, 'ok', new Uint8Array([0xbb]), true);
    main.reply(ra!, 'ok', new Uint8Array([0xaa]));
    expect([...(await a)]).toEqual([0xaa]);
    expect([...(await b)]).toEqual([0xbb]);
  });

  it('sends open requests with a zero header and the whole frame as payload', async () => {
    const main = fakeMain();
    const client = new FilePortClient(async () => main.port);
    const frame = new Uint8Array(50).fill(3);
    const p = client.open(frame);
    await tick();
    expect(main.requests[0]).toMatchObject({ op: PORT_OPS.open, attempt: 0, index: 0 });
    expect(main.requests[0]!.transferId).toEqual(new Uint8Array(16));
    expect(main.requests[0]!.payload).toEqual(frame);
    main.reply(main.requests[0]!, 'ok', new Uint8Array([0, 0, 0, 1, 0]));
    expect([...(await p)]).toEqual([0, 0, 0, 1, 0]);
  });

  it('rejects with the status of a failed reply', async () => {
    const main = fakeMain();
    const client = new FilePortClient(async () => main.port);
    const p = client.open(new Uint8Array(41));
    await tick();
    main.reply(main.requests[0]!, 'decrypt-failed', new TextEncoder().encode('tag mismatch'));
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortStatusError);
    expect((err as PortStatusError).status).toBe('decrypt-failed');
    expect((err as Error).message).toContain('tag mismatch');
  });

  it('keeps at most maxInFlight requests outstanding and posts the rest in order', async () => {
    const main = fakeMain();
    const client = new FilePortClient(async () => main.port, 2);
    const all = [0, 1, 2, 3, 4].map((i) => client.seal(id(1), 1, i, new Uint8Array([i])));
    await tick();
    expect(main.requests.map((r) => r.index)).toEqual([0, 1]);
    main.reply(main.requests[1]!);
    await tick();
    expect(main.requests.map((r) => r.index)).toEqual([0, 1, 2]);
    main.reply(main.requests[0]!);
    main.reply(main.requests[2]!);
    await tick();
    expect(main.requests.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    for (const r of main.requests.slice(3)) main.reply(r);
    expect((await Promise.all(all)).map((b) => b[0])).toEqual([0, 1, 2, 3, 4]);
  });

  it('connects once, fails pending requests when the port closes, and reconnects on the next request', async () => {
    const mains = [fakeMain(), fakeMain()];
    let connects = 0;
    const client = new FilePortClient(async () => mains[connects++]!.port);
    const first = client.seal(id(1), 1, 0, new Uint8Array(1));
    const second = client.seal(id(1), 1, 1, new Uint8Array(1));
    await tick();
    expect(connects).toBe(1);
    client.close();
    await expect(first).rejects.toThrow(/closed/);
    await expect(second).rejects.toThrow(/closed/);
    const third = client.seal(id(1), 1, 2, new Uint8Array(1));
    await tick();
    expect(connects).toBe(2);
    mains[1]!.reply(mains[1]!.requests[0]!, 'ok', new Uint8Array([5]));
    expect([...(await third)]).toEqual([5]);
  });
});

describe('connectFilePort', () => {
  const deliver = (data: unknown, port: MessagePort, source: unknown = window) => {
    const e = new Event('message');
    Object.defineProperties(e, { data: { value: data }, ports: { value: [port] }, source: { value: source } });
    window.dispatchEvent(e);
  };

  it('takes the port that arrives before the invoke resolves, matching the token and our own window', async () => {
    const { port1, port2 } = new MessageChannel();
    const { port1: wrong } = new MessageChannel();
    open.push(port1, port2, wrong);
    installFakeVeil({
      'files:connect': () => {
        deliver({ veilFilePort: 't-1' }, port1);
        deliver({ veilFilePort: 't-1' }, wrong, null);
        deliver({ veilFilePort: 't-other' }, wrong);
        return { token: 't-1' };
      }
    });
    expect(await connectFilePort()).toBe(port1);
  });

  it('waits for a port that arrives after the invoke resolved', async () => {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    installFakeVeil({ 'files:connect': () => { setTimeout(() => deliver({ veilFilePort: 't-2' }, port1), 10); return { token: 't-2' }; } });
    expect(await connectFilePort()).toBe(port1);
  });
});
