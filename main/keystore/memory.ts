// In-memory keystore for tests and the E2E harness; can simulate a locked or unavailable keychain.
import { KeystoreError, type Keystore } from './keystore';

export class MemoryKeystore implements Keystore {
  readonly kind = 'memory';
  readonly secrets = new Map<string, string>();
  /** 'locked' mimics keytar on a locked keyring: get answers null, set throws. */
  state: 'open' | 'locked' | 'unavailable' = 'open';

  async get(account: string): Promise<string | null> {
    if (this.state === 'unavailable') throw new KeystoreError('keychain-unavailable', 'no keychain');
    if (this.state === 'locked') return null;
    return this.secrets.get(account) ?? null;
  }
  async set(account: string, secret: string): Promise<void> {
    if (this.state !== 'open') throw new KeystoreError(this.state === 'locked' ? 'keychain-locked' : 'keychain-unavailable', 'keychain refused the write');
    this.secrets.set(account, secret);
  }
  async delete(account: string): Promise<boolean> {
    if (this.state !== 'open') throw new KeystoreError(this.state === 'locked' ? 'keychain-locked' : 'keychain-unavailable', 'keychain refused the delete');
    return this.secrets.delete(account);
  }
  async probeWritable(): Promise<void> {
    if (this.state !== 'open') throw new KeystoreError(this.state === 'locked' ? 'keychain-locked' : 'keychain-unavailable', 'keychain is not writable');
  }
}
