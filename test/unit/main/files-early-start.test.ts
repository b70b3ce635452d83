// Early start with a real chunk worker: main reads the picked file from disk, the offer needs no hash pass, and only a signed final hash that matches lets a file be saved.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateIdentity, nobleBackend, signFinal } from '../../../main/crypto';
import { fromB64u } from '../../../protocol/encoding';
import { FILE_LIMITS } from '../../../protocol/file-limits';
import { disposeSides, finalize, offerFromDisk, pump, room, sendFile, type Side } from './files-harness';
import { expectCode, idOf, tempDir } from './harness';

afterEach(disposeSides);

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

async function diskFile(size: number) {
  const dir = tempDir('veil-src-');
  const data = new Uint8Array(randomBytes(size));
  const file = path.join(dir, 'photo.raw');
  writeFileSync(file, data);
  return { file, data, dir };
}

/** Alice picks `file` in her open dialog and offers it to Bob, who accepts; nothing of the file is read before that. */
async function pickedTransfer(a: Side, b: Side, file: string) {
  const prepared = await offerFromDisk(a, file, [b]);
  return sendFile(a, b, new Uint8Array(readFileSync(file)), path.basename(file), prepared);
}

/** Bob's transfer failed with `code`: no save, no output, no spool. */
async function expectNotSaved(b: Side, id: string, code: string) {
  expect(await b.peer.call('files:get', id)).toMatchObject({ state: 'failed', error: { code } });
  await expectCode(b.peer.call('files:save', id), 'bad-state');
  expect(readdirSync(b.saveDir)).toEqual([]);
  expect(existsSync(path.join(b.peer.dataDir, 'transfers', `${Buffer.from(fromB64u(id)!).toString('hex')}.spool`))).toBe(false);
}

describe('files read by main from disk, started at once', () => {
  it('a picked file: offered before any byte is read, first chunk right after accept, signed final, saved identical', async () => {
    const { a, b } = await room();
    const { file, data } = await diskFile(3 * FILE_LIMITS.chunkBytes + 11);
    const t = await pickedTransfer(a, b, file);
    // No whole-file pass happened before the offer: main has no digest until every chunk is sealed.
    await expectCode(a.peer.call('files:final', t.id), 'bad-state');
    expect(await pump(t, null, 1, 0, 1)).toEqual({ verifiedChunks: 1, complete: false });
    expect(await pump(t, null, 1, 1, t.chunkCount)).toEqual({ verifiedChunks: t.chunkCount, complete: false });
    const info = await finalize(a, b, t.id);
    expect(info).toMatchObject({ state: 'verified', sha256: Buffer.from(sha256(data)).toString('hex') });
    expect(await b.peer.call('files:save', t.id)).toEqual({ saved: true, fileName: 'photo.raw' });
    expect(Buffer.compare(readFileSync(path.join(b.saveDir, 'photo.raw')), Buffer.from(data))).toBe(0);
    // The page sent no plaintext: a page-supplied chunk for this transfer is refused.
    expect((await t.pa.request('seal', t.tid, 1, 0, data.subarray(0, 10))).status).toBe('bad-state');
  });

  it('the final may arrive before the last chunk: the last chunk then completes the transfer', async () => {
    const { a, b } = await room();
    const { file, data } = await diskFile(2 * FILE_LIMITS.chunkBytes);
    const t = await pickedTransfer(a, b, file);
    const frames = [];
    for (let i = 0; i < t.chunkCount; i++) frames.push((await t.pa.request('sealFromDisk', t.tid, 1, i, new Uint8Array(0))).payload);
    expect((await finalize(a, b, t.id)).state).toBe('receiving');
    for (const f of frames) expect((await t.pb.request('open', new Uint8Array(16), 0, 0, f)).status).toBe('ok');
    expect(await b.peer.call('files:get', t.id)).toMatchObject({ state: 'verified', sha256: Buffer.from(sha256(data)).toString('hex') });
  });

  it('a final hash that does not match the chunks: hash-mismatch, never saved', async () => {
    const { a, b } = await room();
    const { file, data } = await diskFile(FILE_LIMITS.chunkBytes + 5);
    const t = await pickedTransfer(a, b, file);
    await pump(t, null, 1, 0, t.chunkCount);
    const wrong = sha256(data);
    wrong[31]! ^= 1;
    const manifestHash = sha256(t.offer.subarray(0, t.offer.length - 64));
    const lying = await a.peer.services.e2ee.signFileFinal({ transferId: t.tid, manifestHash, size: data.length, chunkCount: t.chunkCount, fileSha256: wrong });
    await expectCode(b.peer.call('files:receiveFinal', t.id, lying), 'hash-mismatch');
    await expectNotSaved(b, t.id, 'hash-mismatch');
  });

  it('a missing final: every chunk in, still not verified, nothing can be saved', async () => {
    const { a, b } = await room();
    const { file } = await diskFile(FILE_LIMITS.chunkBytes);
    const t = await pickedTransfer(a, b, file);
    await pump(t, null, 1, 0, t.chunkCount);
    expect(await b.peer.call('files:get', t.id)).toMatchObject({ state: 'receiving', verifiedChunks: t.chunkCount });
    await expectCode(b.peer.call('files:save', t.id), 'bad-state');
    expect(readdirSync(b.saveDir)).toEqual([]);
  });

  const forgeries: [string, string, (good: Uint8Array, ctx: { other: Uint8Array; manifestHash: Uint8Array; tid: Uint8Array; size: number; count: number }) => Uint8Array][] = [
    ['unsigned (zero signature)', 'bad-signature', (good) => Uint8Array.from([...good.subarray(0, 93), ...new Uint8Array(64)])],
    ['signed by someone else', 'bad-signature', (_g, c) => signFinal(nobleBackend, generateIdentity(nobleBackend).seed,
      { transferId: c.tid, manifestHash: c.manifestHash, size: c.size, chunkCount: c.count, fileSha256: new Uint8Array(32) })],
    ['one byte of the signed body changed', 'bad-signature', (good) => { const f = good.slice(); f[70]! ^= 1; return f; }],
    ['replayed from another transfer of the same sender', 'wrong-recipient', (_g, c) => c.other],
    ['truncated', 'malformed', (good) => good.subarray(0, 100)]
  ];
  for (const [what, code, forge] of forgeries) {
    it(`a final ${what} is refused (${code}) and the file is never saved`, async () => {
      const { a, b } = await room();
      const { file, data } = await diskFile(FILE_LIMITS.chunkBytes + 1);
      // An earlier, complete transfer of the same sender gives a genuinely signed final to replay.
      const earlier = await pickedTransfer(a, b, (await diskFile(10)).file);
      await pump(earlier, null, 1, 0, 1);
      const other = await a.peer.call('files:final', earlier.id);
      const t = await pickedTransfer(a, b, file);
      await pump(t, null, 1, 0, t.chunkCount);
      const good = await a.peer.call('files:final', t.id);
      const forged = forge(good, { other, manifestHash: sha256(t.offer.subarray(0, t.offer.length - 64)), tid: t.tid, size: data.length, count: t.chunkCount });
      await expectCode(b.peer.call('files:receiveFinal', t.id, forged), code);
      await expectNotSaved(b, t.id, code);
      // The genuine final cannot revive it.
      await expectCode(b.peer.call('files:receiveFinal', t.id, good), 'bad-state');
    });
  }

  it('a file that changes on disk while being sent is refused (file-changed) and the transfer fails', async () => {
    const { a, b } = await room();
    const { file } = await diskFile(3 * FILE_LIMITS.chunkBytes);
    const t = await pickedTransfer(a, b, file);
    await pump(t, null, 1, 0, 1);
    appendFileSync(file, 'more');
    const r = await t.pa.request('sealFromDisk', t.tid, 1, 1, new Uint8Array(0));
    expect(r.status).toBe('file-changed');
    expect(await a.peer.call('files:get', t.id)).toMatchObject({ state: 'failed', error: { code: 'file-changed' } });
    await expectCode(a.peer.call('files:final', t.id), 'bad-state');
  });
});

