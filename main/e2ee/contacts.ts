// Contacts keyed by identity key: trust per key, look-alike names of known contacts block, decisions persist.
import { fromB64u } from '../../protocol/encoding';
import type { Contact, ContactOrigin, NameClaim, TrustState } from '../../protocol/ipc-e2ee';
import { nameSkeleton } from '../../protocol/names';
import { DomainError } from '../errors';
import { ContactsFile, MAX_LINKS_PER_CONTACT } from './contacts-file';
import { fingerprintOf } from './fingerprint';

export type ContactEvent = {
  type: 'contact-new' | 'contact-key-changed' | 'contact-lookalike' | 'contact-verified' | 'contact-unverified' | 'contact-change-accepted'
    | 'contact-distinct' | 'contacts-full';
  displayName: string; identityKey: string; previousIdentityKey?: string; claimedIdentityKey?: string; origin?: ContactOrigin;
};

/** A peer met in a room but not (yet) a contact: kept in memory only, for the rooms it is in. */
interface Seen { displayName: string; rooms: Set<string>; firstSeen: number; flagged: string | null }

/** Contacts kept on disk; past this, the oldest unverified contact recorded by continuity alone is dropped. */
export const MAX_CONTACTS = 1000;
/** Peers remembered in memory (across all rooms) before the oldest is forgotten. */
export const MAX_SEEN = 512;

export class ContactStore {
  private readonly store: ContactsFile;
  private readonly byKey = new Map<string, Contact>();
  private readonly seen = new Map<string, Seen>();

  constructor(dataDir: string, private readonly now: () => number, private readonly onEvent: (e: ContactEvent) => void) {
    this.store = new ContactsFile(dataDir);
    for (const c of this.store.load()) this.byKey.set(c.identityKey, c);
  }

  get file(): string { return this.store.file; }

