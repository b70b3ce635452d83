// Session slice: where we are (lobby, joining, call), who we are, the room and the signaling link state.
import type { StateCreator } from 'zustand';
import type { IdentityInfo, RoomKeyInfo } from '../../../protocol/ipc-e2ee';
import type { IceServer } from '../../../protocol/signaling';

export type Phase = 'lobby' | 'joining' | 'call';
export type SignalingState = 'offline' | 'connecting' | 'online' | 'reconnecting';
export type Panel = 'chat' | 'files' | 'people' | 'security' | 'settings';

export interface SessionSlice {
  phase: Phase;
  displayName: string;
  serverUrl: string;
  roomId: string;
  selfId: string | null;
  signaling: SignalingState;
  /** The lobby's plain-language join failure, and its raw cause (shown under "Advanced"). */
  error: string | null;
  errorDetail: string | null;
  identity: IdentityInfo | null;
  myKey: RoomKeyInfo | null;
  /** Our DTLS certificate fingerprint in this room (one certificate for every peer connection). */
  myDtls: string | null;
  iceServers: IceServer[];
  panel: Panel;
  /** Security notices shown as a banner (refused attacks, failures). */
  alerts: { id: number; text: string }[];
  setSession(patch: Partial<Omit<SessionSlice, 'setSession' | 'pushAlert' | 'dismissAlert'>>): void;
  pushAlert(text: string): void;
  dismissAlert(id: number): void;
}

/** Alerts kept (newest last): a flood of refusals replaces old alerts instead of growing the list. */
export const MAX_ALERTS = 5;

let alertSeq = 0;

export const createSessionSlice: StateCreator<SessionSlice, [], [], SessionSlice> = (set) => ({
  phase: 'lobby',
  displayName: '',
  serverUrl: '',
  roomId: '',
  selfId: null,
  signaling: 'offline',
  error: null,
  errorDetail: null,
  identity: null,
  myKey: null,
  myDtls: null,
  iceServers: [],
  panel: 'chat',
  alerts: [],
  setSession: (patch) => set(patch),
  pushAlert: (text) => set((s) => ({ alerts: [...s.alerts.slice(-(MAX_ALERTS - 1)), { id: ++alertSeq, text }] })),
  dismissAlert: (id) => set((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) }))
});
