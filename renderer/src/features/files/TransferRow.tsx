// One transfer: name, peer, state, progress, speed and time left, its error, and the buttons its state allows.
import { FINAL_STATES, type TransferEntry } from '../../store/files-slice';
import type { FileActions } from './file-actions';
import { safeText } from '../../lib/safe-text';
import { plainReason } from '../../lib/plain-words';
import { formatBytes, formatEta, formatSpeed } from './format';

const LABELS: Record<TransferEntry['state'], string> = {
  offered: 'offered', preparing: 'preparing', waiting: 'waiting', sending: 'sending', receiving: 'receiving', paused: 'paused',
  verified: 'verified', saved: 'saved', done: 'delivered', declined: 'declined', cancelled: 'cancelled', failed: 'failed'
};

export function TransferRow({ t, actions }: { t: TransferEntry; actions: FileActions }) {
  const moving = t.state === 'sending' || t.state === 'receiving';
  const finished = t.state === 'done' || t.state === 'verified' || t.state === 'saved';
  const offeredToMe = t.direction === 'in' && t.state === 'offered';
  // The name comes from the peer: bidi controls shown as tags, and isolated so it cannot reorder the row around it.
  const name = safeText(t.name);
  return (
    <li className={`transfer st-${t.state}`} data-testid="transfer" data-name={t.name} data-direction={t.direction} data-state={t.state}
      data-peer={t.peerName} data-bytes={t.bytesDone} data-started-at={t.startedAt} data-finished-at={t.finishedAt}>
      <div className="row head">
        <span className="transfer-dir" aria-label={t.direction === 'out' ? 'outgoing' : 'incoming'}>{t.direction === 'out' ? '↑' : '↓'}</span>
        <bdi className="transfer-name" data-testid="transfer-name" title={name}>{name}</bdi>
        <span className={`badge state ${t.state}`}>{LABELS[t.state]}</span>
      </div>
      <div className="transfer-meta muted">
        {t.direction === 'out' ? 'to' : 'from'} <bdi>{t.peerName}</bdi> · {formatBytes(t.size)}{t.note ? <> · <bdi>{safeText(t.note)}</bdi></> : ''}
      </div>
      <progress data-testid="transfer-progress" max={Math.max(1, t.size)} value={finished ? Math.max(1, t.size) : Math.min(t.bytesDone, t.size)} />
      <div className="row transfer-stats muted">
        <span>{formatBytes(t.bytesDone)} of {formatBytes(t.size)}</span>
        <span data-testid="transfer-speed">{moving ? formatSpeed(t.speed) : ''}</span>
        <span data-testid="transfer-eta">{moving ? formatEta(t.etaSeconds) : ''}</span>
      </div>
      {t.error && <div className="error transfer-error" data-testid="transfer-error" title={safeText(t.error)}><bdi>{plainReason(t.error)}</bdi></div>}
      <div className="row transfer-actions">
        {offeredToMe && <button className="small primary" data-testid="transfer-accept" onClick={() => void actions.accept(t.id)}>Accept</button>}
        {offeredToMe && <button className="small" data-testid="transfer-decline" onClick={() => void actions.decline(t.id)}>Decline</button>}
        {t.direction === 'in' && t.state === 'verified' && (
          <button className="small primary" data-testid="transfer-save" onClick={() => void actions.save(t.id)}>Save…</button>
        )}
        {!offeredToMe && !FINAL_STATES.has(t.state) && (
          <button className="small danger" data-testid="transfer-cancel" onClick={() => void actions.cancel(t.id)}>Cancel</button>
        )}
      </div>
    </li>
  );
}
