// Send pipeline: ack credit window, data-channel backpressure, seal order of pasted data, link loss and resume.
import { describe, expect, it, vi } from 'vitest';
import { FILE_LIMITS } from '../../protocol/file-limits';
import { blobSource, ChunkSender, sealedFromSource, type ChunkSource } from '../../renderer/src/app/files/send-pipeline';
import type { FileChannel } from '../../renderer/src/rtc/file-channel';

const settle = async () => { for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0)); };

function memorySource(size: number, jitter = false): ChunkSource {
  return {
    size,
    read: async (start, end) => {
      // Reads that finish out of order must not reorder the seal requests.
      if (jitter) await new Promise((r) => setTimeout(r, Math.random() * 3));
      return new Uint8Array(end - start).fill(start & 0xff);
    }
  };
}

/** A data channel stand-in: records frames; each send adds `frameCost` buffered bytes until `drain()`. */
function fakeChannel(frameCost = 0) {
  const sent: number[] = [];
  let low: (() => void) | null = null;
  const ch = {
    isOpen: true,
    bufferedAmount: 0,
    lowWaits: 0,
    send(bytes: Uint8Array) { sent.push(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)); ch.bufferedAmount += frameCost; },
    waitForLowWater() { ch.lowWaits++; return new Promise<void>((r) => { low = r; }); },
    drain() { ch.bufferedAmount = 0; low?.(); }
  };
  return { ch: ch as FileChannel & typeof ch, sent };
}

/** A port stand-in that "seals" by echoing index and attempt, and records the order it was asked in. */
function echoSeal(log: { attempt: number; index: number }[]) {
  return async (attempt: number, index: number) => {
    log.push({ attempt, index });
    const f = new Uint8Array(8);
    new DataView(f.buffer).setUint32(0, index);
    new DataView(f.buffer).setUint32(4, attempt);
    return f;
  };
}

function sender(chunks: number, channel: () => FileChannel | null, log: { attempt: number; index: number }[], jitter = false) {
  const events: string[] = [];
  const seal = echoSeal(log);
  const s = new ChunkSender(chunks, {
    frame: sealedFromSource(memorySource(chunks * 10, jitter), 10, (attempt, index) => seal(attempt, index)), channel,
    onLinkLost: () => events.push('lost'), onFailed: (e) => events.push(`failed:${String(e)}`), onAllSent: () => events.push('all-sent')
  });
  return { s, events };
}

