// Verifies an incoming file offer in the order of PROTOCOL.md 14.1; every refusal is audited (ids and sizes only) and typed.
import { fromB64u, toB64u } from '../../protocol/encoding';
import { FILE_LIMITS } from '../../protocol/file-limits';
import type { IpcErrorCode } from '../../protocol/ipc-error';
import { ctEqual, verifyOffer, type FileManifest, type RejectReason } from '../crypto';
import type { E2eeCore } from '../e2ee/e2ee';
import type { Session } from '../e2ee/peers';
import { IpcFailure } from '../ipc/dispatcher';
import type { TransferRecord } from './records';

export interface IncomingOffer {
  roomId: string;
  /** The peer whose session opened the envelope that carried the offer. */
  senderIdentityKey: string;
  offer: Uint8Array;
  ourIdentityKey: Uint8Array;
  /** True when this transfer id (base64url) was offered to us before. */
  seen(transferIdB64: string): boolean;
}

export interface VerifiedOffer { manifest: FileManifest; manifestBytes: Uint8Array; session: Session }

/** Throws IpcFailure (after auditing `file-offer-rejected`) unless every check passes; changes no state either way. */
export function verifyIncomingOffer(e2ee: E2eeCore, o: IncomingOffer): VerifiedOffer {
  const fields: Record<string, string | number> = { roomId: o.roomId, peerIdentityKey: o.senderIdentityKey, bytes: o.offer.length };
  // Reasons the core already counts go through e2ee.reject; the file-only ones are audited the same way.
  const reject = (reason: RejectReason, message: string) => e2ee.reject(reason, 'file-offer', message, fields as Record<string, string>);
  const refuse = (code: IpcErrorCode, message: string) => {
    e2ee.audit.record('file-offer-rejected', { reason: code, ...fields });
    return new IpcFailure(code, message);
  };
  const v = verifyOffer(e2ee.backend, o.offer);
  if (!v.ok) throw reject(v.reason, v.reason === 'malformed' ? `offer is malformed: ${v.detail}` : 'offer signature does not verify');
  const m = v.manifest;
  fields.transferId = toB64u(m.transferId);
  fields.size = m.size;
  const sender = fromB64u(o.senderIdentityKey);
  if (!sender || !ctEqual(sender, m.senderIdentityKey)) throw reject('signature', 'offer is not signed by the peer that sent it');
  if (!ctEqual(m.recipientIdentityKey, o.ourIdentityKey)) throw reject('wrong-recipient', 'offer is addressed to someone else');
  if (m.roomId !== o.roomId) throw reject('wrong-recipient', 'offer is for another room');
  const peer = e2ee.peers.get(o.roomId, o.senderIdentityKey);
  if (!peer) throw refuse('no-session', 'no session with this peer in this room');
  const session = e2ee.peers.find(peer, m.senderKeyId, m.recipientKeyId);
  if (!session) throw reject('unknown-key', 'offer names no live session with this peer');
  if (e2ee.now() >= session.peerExpiresAt) throw reject('expired', "the sender's room key expired");
  if (m.size > e2ee.settings.maxFileBytes) throw refuse('too-large', 'file is larger than the maxFileBytes setting');
  if (o.seen(toB64u(m.transferId))) throw reject('replay', 'this transfer was offered before');
  return { manifest: m, manifestBytes: v.manifestBytes, session };
}

/** An unanswered incoming offer: the only kind a peer can make us hold without our consent. */
export const isPendingOffer = (r: TransferRecord) => r.direction === 'in' && r.state === 'offered';

/**
 * Refuses (audited, typed `over-quota`) a verified offer beyond the pending-offer quotas, so the sender learns at once;
 * `transfers` must already be pruned of expired offers.
 */
export function assertOfferQuota(e2ee: E2eeCore, transfers: Iterable<TransferRecord>, roomId: string, senderIdentityKey: string,
  transferIdB64: string): void {
  let fromPeer = 0;
  let total = 0;
  for (const r of transfers) {
    if (!isPendingOffer(r)) continue;
    total++;
    if (r.roomId === roomId && r.peerIdentityKey === senderIdentityKey) fromPeer++;
  }
  const refuse = (message: string) => {
    e2ee.audit.record('file-offer-rejected', { reason: 'over-quota', roomId, peerIdentityKey: senderIdentityKey, transferId: transferIdB64 });
    return new IpcFailure('over-quota', message);
  };
  if (fromPeer >= FILE_LIMITS.maxPendingOffersPerPeer) {
    throw refuse(`${FILE_LIMITS.maxPendingOffersPerPeer} offers from this sender are still unanswered: try again once one is answered`);
  }
  if (total >= FILE_LIMITS.maxPendingOffers) throw refuse(`${FILE_LIMITS.maxPendingOffers} offers are still unanswered: try again later`);
}
