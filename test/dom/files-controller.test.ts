// Files controller with a fake main: receive flow (ack cadence, final hash, failures, resume) and send flow (pick/drop/paste, offer, accept, final, resume, done).
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeOpenProgress, writeChunkFrameHeader, CHUNK_FRAME_HEADER_BYTES } from '../../protocol/file-frames';
import { toB64u } from '../../protocol/encoding';
import type { VeilApi } from '../../protocol/ipc';
import type { FileControl, TransferInfo } from '../../protocol/ipc-files';
import { parseWire } from '../../renderer/src/app/chat';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
import type { FilesContext } from '../../renderer/src/app/files/context';
import { FilesController } from '../../renderer/src/app/files/controller';
import { PortStatusError } from '../../renderer/src/app/files/file-port';
import { AckTracker, MAX_UNOPENED_FRAMES } from '../../renderer/src/app/files/receive';
import { createAppStore } from '../../renderer/src/store';
import type { FileChannel } from '../../renderer/src/rtc/file-channel';
import { installFakeVeil } from './fake-veil';

const settle = async () => { for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0)); };
const idBytes = (n: number) => new Uint8Array(16).fill(n);
const tid = (n: number) => toB64u(idBytes(n));

function info(n: number, patch: Partial<TransferInfo> = {}): TransferInfo {
  return { transferId: tid(n), direction: 'in', roomId: 'room', peerIdentityKey: 'B', name: `file${n}.bin`, size: 40 * 10, mime: '',
    chunkSize: 10, chunkCount: 40, sha256: '00', createdAt: 1, state: 'receiving', verifiedChunks: 0, attempt: 1, ...patch };
}

function frame(n: number, index: number, attempt = 1): Uint8Array {
  const f = new Uint8Array(CHUNK_FRAME_HEADER_BYTES + 26);
  writeChunkFrameHeader(f, { transferId: idBytes(n), attempt, index });
  return f;
}

function setup(open: (frame: Uint8Array) => Promise<Uint8Array> = async () => encodeOpenProgress({ verifiedChunks: 0, complete: false })) {
  const store = createAppStore();
  store.getState().upsertPeer('B', { displayName: 'Bob', sessionOpen: true });
  store.getState().upsertPeer('C', { displayName: 'Carol', sessionOpen: true });
  const sent: { to: string; msg: FileControl }[] = [];
  const frames: number[] = [];
  const diskSeals: number[] = [];
  const channel: FileChannel = {
    isOpen: true, bufferedAmount: 0, waitForLowWater: async () => {},
    send: (b) => frames.push(new DataView(b.buffer, b.byteOffset).getUint32(0) * 100 + b[4]!)
  };
  let clock = 1000;
  const ctx: FilesContext = {
    store, roomId: 'room',
    port: {
      open,
      seal: async (_id, attempt, index) => { const f = new Uint8Array(5); new DataView(f.buffer).setUint32(0, index); f[4] = attempt; return f; },
      sealFromDisk: async (_id, attempt, index) => {
        diskSeals.push(index);
        const f = new Uint8Array(5); new DataView(f.buffer).setUint32(0, index); f[4] = attempt; return f;
      }
    },
    sendControl: async (to, msg) => { sent.push({ to, msg }); },
    channel: () => channel,
    now: () => (clock += 10)
  };
  const files = new FilesController(ctx, () => true);
  return { store, sent, frames, diskSeals, files, s: () => store.getState() };
}

describe('AckTracker', () => {
  it('acks every 16 verified chunks and once more at completion', () => {
    const acks = new AckTracker(16);
    const out: number[] = [];
    for (let v = 1; v <= 40; v++) { const n = acks.progress(v, v === 40); if (n !== null) out.push(n); }
    expect(out).toEqual([16, 32, 40]);
    acks.reset(20);
    expect(acks.progress(35, false)).toBe(null);
    expect(acks.progress(36, false)).toBe(36);
  });

  it('acks a one-chunk file at completion', () => {
    expect(new AckTracker(16).progress(1, true)).toBe(1);
  });
});