describe('ChunkSender', () => {
  it('never runs more than windowChunks beyond the last ack', async () => {
    const { ch, sent } = fakeChannel();
    const { s, events } = sender(300, () => ch, []);
    s.start(0, 1);
    await settle();
    expect(sent.length).toBe(FILE_LIMITS.windowChunks);
    s.ack(16);
    await settle();
    expect(sent.length).toBe(16 + FILE_LIMITS.windowChunks);
    expect(events).toEqual([]);
    s.ack(300);
    await settle();
    expect(sent).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(events).toEqual(['all-sent']);
  });

  it('pauses above the high-water mark and resumes on the low-water event', async () => {
    const { ch, sent } = fakeChannel(1024 * 1024);
    const { s } = sender(20, () => ch, []);
    s.start(0, 1);
    await settle();
    // Sends while buffered ≤ 4 MiB: after the 5th frame 5 MiB are queued and the pipeline waits.
    expect(sent.length).toBe(5);
    expect(ch.lowWaits).toBe(1);
    ch.drain();
    await settle();
    expect(sent.length).toBe(10);
  });

  it('asks main to seal in strictly increasing index order even when reads finish out of order', async () => {
    const { ch } = fakeChannel();
    const log: { attempt: number; index: number }[] = [];
    const { s, events } = sender(40, () => ch, log, true);
    s.start(0, 1);
    await vi.waitFor(() => expect(events).toEqual(['all-sent']), { timeout: 30_000, interval: 20 });
    expect(log.map((l) => l.index)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('pauses when the link is gone and restarts from the resume point under the new attempt', async () => {
    const { ch, sent } = fakeChannel();
    let link: FileChannel | null = ch;
    const log: { attempt: number; index: number }[] = [];
    const { s, events } = sender(200, () => link, log);
    s.start(0, 1);
    await settle();
    expect(sent.length).toBe(FILE_LIMITS.windowChunks);
    link = null;
    s.ack(40);
    await settle();
    expect(events).toEqual(['lost']);
    expect(sent.length).toBe(FILE_LIMITS.windowChunks);
    link = ch;
    sent.length = 0;
    log.length = 0;
    s.start(30, 2);
    await settle();
    expect(sent[0]).toBe(30);
    expect(log.every((l) => l.attempt === 2)).toBe(true);
    expect(sent.length).toBe(FILE_LIMITS.windowChunks);
  });

  it('reports a seal failure once and stops', async () => {
    const { ch, sent } = fakeChannel();
    const events: string[] = [];
    const s = new ChunkSender(10, {
      frame: sealedFromSource(memorySource(100), 10, async (_a, index) => { if (index === 3) throw new Error('bad-state'); return new Uint8Array(8); }),
      channel: () => ch, onLinkLost: () => events.push('lost'), onFailed: (e) => events.push(`failed:${(e as Error).message}`), onAllSent: () => events.push('all-sent')
    });
    s.start(0, 1);
    await settle();
    expect(sent.length).toBe(3);
    expect(events).toEqual(['failed:bad-state']);
  });
});

describe('sealedFromSource', () => {
  it('posts seal requests in index order even when reads finish out of order, with the exact slice lengths', async () => {
    const order: number[] = [];
    const sizes: number[] = [];
    const frame = sealedFromSource(memorySource(95, true), 10, async (_a, i, plain) => { order.push(i); sizes.push(plain.length); return new Uint8Array(1); });
    await Promise.all(Array.from({ length: 10 }, (_, i) => frame(1, i)));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
  });
});

describe('blobSource', () => {
  const data = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
  const fakeBlob = () => {
    const reads: [number, number][] = [];
    const blob = { size: data.length, slice: (s: number, e: number) => ({ arrayBuffer: async () => { reads.push([s, e]); return data.slice(s, e).buffer; } }) };
    return { blob: blob as unknown as Blob, reads };
  };

  it('reads the file in blocks and hands out exact chunk views', async () => {
    const { blob, reads } = fakeBlob();
    const src = blobSource(blob, 128 * 1024);
    const got: Uint8Array[] = [];
    for (let start = 0; start < data.length; start += 32 * 1024) got.push(await src.read(start, Math.min(data.length, start + 32 * 1024)));
    const joined = new Uint8Array(got.reduce((n, g) => n + g.length, 0));
    let o = 0;
    for (const g of got) { joined.set(g, o); o += g.length; }
    expect(joined).toEqual(data);
    expect(reads).toEqual([[0, 131072], [131072, 262144], [262144, 300000]]);
  });

  it('shares one block read between concurrent chunk reads and keeps at most two blocks', async () => {
    const { blob, reads } = fakeBlob();
    const src = blobSource(blob, 64 * 1024);
    await Promise.all([0, 1, 2, 3].map((i) => src.read(i * 16384, (i + 1) * 16384)));
    expect(reads).toEqual([[0, 65536]]);
    await src.read(65536, 70000);
    await src.read(131072, 140000);
    await src.read(0, 100);
    expect(reads).toEqual([[0, 65536], [65536, 131072], [131072, 196608], [0, 65536]]);
  });

  it('reads a range that straddles two blocks directly', async () => {
    const { blob, reads } = fakeBlob();
    const got = await blobSource(blob, 64 * 1024).read(60_000, 70_000);
    expect(got).toEqual(data.slice(60_000, 70_000));
    expect(reads).toEqual([[60_000, 70_000]]);
  });
});
