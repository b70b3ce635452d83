// The file-transfer engine in-process: prepare hashing, nonce uniqueness on seal, strict in-order open, spool, save.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkLength, deriveFileKey } from '../../../main/crypto';
import { createDefaultBackend } from '../../../main/crypto-native/select';
import { EngineError, TransferEngine } from '../../../main/files/engine';
import { tempDir } from './harness';

const backend = createDefaultBackend();
const CHUNK = 4096;

function setup(size: number, marker = false) {
  const dir = tempDir();
  const file = new Uint8Array(randomBytes(size));
  if (marker && size >= 64) file.set(Buffer.from('PLAINTEXT-MARKER-0123456789'), 10);
  const id = new Uint8Array(randomBytes(16));
  const key = deriveFileKey(backend, new Uint8Array(randomBytes(32)), id, Uint8Array.of(1, 2, 3));
  const sha = new Uint8Array(createHash('sha256').update(file).digest());
  const sender = new TransferEngine(path.join(dir, 'a'), backend);
  const receiver = new TransferEngine(path.join(dir, 'b'), backend);
  sender.addSend(id, key.slice(), size, CHUNK);
  receiver.addReceive(id, key.slice(), size, CHUNK, sha);
  const count = Math.max(1, Math.ceil(size / CHUNK));
  const slice = (i: number) => file.slice(i * CHUNK, i * CHUNK + chunkLength(size, CHUNK, i));
  return { dir, file, id, key, sha, sender, receiver, count, slice };
}

function refusal(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected an EngineError');
}

describe('prepare hashing', () => {
  it('hashes slices in order to the SHA-256 of the file; wrong order or length changes nothing', () => {
    const e = new TransferEngine(tempDir(), backend);
    const file = new Uint8Array(randomBytes(CHUNK * 2 + 5));
    const id = new Uint8Array(16).fill(1);
    e.startPrepare(id, file.length, CHUNK);
    expect(refusal(() => e.hash(id, 1, file.subarray(CHUNK, 2 * CHUNK))).status).toBe('out-of-order');
    expect(refusal(() => e.hash(id, 0, file.subarray(0, CHUNK - 1))).status).toBe('malformed');
    expect(e.hash(id, 0, file.subarray(0, CHUNK))).toEqual({ done: false });
    expect(refusal(() => e.hash(id, 0, file.subarray(0, CHUNK))).status).toBe('out-of-order');
    expect(e.hash(id, 1, file.subarray(CHUNK, 2 * CHUNK)).done).toBe(false);
    expect(refusal(() => e.hash(id, 2, file.subarray(2 * CHUNK, 2 * CHUNK + 4))).status).toBe('malformed');
    const last = e.hash(id, 2, file.subarray(2 * CHUNK));
    expect(Buffer.from(last.digest!).toString('hex')).toBe(createHash('sha256').update(file).digest('hex'));
    expect(refusal(() => e.hash(id, 3, new Uint8Array(0))).status).toBe('not-found');
    const empty = new Uint8Array(16).fill(2);
    e.startPrepare(empty, 0, CHUNK);
    expect(Buffer.from(e.hash(empty, 0, new Uint8Array(0)).digest!).toString('hex')).toBe(createHash('sha256').digest('hex'));
  });
});

describe('seal: nonce uniqueness by construction', () => {
  it('refuses any (attempt, index) not strictly after the last one sealed, and wrong chunk lengths', () => {
    const t = setup(CHUNK * 3);
    t.sender.seal(t.id, 1, 0, t.slice(0));
    expect(refusal(() => t.sender.seal(t.id, 1, 0, t.slice(0))).status).toBe('bad-state');
    t.sender.seal(t.id, 1, 2, t.slice(2));
    expect(refusal(() => t.sender.seal(t.id, 1, 1, t.slice(1))).status).toBe('bad-state');
    expect(refusal(() => t.sender.seal(t.id, 2, 1, t.slice(1))).status).toBe('bad-state');
    t.sender.resume(t.id, 2);
    expect(refusal(() => t.sender.resume(t.id, 2)).status).toBe('bad-state');
    expect(refusal(() => t.sender.seal(t.id, 1, 3, t.slice(1))).status).toBe('stale-attempt');
    expect(refusal(() => t.sender.seal(t.id, 2, 1, t.slice(0).subarray(1))).status).toBe('malformed');
    expect(refusal(() => t.sender.seal(t.id, 2, 3, new Uint8Array(0))).status).toBe('malformed');
    const frame = t.sender.seal(t.id, 2, 1, t.slice(1));
    expect([...frame.subarray(17, 25)]).toEqual([0, 0, 0, 2, 0, 0, 0, 1]);
    expect(refusal(() => t.sender.seal(new Uint8Array(16), 1, 0, t.slice(0))).status).toBe('not-found');
  });
});

