// Pending-offer quotas: how many unanswered offers a peer (and everyone together) can make us hold; refusals are audited.
import { FILE_LIMITS } from '../../protocol/file-limits';
import type { AuditLog } from '../e2ee/audit';
import { DomainError } from '../errors';
import type { TransferRecord } from './records';

/** An unanswered incoming offer: the only kind a peer can make us hold without our consent. */
export const isPendingOffer = (r: TransferRecord) => r.direction === 'in' && r.state === 'offered';

/**
 * Refuses (audited, typed `over-quota`) a verified offer beyond the pending-offer quotas, so the sender learns at once;
 * `transfers` must already be pruned of expired offers.
 */
export function assertOfferQuota(audit: AuditLog, transfers: Iterable<TransferRecord>, roomId: string, senderIdentityKey: string,
  transferIdB64: string): void {
  let fromPeer = 0;
  let total = 0;
  for (const r of transfers) {
    if (!isPendingOffer(r)) continue;
    total++;
    if (r.roomId === roomId && r.peerIdentityKey === senderIdentityKey) fromPeer++;
  }
  const refuse = (message: string) => {
    audit.record('file-offer-rejected', { reason: 'over-quota', roomId, peerIdentityKey: senderIdentityKey, transferId: transferIdB64 });
    return new DomainError('over-quota', message);
  };
  if (fromPeer >= FILE_LIMITS.maxPendingOffersPerPeer) {
    throw refuse(`${FILE_LIMITS.maxPendingOffersPerPeer} offers from this sender are still unanswered: try again once one is answered`);
  }
  if (total >= FILE_LIMITS.maxPendingOffers) throw refuse(`${FILE_LIMITS.maxPendingOffers} offers are still unanswered: try again later`);
}