describe('receiving', () => {
  let calls: { channel: string; args: unknown[] }[];
  beforeEach(() => {
    ({ calls } = installFakeVeil({
      'files:receiveOffer': (_room, _from, bytes) => info((bytes as Uint8Array)[0]!, { state: 'offered' }),
      'files:accept': (id) => info(1, { transferId: id as string }),
      'files:decline': (id) => info(1, { transferId: id as string, state: 'declined' }),
      'files:cancel': (id) => info(1, { transferId: id as string, state: 'cancelled' }),
      'files:get': () => info(1, { verifiedChunks: 21 }),
      'files:receiveFinal': (id, bytes) => {
        if ((bytes as Uint8Array)[0] !== 1) throw { code: 'hash-mismatch', message: "file hash does not match the sender's signed final" };
        return info(1, { transferId: id as string, state: 'verified' });
      }
    }));
  });

  it('all chunks in is not verified: it waits for the signed final, which completes it', async () => {
    let verified = 0;
    const t = setup(async () => { verified++; return encodeOpenProgress({ verifiedChunks: verified, complete: false }); });
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([1])) });
    await t.files.accept(tid(1));
    for (let i = 0; i < 40; i++) t.files.onFileFrame('B', frame(1, i));
    await settle();
    expect(t.s().transfers[tid(1)]).toMatchObject({ state: 'receiving', note: "checking the sender's signed file hash" });
    expect(t.sent.some((x) => x.msg.t === 'file-done')).toBe(false);
    // A final from someone else is ignored.
    await t.files.onControl('C', { t: 'file-final', id: tid(1), final: toB64u(Uint8Array.of(1)) });
    expect(calls.filter((c) => c.channel === 'files:receiveFinal')).toHaveLength(0);
    await t.files.onControl('B', { t: 'file-final', id: tid(1), final: toB64u(Uint8Array.of(1)) });
    expect(t.s().transfers[tid(1)]).toMatchObject({ state: 'verified' });
    expect(t.sent.at(-1)!.msg).toEqual({ t: 'file-done', id: tid(1) });
  });

  it('a final main refuses fails the transfer with the reason, tells the sender and never offers a save', async () => {
    const t = setup(async () => encodeOpenProgress({ verifiedChunks: 40, complete: false }));
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([1])) });
    await t.files.accept(tid(1));
    await t.files.onControl('B', { t: 'file-final', id: tid(1), final: toB64u(Uint8Array.of(2)) });
    expect(t.s().transfers[tid(1)]!.state).toBe('failed');
    expect(t.s().transfers[tid(1)]!.error).toMatch(/signed file hash was refused, so the file was not kept/);
    expect(t.sent.at(-1)!.msg).toMatchObject({ t: 'file-cancel', id: tid(1) });
    expect(calls.some((c) => c.channel === 'files:cancel' && c.args[0] === tid(1))).toBe(true);
  });

  it('shows a verified offer with a notice, accepts, acks in cadence and reports done', async () => {
    let verified = 0;
    const t = setup(async () => { verified++; return encodeOpenProgress({ verifiedChunks: verified, complete: verified === 40 }); });
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([1, 2, 3])) });
    expect(t.s().transfers[tid(1)]).toMatchObject({ state: 'offered', direction: 'in', peerName: 'Bob', name: 'file1.bin' });
    expect(t.s().fileNotices[0]!.text).toMatch(/Bob wants to send you "file1.bin"/);
    await t.files.accept(tid(1));
    expect(t.s().transfers[tid(1)]!.state).toBe('receiving');
    expect(t.sent.map((x) => x.msg)).toEqual([{ t: 'file-accept', id: tid(1) }]);
    for (let i = 0; i < 40; i++) t.files.onFileFrame('B', frame(1, i));
    await settle();
    expect(t.sent.slice(1).map((x) => x.msg)).toEqual([
      { t: 'file-ack', id: tid(1), next: 16 }, { t: 'file-ack', id: tid(1), next: 32 }, { t: 'file-ack', id: tid(1), next: 40 },
      { t: 'file-done', id: tid(1) }
    ]);
    expect(t.s().transfers[tid(1)]).toMatchObject({ state: 'verified', bytesDone: 400 });
    expect(t.s().transfers[tid(1)]!.finishedAt).toBeGreaterThan(t.s().transfers[tid(1)]!.startedAt!);
  });

  it('drops frames from a peer that is not the sender, warning once', async () => {
    let opens = 0;
    const t = setup(async () => { opens++; return encodeOpenProgress({ verifiedChunks: 1, complete: false }); });
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([1])) });
    await t.files.accept(tid(1));
    t.files.onFileFrame('C', frame(1, 0));
    t.files.onFileFrame('C', frame(1, 1));
    await settle();
    expect(opens).toBe(0);
    expect(t.s().alerts.filter((a) => /Carol/.test(a.text))).toHaveLength(1);
  });

  it('fails only the tampered transfer, tells its sender why, and ignores stale attempts', async () => {
    const t = setup(async (f) => {
      if (f[1] === 2) throw new PortStatusError('decrypt-failed', 'chunk 0');
      if (f[1] === 1 && new DataView(f.buffer).getUint32(17) === 1) throw new PortStatusError('stale-attempt', '');
      return encodeOpenProgress({ verifiedChunks: 1, complete: false });
    });
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([1])) });
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([2])) });
    await t.files.accept(tid(1));
    await t.files.accept(tid(2));
    t.files.onFileFrame('B', frame(2, 0));
    t.files.onFileFrame('B', frame(1, 0, 1));
    t.files.onFileFrame('B', frame(1, 0, 2));
    await settle();
    expect(t.s().transfers[tid(2)]).toMatchObject({ state: 'failed' });
    expect(t.s().transfers[tid(2)]!.error).toMatch(/failed to decrypt/);
    expect(t.sent.find((x) => x.msg.t === 'file-cancel')?.msg).toMatchObject({ id: tid(2), reason: expect.stringMatching(/decrypt/) });
    expect(calls.some((c) => c.channel === 'files:cancel' && c.args[0] === tid(2))).toBe(true);
    expect(t.s().transfers[tid(1)]).toMatchObject({ state: 'receiving', error: undefined });
  });

  it('shows a cancel by the sender, pauses on link loss and asks to resume from what main verified', async () => {
    const t = setup();
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([1])) });
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([2])) });
    await t.files.accept(tid(1));
    await t.files.accept(tid(2));
    t.files.onLinkDown('B');
    expect(t.s().transfers[tid(1)]).toMatchObject({ state: 'paused', note: 'waiting for connection' });
    t.files.onLinkUp('B');
    await settle();
    expect(t.sent.filter((x) => x.msg.t === 'file-resume').map((x) => x.msg)).toEqual([
      { t: 'file-resume', id: tid(1), next: 21 }, { t: 'file-resume', id: tid(2), next: 21 }
    ]);
    expect(t.s().transfers[tid(1)]!.state).toBe('receiving');
    await t.files.onControl('C', { t: 'file-cancel', id: tid(2), reason: 'cancelled' });
    expect(t.s().transfers[tid(2)]!.state).toBe('receiving');
    await t.files.onControl('B', { t: 'file-cancel', id: tid(2), reason: 'cancelled' });
    expect(t.s().transfers[tid(2)]).toMatchObject({ state: 'cancelled', error: 'Cancelled by Bob' });
  });
});

