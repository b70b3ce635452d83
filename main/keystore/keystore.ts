// The OS keychain behind one small interface: secrets by account name, with typed lock/unavailable errors.

export type KeystoreErrorCode = 'keychain-locked' | 'keychain-unavailable';

export class KeystoreError extends Error {
  constructor(readonly code: KeystoreErrorCode, message: string) {
    super(message);
    this.name = 'KeystoreError';
  }
}

export interface Keystore {
  readonly kind: string;
  /** The stored secret, or null when none is stored. (A locked keyring may also answer null: see `probeWritable`.) */
  get(account: string): Promise<string | null>;
  /** Throws KeystoreError('keychain-locked' | 'keychain-unavailable') when the secret cannot be stored. */
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /**
   * Tells a locked keychain from an empty one after `get` returned null: writes and deletes a probe entry.
   * Throws KeystoreError('keychain-locked') when the keychain refuses the write.
   */
  probeWritable(): Promise<void>;
}

export const KEYSTORE_SERVICE = 'Veil';
export const IDENTITY_ACCOUNT = 'identity-ed25519';
export const PROBE_ACCOUNT = 'lock-probe';
