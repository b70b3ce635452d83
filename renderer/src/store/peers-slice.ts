// Peers slice: one entry per remote identity in the room, with trust, key epoch and connection state.
import type { StateCreator } from 'zustand';
import type { NameClaim, TrustState } from '../../../protocol/ipc-e2ee';

export type ConnState = 'waiting' | 'connecting' | 'connected' | 'retrying' | 'refused' | 'pending-trust' | 'closed';

export interface PeerEntry {
  identityKey: string;
  /** Current server-assigned route; changes when either side re-joins. */
  peerId: string;
  displayName: string;
  /** Identity key fingerprint for display. */
  fingerprint: string;
  trust: TrustState;
  /** The known contact whose name this peer's name matches (trust `changed` / `lookalike`). */
  claims?: NameClaim;
  epoch: number;
  keyId: string;
  sessionOpen: boolean;
  conn: ConnState;
  /** Why the connection is down or was refused, for the UI. */
  reason?: string;
  /** The peer's DTLS fingerprint whose link binding verified. */
  dtls?: string;
  /** The live transport's remote certificate matched the bound fingerprint. */
  dtlsLive: boolean;
  /** Still listed by the signaling server. */
  present: boolean;
  stream?: MediaStream;
  /** What the peer says about its own mic / camera / screen (informational: it only changes what its tile shows). */
  media?: { mic: boolean; cam: boolean; screen: boolean };
}

export interface PeersSlice {
  peers: Record<string, PeerEntry>;
  upsertPeer(identityKey: string, patch: Partial<PeerEntry>): void;
  removePeer(identityKey: string): void;
  clearPeers(): void;
}

export function newPeer(identityKey: string, patch: Partial<PeerEntry>): PeerEntry {
  return {
    identityKey, peerId: '', displayName: '', fingerprint: '', trust: 'new', epoch: 0, keyId: '',
    sessionOpen: false, conn: 'waiting', dtlsLive: false, present: true, ...patch
  };
}

export const createPeersSlice: StateCreator<PeersSlice, [], [], PeersSlice> = (set) => ({
  peers: {},
  upsertPeer: (identityKey, patch) => set((s) => {
    const prev = s.peers[identityKey];
    return { peers: { ...s.peers, [identityKey]: prev ? { ...prev, ...patch } : newPeer(identityKey, patch) } };
  }),
  removePeer: (identityKey) => set((s) => {
    const { [identityKey]: _gone, ...rest } = s.peers;
    return { peers: rest };
  }),
  clearPeers: () => set({ peers: {} })
});