  /** A member presented `displayName` (already normalized) with this key in a room; flags a claim on a known name once. */
  present(roomId: string, identityKey: string, displayName: string): void {
    const t = this.now();
    const prev = this.seen.get(identityKey);
    this.seen.delete(identityKey);
    const entry: Seen = prev ?? { displayName, rooms: new Set(), firstSeen: t, flagged: null };
    entry.displayName = displayName;
    entry.rooms.add(roomId);
    this.seen.set(identityKey, entry);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.keys().next().value!);
    const contact = this.byKey.get(identityKey);
    if (contact) contact.lastSeen = t;
    const claim = this.claimOf(identityKey, displayName);
    const flag = claim ? `${claim.identityKey}|${displayName}` : null;
    if (claim && entry.flagged !== flag) {
      const exact = this.namesOf(claim).includes(displayName);
      this.onEvent({ type: exact ? 'contact-key-changed' : 'contact-lookalike', displayName, identityKey,
        previousIdentityKey: claim.identityKey });
    }
    entry.flagged = flag;
  }

  /** The peer left every room we met it in: it is forgotten unless it became a contact. */
  forgetRoom(roomId: string): void {
    for (const [key, s] of this.seen) {
      s.rooms.delete(roomId);
      if (s.rooms.size === 0) this.seen.delete(key);
    }
  }

  trustOf(identityKey: string, displayName: string): TrustState {
    const claim = this.claimOf(identityKey, displayName);
    if (claim) return this.namesOf(claim).includes(displayName) ? 'changed' : 'lookalike';
    const c = this.byKey.get(identityKey);
    if (!c) return 'new';
    return c.verified ? 'verified' : 'known';
  }

  /** The known contact (another key) whose name this one looks like, unless the user already decided about the pair. */
  claim(identityKey: string, displayName: string): NameClaim | undefined {
    const c = this.claimOf(identityKey, displayName);
    return c && { identityKey: c.identityKey, displayName: c.displayName, fingerprint: c.fingerprint, verified: c.verified };
  }

  /** Sealing to a peer whose name claims a known contact's is refused until the user decides who it is. */
  assertSendable(displayName: string, identityKey: string): void {
    const claim = this.claimOf(identityKey, displayName);
    if (claim) {
      throw new DomainError('key-changed', `"${displayName}" has a different identity key than the contact "${claim.displayName}": `
        + 'confirm the change or mark them as a different person before sending');
    }
  }

  /**
   * Verified continuity: a message from this key opened in main (signature and AEAD under a session derived from the
   * key's own signed bundle). A key that is `new` then becomes a contact; a flagged one never does by itself.
   */
  confirmContinuity(identityKey: string): void {
    const s = this.seen.get(identityKey);
    if (!s || this.byKey.has(identityKey) || this.trustOf(identityKey, s.displayName) !== 'new') return;
    try {
      this.add(identityKey, s, 'continuity');
    } catch (err) {
      // A full store keeps the peer in memory for the room; the message itself still opened.
      if (!(err instanceof DomainError)) throw err;
    }
  }

  setVerified(identityKey: string, verified: boolean): Contact {
    const s = this.seen.get(identityKey);
    const name = s?.displayName ?? this.byKey.get(identityKey)?.displayName;
    if (name === undefined) throw new DomainError('not-found', 'no contact or room member with this identity key');
    if (verified && this.claimOf(identityKey, name)) throw new DomainError('key-changed', 'decide who this is before verifying');
    const c = this.byKey.get(identityKey) ?? this.add(identityKey, s!, 'verified');
    c.verified = verified;
    this.save();
    this.onEvent({ type: verified ? 'contact-verified' : 'contact-unverified', displayName: c.displayName, identityKey });
    return { ...c };
  }

  /** "It is their new key": linked to the claimed contact as its previous key; starts unverified. */
  acceptChange(identityKey: string): Contact {
    const { name, claims } = this.decision(identityKey);
    const c = this.byKey.get(identityKey) ?? this.add(identityKey, this.seen.get(identityKey)!, 'accepted-change', false);
    const [first, ...others] = claims;
    Object.assign(c, { displayName: name, verified: false, previousIdentityKey: first!.identityKey });
    this.link(c, others.map((o) => o.identityKey));
    this.save();
    this.onEvent({ type: 'contact-change-accepted', displayName: name, identityKey, previousIdentityKey: first!.identityKey });
    return { ...c };
  }

  /** "A different person": a contact of its own, kept apart from every contact it looked like; those are unchanged. */
  markDistinct(identityKey: string): Contact {
    const { name, claims } = this.decision(identityKey);
    const c = this.byKey.get(identityKey) ?? this.add(identityKey, this.seen.get(identityKey)!, 'distinct', false);
    this.link(c, claims.map((o) => o.identityKey));
    this.save();
    this.onEvent({ type: 'contact-distinct', displayName: name, identityKey, claimedIdentityKey: claims[0]!.identityKey });
    return { ...c };
  }

  list(): Contact[] {
    return [...this.byKey.values()].map((c) => ({ ...c }));
  }

  private decision(identityKey: string): { name: string; claims: Contact[] } {
    const name = this.seen.get(identityKey)?.displayName;
    const claims = name === undefined ? [] : this.claimsOf(identityKey, name);
    if (name === undefined || claims.length === 0) throw new DomainError('not-found', 'no name conflict to decide for this identity key');
    return { name, claims };
  }

  private namesOf(c: Contact): string[] {
    return [c.displayName, ...(c.otherNames ?? [])];
  }

  /** Decided pairs never conflict again: one replaced the other, or the user said they are different people. */
  private decided(identityKey: string, other: Contact): boolean {
    const mine = this.byKey.get(identityKey);
    return other.previousIdentityKey === identityKey || mine?.previousIdentityKey === other.identityKey
      || (other.distinctFrom?.includes(identityKey) ?? false) || (mine?.distinctFrom?.includes(other.identityKey) ?? false);
  }

  /** Every undecided contact of another key with a look-alike name, most recently seen first. */
  private claimsOf(identityKey: string, displayName: string): Contact[] {
    const skeleton = nameSkeleton(displayName);
    const out: Contact[] = [];
    for (const c of this.byKey.values()) {
      if (c.identityKey === identityKey || this.decided(identityKey, c)) continue;
      if (this.namesOf(c).some((n) => nameSkeleton(n) === skeleton)) out.push(c);
    }
    return out.sort((a, b) => b.lastSeen - a.lastSeen);
  }

  private claimOf(identityKey: string, displayName: string): Contact | undefined {
    return this.claimsOf(identityKey, displayName)[0];
  }

  private link(c: Contact, keys: string[]): void {
    if (keys.length === 0) return;
    c.distinctFrom = [...new Set([...(c.distinctFrom ?? []), ...keys])].slice(-MAX_LINKS_PER_CONTACT);
  }

  private add(identityKey: string, s: Seen, origin: ContactOrigin, persist = true): Contact {
    const t = this.now();
    if (this.byKey.size >= MAX_CONTACTS && !this.evictOne()) {
      this.onEvent({ type: 'contacts-full', displayName: s.displayName, identityKey });
      throw new DomainError('too-large', `at most ${MAX_CONTACTS} contacts are kept`);
    }
    const c: Contact = { identityKey, displayName: s.displayName, fingerprint: fingerprintOf(fromB64u(identityKey)!), verified: false,
      firstSeen: s.firstSeen, lastSeen: t, origin };
    this.byKey.set(identityKey, c);
    if (persist) this.save();
    this.onEvent({ type: 'contact-new', displayName: c.displayName, identityKey, origin });
    return c;
  }

  private evictOne(): boolean {
    let oldest: Contact | undefined;
    for (const c of this.byKey.values()) {
      if (c.origin === 'continuity' && !c.verified && (!oldest || c.lastSeen < oldest.lastSeen)) oldest = c;
    }
    if (oldest) this.byKey.delete(oldest.identityKey);
    return oldest !== undefined;
  }

  private save(): void {
    this.store.save(this.list());
  }
}
