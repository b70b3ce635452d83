// Trust slice: contacts from main, the open verify dialog, and pending identity-key-change warnings.
import type { StateCreator } from 'zustand';
import type { Contact } from '../../../protocol/ipc-e2ee';

export interface TrustSlice {
  contacts: Record<string, Contact>;
  /** Identity key whose verify dialog is open. */
  verifyFor: string | null;
  /** Identity keys whose change the user has not accepted yet; chat to them is blocked. */
  keyChanges: string[];
  /** Members whose signed held notice we verified: they hold our messages until they confirm our new key (value: its issuedAt). */
  heldBy: Record<string, number>;
  setHeldBy(identityKey: string, issuedAt: number | null): void;
  setContacts(list: Contact[]): void;
  setContact(c: Contact): void;
  openVerify(identityKey: string | null): void;
  addKeyChange(identityKey: string): void;
  resolveKeyChange(identityKey: string): void;
}

export const createTrustSlice: StateCreator<TrustSlice, [], [], TrustSlice> = (set) => ({
  contacts: {},
  verifyFor: null,
  keyChanges: [],
  heldBy: {},
  setHeldBy: (identityKey, issuedAt) => set((s) => {
    if (issuedAt !== null) return { heldBy: { ...s.heldBy, [identityKey]: issuedAt } };
    if (!(identityKey in s.heldBy)) return s;
    const { [identityKey]: _gone, ...rest } = s.heldBy;
    return { heldBy: rest };
  }),
  setContacts: (list) => set({ contacts: Object.fromEntries(list.map((c) => [c.identityKey, c])) }),
  setContact: (c) => set((s) => ({ contacts: { ...s.contacts, [c.identityKey]: c } })),
  openVerify: (identityKey) => set({ verifyFor: identityKey }),
  addKeyChange: (identityKey) => set((s) => (s.keyChanges.includes(identityKey) ? s : { keyChanges: [...s.keyChanges, identityKey] })),
  resolveKeyChange: (identityKey) => set((s) => ({ keyChanges: s.keyChanges.filter((k) => k !== identityKey) }))
});
