// The mesh's contracts: what it reads of the room, what it reports, and what the app layer gives it.
import type { LinkRole, WireLinkBinding } from '../../../protocol/link';
import type { PeerSignal } from '../../../protocol/signaling';
import type { PeerEntry } from '../store/peers-slice';
import type { SpareDeps } from './spare-connection';

/** What the mesh reads of the room (the app layer answers from its store). */
export interface MeshView {
  peers(): Readonly<Record<string, PeerEntry>>;
  /** Identity keys whose key change awaits the user's decision. */
  keyChanges(): readonly string[];
}

/** The link's side of a peer entry: connection state, proven fingerprint, remote stream. */
export type LinkPatch = Partial<Pick<PeerEntry, 'conn' | 'reason' | 'dtls' | 'dtlsLive' | 'stream'>>;

export interface MeshEvents {
  /** The link's view of this peer changed. */
  'peer-changed': [identityKey: string, patch: LinkPatch];
  /** The link was refused (it stays down until "Try again"): count it, show it, alert. */
  'link-refused': [identityKey: string, reason: string];
  /** A signal no link asked for was dropped: count it, alert once per reason. */
  'signal-refused': [identityKey: string, reason: string];
  /** The peer's link closed and the peer is no longer in the room: forget it. */
  'peer-gone': [identityKey: string];
}

export interface MeshDeps {
  view: MeshView;
  roomId: string;
  certificate: RTCCertificate | null;
  selfId(): string | null;
  iceServers(): RTCIceServer[];
  /** "Always relay my calls": relay-only ICE, and only relay candidates leave (rtc/ice-policy.ts). */
  alwaysRelay?(): boolean;
  localStream(): MediaStream | null;
  screenTrack(): MediaStreamTrack | null;
  bind(identityKey: string, role: LinkRole, localFp: string, remoteFp: string, answerDigest: string): Promise<WireLinkBinding>;
  verify(identityKey: string, binding: WireLinkBinding, remoteFp: string, localFp: string, answerDigest: string): Promise<void>;
  sendSignal(peerId: string, signal: PeerSignal, binding: WireLinkBinding): void;
  onData(identityKey: string, bytes: Uint8Array): void;
  onAuthenticated(identityKey: string): void;
  /** A chunk frame on the authenticated link's file channel. */
  onFileFrame(identityKey: string, bytes: Uint8Array): void;
  /** The link to this peer closed (it may come back: retries, or the remote restarting it). */
  onLinkDown(identityKey: string): void;
  /** How spare connections are made (tests); default: the browser's RTCPeerConnection and timers. */
  spareDeps?: SpareDeps;
}
