// Sender's chunk pipeline: sealed frames (from main's disk reads, or pasted bytes) sent with ack credit and backpressure.
import { FILE_LIMITS } from '../../../../protocol/file-limits';
import type { FileChannel } from '../../rtc/file-channel';

/** Where plaintext comes from: a File in the app, anything sliceable in tests. Never read whole. */
export interface ChunkSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** Bytes read from the File per `slice().arrayBuffer()`: each of those costs a round trip to Chromium's blob store. */
export const READ_BLOCK_BYTES = 1024 * 1024;
const BLOCKS_KEPT = 2;

/**
 * A File read in 1 MiB blocks and handed out as chunk views: 16× fewer blob reads than one per 64 KiB chunk, which
 * profiling showed to be the sender's main cost. At most two blocks are held (the current one and the next), so memory
 * stays bounded; a read that straddles two blocks is read directly.
 */
export function blobSource(blob: Blob, blockBytes = READ_BLOCK_BYTES): ChunkSource {
  const blocks = new Map<number, Promise<Uint8Array>>();
  const direct = async (start: number, end: number) => new Uint8Array(await blob.slice(start, end).arrayBuffer());
  const block = (n: number) => {
    let b = blocks.get(n);
    if (!b) {
      b = direct(n * blockBytes, Math.min(blob.size, (n + 1) * blockBytes));
      blocks.set(n, b);
      b.catch(() => blocks.delete(n));
      for (const k of blocks.keys()) if (blocks.size > BLOCKS_KEPT && k !== n) blocks.delete(k);
    }
    return b;
  };
  return {
    size: blob.size,
    async read(start, end) {
      const n = Math.floor(start / blockBytes);
      if (end > (n + 1) * blockBytes || end <= start) return direct(start, end);
      const bytes = await block(n);
      return bytes.subarray(start - n * blockBytes, end - n * blockBytes);
    }
  };
}

export function chunkRange(index: number, chunkSize: number, size: number): [number, number] {
  const start = index * chunkSize;
  return [start, Math.min(size, start + chunkSize)];
}

/**
 * Frames of pasted data: each chunk read from `source`, then sealed by main. Seal requests must reach main in index
 * order (it refuses a nonce that does not increase) even though reads may finish in any order, so each request is
 * posted only after the previous one was.
 */
export function sealedFromSource(source: ChunkSource, chunkSize: number,
  seal: (attempt: number, index: number, plaintext: Uint8Array) => Promise<Uint8Array>): (attempt: number, index: number) => Promise<Uint8Array> {
  let posted: Promise<unknown> = Promise.resolve();
  return (attempt, index) => {
    const read = source.read(...chunkRange(index, chunkSize, source.size));
    const request = posted.then(() => read).then((plain) => ({ frame: seal(attempt, index, plain) }));
    posted = request.catch(() => {});
    return request.then((r) => r.frame);
  };
}

export interface ChunkSenderDeps {
  /** The sealed frame of chunk `index` under `attempt` (main reads it from disk, or seals what the page read); called in index order. */
  frame(attempt: number, index: number): Promise<Uint8Array>;
  /** The recipient's file channel now, or null while the link is down. */
  channel(): FileChannel | null;
  /** The link went away mid-stream: the recipient asks to resume (`file-resume`) once it is back. */
  onLinkLost(): void;
  onFailed(err: unknown): void;
  /** Every chunk is on the wire; completion is the recipient's `file-done`. */
  onAllSent(): void;
  onSent?(index: number): void;
}

/**
 * Streams one outgoing transfer. Each `start` (the accept, or a resume under a new attempt) supersedes the previous
 * loop through a generation number, so a stale loop never sends a frame of an old attempt after a resume.
 */
export class ChunkSender {
  private gen = 0;
  private lastAck = 0;
  private wakeCredit: (() => void) | null = null;
  private sentUpTo = 0;

  constructor(readonly chunkCount: number, private readonly d: ChunkSenderDeps) {}

  /** Chunks the recipient verified, as far as we know. */
  get acked(): number {
    return this.lastAck;
  }

  /** Index after the last frame handed to the data channel. */
  get sent(): number {
    return this.sentUpTo;
  }

  start(from: number, attempt: number): void {
    const gen = ++this.gen;
    this.lastAck = from;
    this.sentUpTo = from;
    this.wake();
    void this.run(gen, from, attempt);
  }

  stop(): void {
    this.gen++;
    this.wake();
  }

  /** `file-ack {next}`: chunks before `next` are verified; that is credit for `windowChunks` more. */
  ack(next: number): void {
    if (next <= this.lastAck) return;
    this.lastAck = Math.min(next, this.chunkCount);
    this.wake();
  }

  private wake(): void {
    const w = this.wakeCredit;
    this.wakeCredit = null;
    w?.();
  }

  private waitForCredit(): Promise<void> {
    return new Promise((resolve) => { this.wakeCredit = resolve; });
  }

  private async run(gen: number, from: number, attempt: number): Promise<void> {
    const inFlight: { index: number; frame: Promise<Uint8Array> }[] = [];
    const seal = (index: number) => {
      const frame = this.d.frame(attempt, index);
      frame.catch(() => {});
      return frame;
    };
    let next = from;
    try {
      while (gen === this.gen) {
        while (inFlight.length < FILE_LIMITS.portPipeline && next < this.chunkCount && next < this.lastAck + FILE_LIMITS.windowChunks) {
          inFlight.push({ index: next, frame: seal(next) });
          next++;
        }
        const head = inFlight.shift();
        if (!head) {
          if (next >= this.chunkCount) break;
          await this.waitForCredit();
          continue;
        }
        const frame = await head.frame;
        if (gen !== this.gen) return;
        let ch = this.d.channel();
        if (ch?.isOpen && ch.bufferedAmount > FILE_LIMITS.highWaterBytes) {
          await ch.waitForLowWater();
          if (gen !== this.gen) return;
          ch = this.d.channel();
        }
        if (!ch?.isOpen) return this.linkLost(gen);
        try {
          ch.send(frame);
        } catch {
          return this.linkLost(gen);
        }
        this.sentUpTo = head.index + 1;
        this.d.onSent?.(head.index);
      }
      if (gen === this.gen) this.d.onAllSent();
    } catch (err) {
      if (gen === this.gen) {
        this.gen++;
        this.d.onFailed(err);
      }
    }
  }

  private linkLost(gen: number): void {
    if (gen !== this.gen) return;
    this.gen++;
    this.d.onLinkLost();
  }
}
