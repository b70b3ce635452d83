// TOFU contact store keyed by display name → identity key, with verified flags and key-change warnings in contacts.json.
import path from 'node:path';
import type { Contact, TrustState } from '../../protocol/ipc-e2ee';
import { fromB64u } from '../../protocol/encoding';
import { IpcFailure } from '../ipc/dispatcher';
import { readJson, writeJsonAtomic } from './files';
import { fingerprintOf } from './fingerprint';

interface ContactsFile { v: 1; contacts: Contact[] }

export type ContactEvent = { type: 'contact-new' | 'contact-key-changed' | 'contact-verified' | 'contact-unverified' | 'contact-change-accepted';
  displayName: string; identityKey: string; previousIdentityKey?: string };

export class ContactStore {
  readonly file: string;
  private readonly byName = new Map<string, Contact>();

  constructor(dataDir: string, private readonly now: () => number, private readonly onEvent: (e: ContactEvent) => void) {
    this.file = path.join(dataDir, 'contacts.json');
    const stored = readJson(this.file) as ContactsFile | undefined;
    for (const c of stored?.contacts ?? []) this.byName.set(c.displayName, { ...c });
  }

  /** Trust on first use: records the identity under the display name, or flags a change of key. */
  observe(displayName: string, identityKey: string): Contact {
    const t = this.now();
    const existing = this.byName.get(displayName);
    if (!existing) {
      const c: Contact = { identityKey, displayName, fingerprint: fingerprintOf(fromB64u(identityKey)!), verified: false,
        firstSeen: t, lastSeen: t, changePending: false };
      this.byName.set(displayName, c);
      this.onEvent({ type: 'contact-new', displayName, identityKey });
      this.save();
      return { ...c };
    }
    if (existing.identityKey !== identityKey) {
      const previousIdentityKey = existing.identityKey;
      Object.assign(existing, { identityKey, fingerprint: fingerprintOf(fromB64u(identityKey)!), previousIdentityKey,
        changePending: true, verified: false, lastSeen: t });
      this.onEvent({ type: 'contact-key-changed', displayName, identityKey, previousIdentityKey });
    } else {
      existing.lastSeen = t;
    }
    this.save();
    return { ...existing };
  }

  trustOf(displayName: string, identityKey: string, firstSeenNow: boolean): TrustState {
    const c = this.byName.get(displayName);
    if (!c || c.identityKey !== identityKey) return 'changed';
    if (c.changePending) return 'changed';
    if (c.verified) return 'verified';
    return firstSeenNow ? 'new' : 'known';
  }

  /** Sealing to a peer whose key changed is refused until the user accepts the change. */
  assertSendable(displayName: string, identityKey: string): void {
    const c = this.byName.get(displayName);
    if (!c || c.identityKey !== identityKey || c.changePending) {
      throw new IpcFailure('key-changed', `the identity key of "${displayName}" changed: confirm the change before sending`);
    }
  }

  private findByKey(identityKey: string): Contact {
    for (const c of this.byName.values()) if (c.identityKey === identityKey) return c;
    throw new IpcFailure('not-found', 'no contact with this identity key');
  }

  setVerified(identityKey: string, verified: boolean): Contact {
    const c = this.findByKey(identityKey);
    if (c.changePending && verified) throw new IpcFailure('key-changed', 'accept the key change before verifying');
    c.verified = verified;
    this.save();
    this.onEvent({ type: verified ? 'contact-verified' : 'contact-unverified', displayName: c.displayName, identityKey });
    return { ...c };
  }

  acceptChange(identityKey: string): Contact {
    const c = this.findByKey(identityKey);
    c.changePending = false;
    c.verified = false;
    this.save();
    this.onEvent({ type: 'contact-change-accepted', displayName: c.displayName, identityKey });
    return { ...c };
  }

  list(): Contact[] {
    return [...this.byName.values()].map((c) => ({ ...c }));
  }

  private save(): void {
    writeJsonAtomic(this.file, { v: 1, contacts: this.list() } satisfies ContactsFile);
  }
}
