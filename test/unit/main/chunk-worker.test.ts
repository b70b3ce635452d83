// The chunk worker client: keys handed over and wiped in main, frames agree with the in-process engine, a dying worker fails calls.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultBackend } from '../../../main/crypto-native/select';
import { EngineError, TransferEngine } from '../../../main/files/engine';
import { ChunkWorkerClient } from '../../../main/files/worker-client';
import { chunkWorkerPath } from '../../support/chunk-worker';
import { tempDir } from './harness';

const clients: ChunkWorkerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.terminate();
});

async function client(onExit?: () => void, workerPath?: string): Promise<ChunkWorkerClient> {
  const c = new ChunkWorkerClient(workerPath ?? await chunkWorkerPath(), tempDir(), onExit);
  clients.push(c);
  return c;
}

describe('chunk worker client', () => {
  it('wipes main\'s copy of the key when handing it over; frames it seals open in the in-process engine', async () => {
    const c = await client();
    const id = new Uint8Array(randomBytes(16));
    const key = new Uint8Array(randomBytes(32));
    const keyCopy = key.slice();
    const plaintext = new Uint8Array(randomBytes(5000));
    await c.addSend(id, key, plaintext.length, 4096);
    expect(key.every((b) => b === 0)).toBe(true);
    const first = await c.seal(id, 1, 0, plaintext.slice(0, 4096));
    const second = await c.seal(id, 1, 1, plaintext.subarray(4096));
    const local = new TransferEngine(tempDir(), createDefaultBackend());
    local.addReceive(id, keyCopy, plaintext.length, 4096);
    local.startReceive(id);
    local.open(first);
    expect(local.open(second).complete).toBe(false);
    // The worker hashed while sealing; its digest completes the receiver.
    const digest = await c.digest(id);
    expect(Buffer.from(digest).toString('hex')).toBe(createHash('sha256').update(plaintext).digest('hex'));
    expect(local.setFinal(id, digest).complete).toBe(true);
    await expect(c.seal(id, 1, 1, plaintext.subarray(4096))).rejects.toMatchObject({ status: 'bad-state' });
    await expect(c.seal(id, 1, 5, new Uint8Array(1))).rejects.toBeInstanceOf(EngineError);
  });

  it('a worker that dies rejects every pending call with internal, reports the exit once, and refuses later calls', async () => {
    const dir = tempDir();
    const dying = path.join(dir, 'dying.cjs');
    writeFileSync(dying, "require('node:worker_threads').parentPort.on('message', () => process.exit(3));\n");
    let exits = 0;
    const c = await client(() => { exits++; }, dying);
    const pending = [c.forget(new Uint8Array(16)), c.forget(new Uint8Array(16))];
    for (const p of pending) await expect(p).rejects.toMatchObject({ status: 'internal' });
    expect(exits).toBe(1);
    expect(c.alive).toBe(false);
    await expect(c.forget(new Uint8Array(16))).rejects.toMatchObject({ status: 'internal' });
  });

  it('a missing worker file fails calls instead of crashing main', async () => {
    let exits = 0;
    const c = await client(() => { exits++; }, path.join(tempDir(), 'missing.cjs'));
    await expect(c.forget(new Uint8Array(16))).rejects.toMatchObject({ status: 'internal' });
    expect(exits).toBe(1);
  });
});