describe('receive: strict order, stale attempts, aborts, spool, save', () => {
  it('a whole transfer: in-order open, spool holds no plaintext, save writes identical bytes and drops the spool', () => {
    const t = setup(CHUNK * 3 + 100, true);
    t.receiver.startReceive(t.id);
    for (let i = 0; i < t.count; i++) {
      const r = t.receiver.open(t.sender.seal(t.id, 1, i, t.slice(i)));
      expect(r).toMatchObject({ verifiedChunks: i + 1, complete: i === t.count - 1 });
    }
    const spool = t.receiver.spoolPath(t.id);
    const spoolBytes = readFileSync(spool);
    expect(spoolBytes.includes(Buffer.from('PLAINTEXT-MARKER'))).toBe(false);
    expect(spoolBytes.length).toBe(t.count * (25 + 16) + t.file.length);
    const out = path.join(t.dir, 'out.bin');
    t.receiver.save(t.id, out);
    expect(Buffer.compare(readFileSync(out), Buffer.from(t.file))).toBe(0);
    expect(existsSync(spool)).toBe(false);
    expect(refusal(() => t.receiver.save(t.id, out)).status).toBe('not-found');
  });

  it('an older attempt is ignored without change; a newer attempt is accepted only at the expected index (resume)', () => {
    const t = setup(CHUNK * 4);
    t.receiver.startReceive(t.id);
    const old1 = t.sender.seal(t.id, 1, 0, t.slice(0));
    t.receiver.open(old1);
    const old2 = t.sender.seal(t.id, 1, 1, t.slice(1));
    t.receiver.open(old2);
    t.sender.resume(t.id, 2);
    const r2 = t.receiver.open(t.sender.seal(t.id, 2, 2, t.slice(2)));
    expect(r2.verifiedChunks).toBe(3);
    // A late frame of attempt 1 arrives: dropped, nothing changes.
    expect(refusal(() => t.receiver.open(old2)).status).toBe('stale-attempt');
    expect(t.receiver.open(t.sender.seal(t.id, 2, 3, t.slice(3)))).toMatchObject({ complete: true });
    const out = path.join(t.dir, 'resumed.bin');
    t.receiver.save(t.id, out);
    expect(Buffer.compare(readFileSync(out), Buffer.from(t.file))).toBe(0);
  });

  const aborts: [string, string, (t: ReturnType<typeof setup>, first: Uint8Array) => Uint8Array][] = [
    ['a skipped chunk', 'out-of-order', (t) => t.sender.seal(t.id, 1, 2, t.slice(2))],
    ['a replayed chunk', 'out-of-order', (_t, first) => first],
    ['a tampered chunk', 'decrypt-failed', (t) => { const f = t.sender.seal(t.id, 1, 1, t.slice(1)); f[40]! ^= 1; return f; }],
    ['a truncated chunk', 'malformed', (t) => t.sender.seal(t.id, 1, 1, t.slice(1)).subarray(0, 25 + 100)],
    ['a newer attempt at the wrong index', 'out-of-order', (t) => { t.sender.resume(t.id, 2); return t.sender.seal(t.id, 2, 3, t.slice(3)); }]
  ];
  for (const [what, status, frame] of aborts) {
    it(`${what} aborts with ${status}: key dropped, spool deleted`, () => {
      const t = setup(CHUNK * 4);
      t.receiver.startReceive(t.id);
      // The sender seals chunk 0 under the same key as part of a normal run.
      const first = t.sender.seal(t.id, 1, 0, t.slice(0));
      t.receiver.open(first);
      const spool = t.receiver.spoolPath(t.id);
      expect(existsSync(spool)).toBe(true);
      const err = refusal(() => t.receiver.open(frame(t, first)));
      expect(err.status).toBe(status);
      expect(err.aborted).toBe(true);
      expect(existsSync(spool)).toBe(false);
      // The transfer is gone: even a frame that would have been next is now unknown.
      expect(refusal(() => t.receiver.open(first)).status).toBe('not-found');
    });
  }

  it('a whole-file hash mismatch aborts after the last chunk and deletes the spool', () => {
    const t = setup(CHUNK + 1);
    const wrong = new TransferEngine(path.join(t.dir, 'c'), backend);
    wrong.addReceive(t.id, t.key.slice(), t.file.length, CHUNK, new Uint8Array(32));
    wrong.startReceive(t.id);
    wrong.open(t.sender.seal(t.id, 1, 0, t.slice(0)));
    const err = refusal(() => wrong.open(t.sender.seal(t.id, 1, 1, t.slice(1))));
    expect(err.status).toBe('hash-mismatch');
    expect(readdirSync(wrong.spoolDir)).toEqual([]);
  });

  it('an unknown transfer id changes nothing; frames before accept are refused', () => {
    const t = setup(CHUNK);
    const frame = t.sender.seal(t.id, 1, 0, t.slice(0));
    expect(refusal(() => t.receiver.open(frame)).status).toBe('bad-state');
    expect(refusal(() => t.receiver.open(Uint8Array.of(1, 2))).status).toBe('malformed');
    const stray = frame.slice();
    stray[1]! ^= 1;
    t.receiver.startReceive(t.id);
    expect(refusal(() => t.receiver.open(stray)).status).toBe('not-found');
    expect(t.receiver.open(frame).complete).toBe(true);
  });

  it('save to an unwritable path or from a corrupted spool leaves no partial output and keeps the transfer', () => {
    const t = setup(CHUNK * 2 + 7);
    t.receiver.startReceive(t.id);
    for (let i = 0; i < t.count; i++) t.receiver.open(t.sender.seal(t.id, 1, i, t.slice(i)));
    const outDir = path.join(t.dir, 'out');
    mkdirSync(outDir);
    expect(() => t.receiver.save(t.id, path.join(t.dir, 'missing-dir', 'x.bin'))).toThrow();
    const spool = t.receiver.spoolPath(t.id);
    const good = readFileSync(spool);
    const bad = Buffer.from(good);
    bad[good.length - 3]! ^= 1;
    writeFileSync(spool, bad);
    const dest = path.join(outDir, 'x.bin');
    expect(refusal(() => t.receiver.save(t.id, dest)).status).toBe('decrypt-failed');
    expect(readdirSync(outDir)).toEqual([]);
    writeFileSync(spool, good);
    t.receiver.save(t.id, dest);
    expect(readdirSync(outDir)).toEqual(['x.bin']);
    expect(Buffer.compare(readFileSync(dest), Buffer.from(t.file))).toBe(0);
  });

  it('an empty file is one empty chunk', () => {
    const t = setup(0);
    t.receiver.startReceive(t.id);
    const frame = t.sender.seal(t.id, 1, 0, new Uint8Array(0));
    expect(frame).toHaveLength(41);
    expect(t.receiver.open(frame)).toMatchObject({ verifiedChunks: 1, complete: true });
    const out = path.join(t.dir, 'empty');
    t.receiver.save(t.id, out);
    expect(readFileSync(out)).toHaveLength(0);
  });

  it('forget and dispose wipe the keys they hold and delete spools', () => {
    const t = setup(CHUNK);
    const key = t.key.slice();
    t.receiver.forget(t.id);
    const e = new TransferEngine(path.join(t.dir, 'd'), backend);
    e.addReceive(t.id, key, CHUNK, CHUNK, t.sha);
    e.startReceive(t.id);
    e.dispose();
    expect(key.every((b) => b === 0)).toBe(true);
    expect(readdirSync(e.spoolDir)).toEqual([]);
  });
});
