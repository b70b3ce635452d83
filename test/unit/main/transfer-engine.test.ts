// The file-transfer engine in-process: running hash while sealing, disk reads, nonce uniqueness, strict in-order open, the final check, spool, save.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync,
  writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkLength, deriveFileKey, openChunk } from '../../../main/crypto';
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
  receiver.addReceive(id, key.slice(), size, CHUNK);
  const count = Math.max(1, Math.ceil(size / CHUNK));
  const slice = (i: number) => file.slice(i * CHUNK, i * CHUNK + chunkLength(size, CHUNK, i));
  /** The hash of the sender's signed final message, as main hands it over once it verified the signature. */
  const final = (hash: Uint8Array = sha) => receiver.setFinal(id, hash);
  return { dir, file, id, key, sha, sender, receiver, count, slice, final };
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

describe('running hash while sealing', () => {
  it('the digest is the SHA-256 of every chunk as first sealed; a chunk sealed again after a resume is not hashed twice', () => {
    const t = setup(CHUNK * 3 + 5);
    expect(refusal(() => t.sender.digest(t.id)).status).toBe('bad-state');
    t.sender.seal(t.id, 1, 0, t.slice(0));
    t.sender.seal(t.id, 1, 1, t.slice(1));
    t.sender.resume(t.id, 2);
    t.sender.seal(t.id, 2, 1, t.slice(1));
    expect(refusal(() => t.sender.digest(t.id)).status).toBe('bad-state');
    t.sender.seal(t.id, 2, 2, t.slice(2));
    t.sender.seal(t.id, 2, 3, t.slice(3));
    expect(Buffer.from(t.sender.digest(t.id)).equals(Buffer.from(t.sha))).toBe(true);
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
      // Every chunk in is not enough: nothing is complete before the sender's signed final hash.
      expect(r).toMatchObject({ verifiedChunks: i + 1, complete: false });
    }
    expect(refusal(() => t.receiver.save(t.id, path.join(t.dir, 'early.bin'))).status).toBe('bad-state');
    expect(existsSync(path.join(t.dir, 'early.bin'))).toBe(false);
    expect(t.final(t.sender.digest(t.id))).toMatchObject({ complete: true });
    expect(t.final()).toMatchObject({ complete: true });
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
    // The final may arrive before the last chunk (it travels on another channel): the last chunk then completes.
    t.final();
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

  for (const order of ['final first', 'final last'] as const) {
    it(`a final hash that does not match the chunks aborts (${order}): never complete, never saved, spool deleted`, () => {
      const t = setup(CHUNK + 1);
      t.receiver.startReceive(t.id);
      const wrong = t.sha.slice();
      wrong[0]! ^= 1;
      if (order === 'final first') t.final(wrong);
      t.receiver.open(t.sender.seal(t.id, 1, 0, t.slice(0)));
      const last = () => t.receiver.open(t.sender.seal(t.id, 1, 1, t.slice(1)));
      const err = order === 'final first' ? refusal(last) : (last(), refusal(() => t.final(wrong)));
      expect(err.status).toBe('hash-mismatch');
      expect(err.aborted).toBe(true);
      expect(readdirSync(t.receiver.spoolDir)).toEqual([]);
      expect(refusal(() => t.receiver.save(t.id, path.join(t.dir, 'x.bin'))).status).toBe('not-found');
      expect(existsSync(path.join(t.dir, 'x.bin'))).toBe(false);
    });
  }

  it('a second final naming another hash aborts even after the first matched', () => {
    const t = setup(CHUNK);
    t.receiver.startReceive(t.id);
    t.receiver.open(t.sender.seal(t.id, 1, 0, t.slice(0)));
    expect(t.final().complete).toBe(true);
    expect(refusal(() => t.final(new Uint8Array(32))).status).toBe('hash-mismatch');
    expect(t.receiver.has(t.id)).toBe(false);
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
    expect(t.receiver.open(frame).complete).toBe(false);
    expect(t.final().complete).toBe(true);
  });

  it('save to an unwritable path or from a corrupted spool leaves no partial output and keeps the transfer', () => {
    const t = setup(CHUNK * 2 + 7);
    t.receiver.startReceive(t.id);
    for (let i = 0; i < t.count; i++) t.receiver.open(t.sender.seal(t.id, 1, i, t.slice(i)));
    t.final();
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
    expect(t.receiver.open(frame)).toMatchObject({ verifiedChunks: 1, complete: false });
    expect(t.final()).toMatchObject({ complete: true });
    const out = path.join(t.dir, 'empty');
    t.receiver.save(t.id, out);
    expect(readFileSync(out)).toHaveLength(0);
  });

  it('forget and dispose wipe the keys they hold and delete spools', () => {
    const t = setup(CHUNK);
    const key = t.key.slice();
    t.receiver.forget(t.id);
    const e = new TransferEngine(path.join(t.dir, 'd'), backend);
    e.addReceive(t.id, key, CHUNK, CHUNK);
    e.startReceive(t.id);
    e.dispose();
    expect(key.every((b) => b === 0)).toBe(true);
    expect(readdirSync(e.spoolDir)).toEqual([]);
  });
});

describe('sealing from disk', () => {
  function diskSetup(size: number) {
    const t = setup(size);
    const filePath = path.join(t.dir, 'source.bin');
    writeFileSync(filePath, t.file);
    const st = statSync(filePath);
    const source = { path: filePath, size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
    const id = new Uint8Array(randomBytes(16));
    t.sender.addSend(id, t.key.slice(), size, CHUNK, source);
    return { ...t, filePath, source, diskId: id };
  }

  it('reads each chunk itself: the frames open to the file and the digest is its SHA-256; page plaintext is refused', () => {
    const t = diskSetup(CHUNK * 2 + 9);
    const frames = [0, 1, 2].map((i) => t.sender.sealFromDisk(t.diskId, 1, i));
    frames.forEach((f, i) => expect([...openChunk(backend, t.key, f)!]).toEqual([...t.slice(i)]));
    expect(Buffer.from(t.sender.digest(t.diskId)).equals(Buffer.from(t.sha))).toBe(true);
    expect(refusal(() => t.sender.seal(t.diskId, 1, 3, new Uint8Array(0))).status).toBe('bad-state');
    expect(refusal(() => t.sender.sealFromDisk(t.id, 1, 0)).status).toBe('bad-state');
  });

  it('a file that grows, shrinks or is rewritten while being sent is refused as file-changed and the transfer dropped', () => {
    for (const change of [(f: string) => appendFileSync(f, 'x'), (f: string) => truncateSync(f, CHUNK),
      (f: string) => { const fd = openSync(f, 'r+'); writeSync(fd, 'y', CHUNK + 1); closeSync(fd); utimesSync(f, new Date(), new Date(Date.now() + 5000)); }]) {
      const t = diskSetup(CHUNK * 3);
      t.sender.sealFromDisk(t.diskId, 1, 0);
      change(t.filePath);
      const err = refusal(() => t.sender.sealFromDisk(t.diskId, 1, 1));
      expect(err.status).toBe('file-changed');
      expect(err.aborted).toBe(true);
      expect(t.sender.has(t.diskId)).toBe(false);
    }
  });

  it('a file replaced or changed between the check and the send is refused before anything is sealed', () => {
    const t = setup(CHUNK);
    const filePath = path.join(t.dir, 'swap.bin');
    writeFileSync(filePath, t.file);
    const st = statSync(filePath);
    rmSync(filePath);
    writeFileSync(filePath, t.file);
    const id = new Uint8Array(randomBytes(16));
    const swapped = refusal(() => t.sender.addSend(id, t.key.slice(), CHUNK, CHUNK,
      { path: filePath, size: CHUNK, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino + 1 }));
    expect(swapped.status).toBe('file-changed');
    expect(t.sender.has(id)).toBe(false);
  });
});