describe('sending', () => {
  let calls: { channel: string; args: unknown[] }[];
  beforeEach(() => {
    ({ calls } = installFakeVeil({
      'files:prepare': () => ({ prepareId: tid(9), chunkSize: 10, chunkCount: 5, name: 'x.txt', size: 45, mime: '', fromDisk: false }),
      'files:pick': () => ({ prepareId: tid(8), chunkSize: 10, chunkCount: 5, name: 'picked.bin', size: 45, mime: '', fromDisk: true }),
      'files:dropped': () => ({ prepareId: tid(7), chunkSize: 10, chunkCount: 5, name: 'dropped.bin', size: 45, mime: '', fromDisk: true }),
      'files:final': () => new Uint8Array([1, 2, 3]),
      'files:offer': (_p, keys) => (keys as string[]).map((k, i) => ({ recipientIdentityKey: k, ok: true, transferId: tid(10 + i), offer: new Uint8Array([7]) })),
      'files:get': (id) => info(10, { transferId: id as string, direction: 'out', chunkSize: 10, chunkCount: 5, size: 45, attempt: 1, state: 'sending' }),
      'files:resume': (id) => info(10, { transferId: id as string, direction: 'out', attempt: 2 }),
      'files:finish': (id) => info(10, { transferId: id as string, state: 'done' }),
      'files:cancel': (id) => info(10, { transferId: id as string, state: 'cancelled' })
    }));
  });

  const reads: number[] = [];
  const file = { kind: 'data' as const, name: 'x.txt', type: 'text/plain', source: { size: 45, read: async (a: number, b: number) => { reads.push(a); return new Uint8Array(b - a); } } };

  it('offers at once for everyone (nothing read first), streams after accept, sends the signed final, resumes and finishes', async () => {
    const t = setup();
    reads.length = 0;
    await t.files.sendFile(file, 'all');
    expect(reads).toEqual([]);
    expect(calls.find((c) => c.channel === 'files:offer')!.args).toEqual([tid(9), ['B', 'C']]);
    expect(t.sent.filter((x) => x.msg.t === 'file-offer').map((x) => x.to)).toEqual(['B', 'C']);
    expect(t.s().transfers[tid(10)]).toMatchObject({ state: 'waiting', direction: 'out', peerName: 'Bob', name: 'x.txt', size: 45 });
    await t.files.onControl('C', { t: 'file-accept', id: tid(10) });
    expect(t.s().transfers[tid(10)]!.state).toBe('waiting');
    await t.files.onControl('B', { t: 'file-accept', id: tid(10) });
    await settle();
    expect(t.s().transfers[tid(10)]!.state).toBe('sending');
    expect(t.frames).toEqual([1, 101, 201, 301, 401]);
    expect(t.sent.filter((x) => x.msg.t === 'file-final').map((x) => x.msg)).toEqual([{ t: 'file-final', id: tid(10), final: toB64u(new Uint8Array([1, 2, 3])) }]);
    await t.files.onControl('B', { t: 'file-resume', id: tid(10), next: 2 });
    await settle();
    expect(calls.find((c) => c.channel === 'files:resume')!.args).toEqual([tid(10), 2]);
    expect(t.frames.slice(5)).toEqual([202, 302, 402]);
    await t.files.onControl('B', { t: 'file-ack', id: tid(10), next: 5 });
    await t.files.onControl('B', { t: 'file-done', id: tid(10) });
    expect(t.s().transfers[tid(10)]).toMatchObject({ state: 'done', bytesDone: 45 });
    expect(calls.some((c) => c.channel === 'files:finish')).toBe(true);
    await t.files.onControl('C', { t: 'file-decline', id: tid(11) });
    expect(t.s().transfers[tid(11)]!.state).toBe('declined');
  });

  it('pauses a stream when the link drops and cancels on request, telling the recipient', async () => {
    const t = setup();
    await t.files.sendFile(file, 'B');
    await t.files.onControl('B', { t: 'file-accept', id: tid(10) });
    t.files.onLinkDown('B');
    expect(t.s().transfers[tid(10)]!.state).toBe('paused');
    await t.files.cancel(tid(10));
    expect(t.s().transfers[tid(10)]!.state).toBe('cancelled');
    expect(t.sent.at(-1)).toEqual({ to: 'B', msg: { t: 'file-cancel', id: tid(10), reason: 'cancelled' } });
  });

  it('a file picked in main\'s dialog or dropped with a path is sealed by main from disk: the page reads nothing', async () => {
    const t = setup();
    await t.files.pickAndSend('B');
    expect(calls.find((c) => c.channel === 'files:offer')!.args).toEqual([tid(8), ['B']]);
    expect(t.s().transfers[tid(10)]).toMatchObject({ name: 'picked.bin', size: 45, state: 'waiting' });
    await t.files.onControl('B', { t: 'file-accept', id: tid(10) });
    await settle();
    expect(t.diskSeals).toEqual([0, 1, 2, 3, 4]);
    expect(t.frames).toEqual([1, 101, 201, 301, 401]);
    expect(t.sent.filter((x) => x.msg.t === 'file-final')).toHaveLength(1);
  });

  it('a dropped File: its path comes from Electron (the preload), never from the page; without one it goes as data', async () => {
    const dropped = new File(['hello'], 'dropped.bin');
    const ask: unknown[] = [];
    const { calls: withPath } = installFakeVeil({
      'files:dropped': (_room, p) => ({ prepareId: tid(7), chunkSize: 10, chunkCount: 1, name: 'dropped.bin', size: 5, mime: '', fromDisk: p === '/home/u/dropped.bin' }),
      'files:offer': () => [{ recipientIdentityKey: 'B', ok: true, transferId: tid(10), offer: new Uint8Array([7]) }]
    }, ((f: unknown) => { ask.push(f); return f === dropped ? '/home/u/dropped.bin' : ''; }) as never);
    const t = setup();
    await t.files.sendDropped(dropped, 'B');
    expect(ask).toEqual([dropped]);
    expect(withPath.find((c) => c.channel === 'files:dropped')!.args).toEqual(['room', '/home/u/dropped.bin']);
    // The page cannot hand the preload a path of its own: a string is not a File with a path.
    expect(await (window as unknown as { veil: VeilApi }).veil.files.dropped('room', '/etc/passwd' as unknown as object)).toEqual({ ok: true, value: null });
    expect(withPath.filter((c) => c.channel === 'files:dropped')).toHaveLength(1);
    const { calls: noPath } = installFakeVeil({
      'files:prepare': () => ({ prepareId: tid(9), chunkSize: 10, chunkCount: 1, name: 'pasted.bin', size: 5, mime: '', fromDisk: false }),
      'files:offer': () => [{ recipientIdentityKey: 'B', ok: true, transferId: tid(11), offer: new Uint8Array([7]) }]
    });
    await t.files.sendDropped(new File(['hello'], 'pasted.bin'), 'B');
    expect(noPath.map((c) => c.channel)).toEqual(['files:prepare', 'files:offer']);
  });

  it('refuses to send when nobody is connected', async () => {
    const t = setup();
    await t.files.sendFile(file, 'nobody');
    expect(t.s().alerts.at(-1)!.text).toMatch(/nobody is connected/);
    expect(Object.keys(t.s().transfers)).toEqual([]);
  });
});