describe('paths main is asked to read', () => {
  it('refuses a folder, a missing file, a symlink to a device, a relative path and a file over the size limit; a cancelled dialog is null', async () => {
    const { a, b } = await room();
    const dir = tempDir('veil-paths-');
    const dev = path.join(dir, 'zero.bin');
    symlinkSync('/dev/zero', dev);
    await expectCode(a.peer.call('files:dropped', 'room', dir), 'bad-arguments');
    await expectCode(a.peer.call('files:dropped', 'room', path.join(dir, 'missing.bin')), 'not-found');
    await expectCode(a.peer.call('files:dropped', 'room', dev), 'bad-arguments');
    await expectCode(a.peer.call('files:dropped', 'room', 'relative/file.bin'), 'bad-arguments');
    await a.peer.call('settings:set', { maxFileBytes: FILE_LIMITS.minMaxFileBytes });
    const big = path.join(dir, 'big.bin');
    writeFileSync(big, new Uint8Array(FILE_LIMITS.minMaxFileBytes + 1));
    await expectCode(a.peer.call('files:dropped', 'room', big), 'too-large');
    a.pick = null;
    expect(await a.peer.call('files:pick', 'room')).toBeNull();
    // A symlink to a regular file is followed to that file, under the link's own name.
    const real = path.join(dir, 'real.txt');
    writeFileSync(real, 'hello');
    const link = path.join(dir, 'link-name.txt');
    symlinkSync(real, link);
    const prepared = await a.peer.call('files:dropped', 'room', link);
    expect(prepared).toMatchObject({ name: 'link-name.txt', size: 5, fromDisk: true });
    expect(JSON.stringify(prepared)).not.toContain(dir);
    expect(existsSync(real)).toBe(true);
    expect(fromB64u(prepared.prepareId)).not.toBeNull();
    void b;
    void idOf;
  });
});
