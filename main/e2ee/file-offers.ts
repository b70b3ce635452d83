// File offers on a peer session (signing ours and deriving its transfer key, checking theirs: PROTOCOL.md 14.1) and final messages (14.6).
import { fromB64u, toB64u } from '../../protocol/encoding';
import type { IpcErrorCode } from '../../protocol/ipc-error';
import { ctEqual, deriveFileKey, signFinal, signOffer, verifyFinal, verifyOffer, type FileFinalExpect, type FileFinalFields, type FileManifest,
  type FileManifestFields, type RejectReason } from '../crypto';
import { DomainError } from '../errors';
import type { E2eeParts } from './parts';

/** What the transfer service fills in; the session fills in both identities and both key ids. */
export type FileOfferDraft = Omit<FileManifestFields, 'senderIdentityKey' | 'recipientIdentityKey' | 'senderKeyId' | 'recipientKeyId'>;

/** Signs offers to one peer's current session; the transfer key is derived from that session's send key. */
export type FileOfferSigner = (draft: FileOfferDraft) => { offer: Uint8Array; manifestBytes: Uint8Array; fileKey: Uint8Array };

/** Per recipient: a signer on our current session with them, or null when there is none. */
export type FileOfferSigners = (recipientIdentityKey: string) => FileOfferSigner | null;

export async function fileOfferSigners(p: E2eeParts, roomId: string): Promise<FileOfferSigners> {
  const identity = await p.identity.get();
  p.requireRoom(roomId);
  return (recipientIdentityKey) => {
    const peer = p.peers.get(roomId, recipientIdentityKey);
    const session = peer ? p.peers.current(peer) : null;
    if (!peer || !session) return null;
    return (draft) => {
      const offer = signOffer(p.backend, identity.seed, { ...draft, senderIdentityKey: identity.publicKey,
        recipientIdentityKey: peer.identityKey, senderKeyId: session.myKeyId, recipientKeyId: session.peerKeyId });
      const manifestBytes = offer.subarray(0, offer.length - 64);
      return { offer, manifestBytes, fileKey: deriveFileKey(p.backend, session.keys.sendKey, draft.transferId, manifestBytes) };
    };
  };
}

export interface IncomingOffer {
  roomId: string;
  /** The peer whose session opened the envelope that carried the offer. */
  senderIdentityKey: string;
  offer: Uint8Array;
  /** True when this transfer id (base64url) was offered to us before. */
  seen(transferIdB64: string): boolean;
}

export interface VerifiedOffer {
  manifest: FileManifest; manifestBytes: Uint8Array;
  /** When the sender's key expires: past it no session opens this offer again. */
  peerExpiresAt: number;
  /** Derives the transfer key from the session's receive key (call once, when the worker takes it). */
  fileKey(): Uint8Array;
}

/** Throws DomainError (after auditing `file-offer-rejected`) unless every check passes; changes no state either way. */
export async function verifyIncomingOffer(p: E2eeParts, o: IncomingOffer): Promise<VerifiedOffer> {
  const ourIdentityKey = (await p.identity.get()).publicKey;
  const fields: Record<string, string | number> = { roomId: o.roomId, peerIdentityKey: o.senderIdentityKey, bytes: o.offer.length };
  // Reasons the service already counts go through p.reject; the file-only ones are audited the same way.
  const reject = (reason: RejectReason, message: string) => p.reject(reason, 'file-offer', message, fields as Record<string, string>);
  const refuse = (code: IpcErrorCode, message: string) => {
    p.audit.record('file-offer-rejected', { reason: code, ...fields });
    return new DomainError(code, message);
  };
  const v = verifyOffer(p.backend, o.offer);
  if (!v.ok) throw reject(v.reason, v.reason === 'malformed' ? `offer is malformed: ${v.detail}` : 'offer signature does not verify');
  const m = v.manifest;
  fields.transferId = toB64u(m.transferId);
  fields.size = m.size;
  const sender = fromB64u(o.senderIdentityKey);
  if (!sender || !ctEqual(sender, m.senderIdentityKey)) throw reject('signature', 'offer is not signed by the peer that sent it');
  if (!ctEqual(m.recipientIdentityKey, ourIdentityKey)) throw reject('wrong-recipient', 'offer is addressed to someone else');
  if (m.roomId !== o.roomId) throw reject('wrong-recipient', 'offer is for another room');
  const peer = p.peers.get(o.roomId, o.senderIdentityKey);
  if (!peer) throw refuse('no-session', 'no session with this peer in this room');
  const session = p.peers.find(peer, m.senderKeyId, m.recipientKeyId);
  if (!session) throw reject('unknown-key', 'offer names no live session with this peer');
  if (p.now() >= session.peerExpiresAt) throw reject('expired', "the sender's room key expired");
  if (m.size > p.settings().maxFileBytes) throw refuse('too-large', 'file is larger than the maxFileBytes setting');
  if (o.seen(toB64u(m.transferId))) throw reject('replay', 'this transfer was offered before');
  return { manifest: m, manifestBytes: v.manifestBytes, peerExpiresAt: session.peerExpiresAt,
    fileKey: () => deriveFileKey(p.backend, session.keys.recvKey, m.transferId, v.manifestBytes) };
}

/** The sender's final message for one of our transfers: the whole-file hash, bound to its manifest (PROTOCOL.md 14.6). */
export async function signFileFinal(p: E2eeParts, fields: FileFinalFields): Promise<Uint8Array> {
  const identity = await p.identity.get();
  return signFinal(p.backend, identity.seed, fields);
}

/**
 * The file hash of a final message that verifies under the manifest's sender and names exactly that transfer; else
 * a DomainError (audited as `file-final-rejected`). Changes no state.
 */
export function verifyIncomingFinal(p: E2eeParts, final: Uint8Array, expect: FileFinalExpect): Uint8Array {
  const v = verifyFinal(p.backend, final, expect);
  if (v.ok) return v.fileSha256;
  p.audit.record('file-final-rejected', { reason: v.reason, transferId: toB64u(expect.transferId) });
  if (v.reason === 'signature') return failWith('bad-signature', 'the final file hash is not signed by the sender');
  if (v.reason === 'wrong-transfer') return failWith('wrong-recipient', 'the final file hash belongs to another transfer');
  return failWith('malformed', `the final file hash is malformed: ${v.detail}`);
}

function failWith(code: IpcErrorCode, message: string): never {
  throw new DomainError(code, message);
}