describe('chat wire routing', () => {
  it('routes valid file control messages and drops invalid ones', () => {
    expect(parseWire(enc({ t: 'file-ack', id: tid(1), next: 3 }))).toEqual({ t: 'file', control: { t: 'file-ack', id: tid(1), next: 3 } });
    expect(parseWire(enc({ t: 'file-ack', id: 'short', next: 3 }))).toBe(null);
    expect(parseWire(enc({ t: 'file-done', id: tid(1), extra: 1 }))).toBe(null);
    expect(parseWire(enc({ t: 'msg', id: 'a', text: 'hi' }))).toBe(null);
    expect(parseWire(enc({ t: 'msg', id: '0123456789abcdef01', text: 'hi' }))).toEqual({ t: 'msg', id: '0123456789abcdef01', text: 'hi' });
  });
});

describe('a peer leaving', () => {
  it('fails its unfinished transfers in both directions once it is gone from the room', async () => {
    installFakeVeil({
      'files:receiveOffer': () => info(1, { state: 'offered' }),
      'files:prepare': () => ({ prepareId: tid(9), chunkSize: 10, chunkCount: 1 }),
      'files:offer': () => [{ recipientIdentityKey: 'B', ok: true, transferId: tid(10), offer: new Uint8Array([7]) }],
      'files:get': () => info(10, { direction: 'out', chunkSize: 10, chunkCount: 1 }),
      'files:cancel': () => info(1, { state: 'cancelled' })
    });
    const t = setup();
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([1])) });
    await t.files.sendFile({ kind: 'data', name: 'y', type: '', source: { size: 5, read: async () => new Uint8Array(5) } }, 'B');
    t.store.getState().removePeer('B');
    t.files.onLinkDown('B');
    await settle();
    expect(t.s().transfers[tid(1)]).toMatchObject({ state: 'failed', error: 'Bob left the room' });
    expect(t.s().transfers[tid(10)]).toMatchObject({ state: 'failed', error: 'Bob left the room' });
  });
});

