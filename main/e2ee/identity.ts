// The device identity: Ed25519 secret in the keychain, public half in <dataDir>/identity.json; never silently replaced.
import path from 'node:path';
import { fromB64u, toB64u } from '../../protocol/encoding';
import type { IdentityInfo } from '../../protocol/ipc-e2ee';
import { ctEqual, generateIdentity, identityFromSeed, wipe, wipeIdentity, type CryptoBackend, type IdentityKeyPair } from '../crypto';
import { DomainError } from '../errors';
import { IDENTITY_ACCOUNT, KeystoreError, type Keystore } from '../keystore/keystore';
import { readJson, writeJsonAtomic } from './atomic-json';
import { fingerprintOf } from './fingerprint';

interface IdentityFile { v: 1; identityKey: string; createdAt: number }

function keystoreFailure(err: unknown): never {
  if (err instanceof KeystoreError) throw new DomainError(err.code, err.message);
  throw err;
}

export interface IdentityEvents { onCreated(publicKey: string): void; onSecret(bytes: Uint8Array): void }

export class IdentityService {
  readonly file: string;
  private identity: IdentityKeyPair | null = null;
  private createdAt = 0;
  private loading: Promise<IdentityKeyPair> | null = null;

  constructor(dataDir: string, private readonly keystore: Keystore, private readonly backend: CryptoBackend,
    private readonly now: () => number, private readonly events: IdentityEvents) {
    this.file = path.join(dataDir, 'identity.json');
  }

  /** The loaded identity; loads or (only on a true first run) creates it. Errors are typed DomainErrors. */
  async get(): Promise<IdentityKeyPair> {
    if (this.identity) return this.identity;
    this.loading ??= this.load().finally(() => { this.loading = null; });
    return this.loading;
  }

  async info(): Promise<IdentityInfo> {
    const id = await this.get();
    return { identityKey: toB64u(id.publicKey), fingerprint: fingerprintOf(id.publicKey), createdAt: this.createdAt };
  }

  private async load(): Promise<IdentityKeyPair> {
    const stored = readJson(this.file) as IdentityFile | undefined;
    if (stored === undefined) return this.create();
    const storedKey = typeof stored.identityKey === 'string' ? fromB64u(stored.identityKey) : null;
    if (stored.v !== 1 || !storedKey || storedKey.length !== 32) throw new DomainError('identity-missing', 'identity.json is damaged');
    const secret = await this.keystore.get(IDENTITY_ACCOUNT).catch(keystoreFailure);
    if (secret === null) {
      // keytar answers null both for a locked keyring and a deleted secret: a write probe tells them apart.
      await this.keystore.probeWritable().catch(keystoreFailure);
      throw new DomainError('identity-missing', 'the identity secret is missing from the keychain');
    }
    const seed = fromB64u(secret);
    if (!seed || seed.length !== 32) {
      wipe(seed);
      throw new DomainError('identity-missing', 'the keychain entry is not a Veil identity');
    }
    const id = identityFromSeed(this.backend, seed);
    if (!ctEqual(id.publicKey, storedKey)) {
      wipeIdentity(id, this.backend);
      throw new DomainError('identity-missing', 'the keychain secret does not match identity.json');
    }
    this.events.onSecret(id.seed);
    this.createdAt = typeof stored.createdAt === 'number' ? stored.createdAt : 0;
    this.identity = id;
    return id;
  }

  private async create(): Promise<IdentityKeyPair> {
    const id = generateIdentity(this.backend);
    const secret = toB64u(id.seed);
    try {
      await this.keystore.set(IDENTITY_ACCOUNT, secret);
    } catch (err) {
      wipeIdentity(id, this.backend);
      keystoreFailure(err);
    }
    this.createdAt = this.now();
    // Public half written only after the secret is safely stored.
    writeJsonAtomic(this.file, { v: 1, identityKey: toB64u(id.publicKey), createdAt: this.createdAt } satisfies IdentityFile);
    this.events.onSecret(id.seed);
    this.events.onCreated(toB64u(id.publicKey));
    this.identity = id;
    return id;
  }

  dispose(): void {
    wipeIdentity(this.identity, this.backend);
    this.identity = null;
  }
}
