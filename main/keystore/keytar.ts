// Keystore over keytar (libsecret / Secret Service on Linux), loaded lazily so hosts without a keychain can still start.
import { KEYSTORE_SERVICE, KeystoreError, PROBE_ACCOUNT, type Keystore } from './keystore';

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** Messages keytar/libsecret use when there is no Secret Service at all (vs. a locked collection). */
const UNAVAILABLE = /autolaunch|not provided by any \.service|was not provided|org\.freedesktop\.secrets|no such|cannot find|failed to load|dbus/i;

function classify(err: unknown, fallback: 'keychain-locked' | 'keychain-unavailable'): KeystoreError {
  const message = err instanceof Error ? err.message : String(err);
  const code = UNAVAILABLE.test(message) ? 'keychain-unavailable' : fallback;
  return new KeystoreError(code, code === 'keychain-locked' ? 'the keychain is locked' : 'no keychain (Secret Service) is available');
}

export class KeytarKeystore implements Keystore {
  readonly kind = 'keytar';
  private api: KeytarApi | null = null;

  constructor(private readonly service = KEYSTORE_SERVICE, private readonly load: () => Promise<KeytarApi> = defaultLoad) {}

  private async keytar(): Promise<KeytarApi> {
    if (!this.api) {
      try {
        this.api = await this.load();
      } catch {
        throw new KeystoreError('keychain-unavailable', 'keytar could not be loaded');
      }
    }
    return this.api;
  }

  async get(account: string): Promise<string | null> {
    try {
      return await (await this.keytar()).getPassword(this.service, account);
    } catch (err) {
      if (err instanceof KeystoreError) throw err;
      throw classify(err, 'keychain-unavailable');
    }
  }

  async set(account: string, secret: string): Promise<void> {
    try {
      await (await this.keytar()).setPassword(this.service, account, secret);
    } catch (err) {
      if (err instanceof KeystoreError) throw err;
      throw classify(err, 'keychain-locked');
    }
  }

  async delete(account: string): Promise<boolean> {
    try {
      return await (await this.keytar()).deletePassword(this.service, account);
    } catch (err) {
      if (err instanceof KeystoreError) throw err;
      throw classify(err, 'keychain-locked');
    }
  }

  async probeWritable(): Promise<void> {
    await this.set(PROBE_ACCOUNT, 'probe');
    await this.delete(PROBE_ACCOUNT);
  }
}

async function defaultLoad(): Promise<KeytarApi> {
  // Lazy load of the native module (external in the bundle), so a host without libsecret still starts.
  const mod = (await import('keytar')) as KeytarApi & { default?: KeytarApi };
  return mod.default ?? mod;
}