describe('receiver memory bound', () => {
  it('fails a transfer whose sender ignores the ack window instead of queueing without end', async () => {
    installFakeVeil({ 'files:receiveOffer': () => info(1, { state: 'offered' }), 'files:accept': () => info(1), 'files:cancel': () => info(1) });
    let opens = 0;
    const t = setup(() => { opens++; return new Promise<Uint8Array>(() => {}); });
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(new Uint8Array([1])) });
    await t.files.accept(tid(1));
    for (let i = 0; i < 300; i++) t.files.onFileFrame('B', frame(1, i));
    await settle();
    expect(opens).toBe(MAX_UNOPENED_FRAMES);
    expect(t.s().transfers[tid(1)]).toMatchObject({ state: 'failed', error: 'Bob sent beyond the flow-control window' });
  });
});

describe('offers refused over quota', () => {
  it('the recipient declines at once with the reason; other refusals send nothing', async () => {
    installFakeVeil({
      'files:receiveOffer': (_room, _from, bytes) => {
        const b = bytes as Uint8Array;
        throw b[0] === 1 ? { code: 'over-quota', message: '4 offers from this sender are still unanswered' } : { code: 'bad-signature', message: 'no' };
      }
    });
    const t = setup();
    const offer = new Uint8Array(200);
    offer[0] = 1;
    offer.set(idBytes(7), 1);
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(offer) });
    expect(t.sent).toEqual([{ to: 'B', msg: { t: 'file-decline', id: tid(7), refused: 'over-quota', reason: expect.stringContaining('4 offers from this sender') } }]);
    offer[0] = 2;
    await t.files.onControl('B', { t: 'file-offer', offer: toB64u(offer) });
    expect(t.sent).toHaveLength(1);
    expect(t.s().transfers[tid(7)]).toBeUndefined();
  });

  it('the sender shows a reasoned decline at once and releases the transfer', async () => {
    const { calls } = installFakeVeil({
      'files:prepare': () => ({ prepareId: tid(9), chunkSize: 10, chunkCount: 5 }),
      'files:offer': () => [{ recipientIdentityKey: 'B', ok: true, transferId: tid(10), offer: new Uint8Array([1]) }],
      'files:cancel': (id) => info(10, { transferId: id as string, state: 'cancelled' })
    });
    const t = setup();
    await t.files.sendFile({ kind: 'data', name: 'x.txt', type: 'text/plain', source: { size: 45, read: async (a: number, b: number) => new Uint8Array(b - a) } }, 'B');
    expect(t.s().transfers[tid(10)]!.state).toBe('waiting');
    await t.files.onControl('B', { t: 'file-decline', id: tid(10), reason: 'too many unanswered offers' });
    expect(t.s().transfers[tid(10)]).toMatchObject({ state: 'declined', note: 'too many unanswered offers' });
    expect(t.s().alerts.at(-1)!.text).toBe('Bob refused "x.txt": too many unanswered offers');
    expect(calls.some((c) => c.channel === 'files:cancel' && c.args[0] === tid(10))).toBe(true);
  });
});

