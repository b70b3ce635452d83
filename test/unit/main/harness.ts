// Test harness: simulated peers, each the app's own wiring (createMainApp) with a fake clock, a memory keystore and a secret collector.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMainApp } from '../../../main/app';
import type { Dispatch } from '../../../main/ipc/dispatcher';
import type { E2eeParts } from '../../../main/e2ee/parts';
import { MemoryKeystore } from '../../../main/keystore/memory';
import type { MainServiceOptions, MainServices } from '../../../main/services';
import { APP_ENTRY_URL } from '../../../main/shell/origin';
import type { CryptoBackend } from '../../../main/crypto';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';

/**
 * VEIL_TEST_AEAD=noble runs every harness peer the way Electron runs (native asymmetric backend, noble ChaCha20-Poly1305)
 * instead of the default selection (node AEAD in plain Node).
 */
const envBackend: CryptoBackend | undefined = process.env.VEIL_TEST_AEAD === 'noble' ? createNodeBackend() : undefined;
import type { IpcChannel, IpcResult, IpcResultOf } from '../../../protocol/ipc';

/** The app's own page: the dispatcher's default sender check (isAppUrl) accepts it, exactly as in Electron. */
export const APP_URL = APP_ENTRY_URL;

/** White-box view for tests that inspect key material and counters; outside test/ lint forbids reaching the private parts. */
export const partsOf = (services: MainServices): E2eeParts => services.e2ee['parts'];

export class Clock {
  constructor(public t = 1_800_000_000_000) {}
  now = () => this.t;
  advance(ms: number): void { this.t += ms; }
}

export class IpcError extends Error {
  constructor(readonly code: string, message: string) { super(`${code}: ${message}`); }
}

export interface Peer {
  name: string; services: MainServices; dispatch: Dispatch; keystore: MemoryKeystore; dataDir: string;
  results: unknown[];
  call<C extends IpcChannel>(channel: C, ...args: unknown[]): Promise<IpcResultOf<C>>;
  raw(channel: unknown, args: unknown[]): Promise<IpcResult<unknown>>;
}

export function tempDir(prefix = 'veil-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface PeerOptions {
  clock: Clock; secrets?: Uint8Array[]; backend?: CryptoBackend; dataDir?: string; keystore?: MemoryKeystore;
  /** File transfer wiring (see test/support/chunk-worker.ts and files-flow.test.ts). */
  files?: Pick<MainServiceOptions, 'chooseSavePath' | 'chooseOpenPath' | 'openFilePort' | 'chunkWorkerPath'>;
  /** SFU media-key wiring (see media-keys.test.ts). */
  media?: Pick<MainServiceOptions, 'openMediaKeyPort' | 'mediaKeySwitchDelayMs' | 'mediaKeyQuickSwitchDelayMs'>;
}

export async function makePeer(name: string, opts: PeerOptions): Promise<Peer> {
  const keystore = opts.keystore ?? new MemoryKeystore();
  const dataDir = opts.dataDir ?? tempDir();
  const { services, dispatch } = await createMainApp({
    appInfo: { name: 'Veil', version: 'test', platform: 'linux' }, dataDir, keystore, now: opts.clock.now, sweepIntervalMs: 0,
    ...(opts.backend ?? envBackend ? { backend: opts.backend ?? envBackend } : {}),
    ...(opts.secrets ? { onSecret: (s: Uint8Array) => opts.secrets!.push(s) } : {}),
    ...opts.files,
    ...opts.media
  });
  const results: unknown[] = [];
  const raw = async (channel: unknown, args: unknown[]) => {
    const r = await dispatch(APP_URL, channel, args);
    results.push(r);
    return r;
  };
  return {
    name, services, dispatch, keystore, dataDir, results, raw,
    async call(channel, ...args) {
      const r = await raw(channel, args);
      if (!r.ok) throw new IpcError(r.error.code, r.error.message);
      return r.value as never;
    }
  };
}

/** Expects an IPC call to fail with `code`; returns the message. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IpcError && err.code === code) return err.message;
    throw new Error(`expected ${code}, got ${(err as Error).message}`);
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

/** Creates room keys on every peer and opens sessions between all pairs. */
export async function joinAll(room: string, peers: Peer[]): Promise<void> {
  const bundles = new Map<Peer, unknown>();
  for (const p of peers) bundles.set(p, (await p.call('keys:create', room)).bundle);
  for (const a of peers) for (const b of peers) if (a !== b) await a.call('session:open', bundles.get(b), b.name);
}

export async function idOf(p: Peer): Promise<string> {
  return (await p.call('identity:get')).identityKey;
}

export const text = (s: string) => new TextEncoder().encode(s);
export const untext = (b: Uint8Array) => new TextDecoder().decode(b);