describe('offers refused by the receiver\'s size limit', () => {
  const GIB = 1024 ** 3;
  it('the recipient declines at once, saying which limit, and the sender shows it in plain words', async () => {
    const { calls } = installFakeVeil({
      'files:receiveOffer': () => { throw { code: 'too-large', message: 'file is larger than the maxFileBytes setting' }; },
      'settings:get': () => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 2 * GIB })
    });
    const carol = setup();
    const offer = new Uint8Array(200);
    offer[0] = 1;
    offer.set(idBytes(12), 1);
    await carol.files.onControl('B', { t: 'file-offer', offer: toB64u(offer) });
    expect(calls.some((c) => c.channel === 'settings:get')).toBe(true);
    expect(carol.sent).toEqual([{ to: 'B', msg: { t: 'file-decline', id: tid(12), refused: 'too-large', limitBytes: 2 * GIB, reason: 'larger than the receiver\'s limit (2.0 GiB)' } }]);
    // The control message passes the one peer-message decoder, unchanged.
    expect(parseWire(enc(carol.sent[0]!.msg))).toEqual({ t: 'file', control: carol.sent[0]!.msg });
  });

  it('the sender shows "<name>\'s app refused <file>: larger than their limit (2.0 GiB)" and releases the transfer', async () => {
    installFakeVeil({
      'files:prepare': () => ({ prepareId: tid(13), chunkSize: 10, chunkCount: 5 }),
      'files:offer': () => [{ recipientIdentityKey: 'B', ok: true, transferId: tid(14), offer: new Uint8Array([1]) }],
      'files:cancel': (id) => info(14, { transferId: id as string, state: 'cancelled' })
    });
    const t = setup();
    await t.files.sendFile({ kind: 'data', name: 'big.bin', type: 'application/octet-stream', source: { size: 45, read: async (a: number, b: number) => new Uint8Array(b - a) } }, 'B');
    await t.files.onControl('B', { t: 'file-decline', id: tid(14), refused: 'too-large', limitBytes: 2 * GIB, reason: 'ignored when the code is known' });
    expect(t.s().transfers[tid(14)]).toMatchObject({ state: 'declined', note: 'larger than their limit (2.0 GiB)' });
    expect(t.s().alerts.at(-1)!.text).toBe('Bob\'s app refused "big.bin": larger than their limit (2.0 GiB)');
  });

  it('a decline with an unknown refusal code or an out-of-range limit is not a message', () => {
    expect(parseWire(enc({ t: 'file-decline', id: tid(1), refused: 'because' }))).toBeNull();
    expect(parseWire(enc({ t: 'file-decline', id: tid(1), refused: 'too-large', limitBytes: -1 }))).toBeNull();
    expect(parseWire(enc({ t: 'file-decline', id: tid(1), refused: 'too-large', limitBytes: 2 ** 60 }))).toBeNull();
  });
});
