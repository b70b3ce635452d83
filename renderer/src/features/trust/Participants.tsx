// Participants panel: shown names (namesakes tagged, look-alikes marked), fingerprints, trust and connection state.
import { shownNamesOf } from '../../app/names';
import { plainReason } from '../../lib/plain-words';
import { useApp } from '../../store';
import type { ConnState } from '../../store/peers-slice';

const trustLabel = { new: 'new', known: 'not verified', verified: 'verified', changed: 'KEY CHANGED', lookalike: 'LOOK-ALIKE NAME' } as const;

const connLabel: Record<ConnState, string> = {
  waiting: 'waiting', connecting: 'connecting', connected: 'connected', retrying: 'reconnecting', refused: 'refused for your safety',
  'pending-trust': 'waiting for your decision', closed: 'disconnected'
};

export function Participants() {
  const peers = useApp((s) => s.peers);
  const identity = useApp((s) => s.identity);
  const names = useApp(shownNamesOf);
  const myName = useApp((s) => s.displayName);
  const openVerify = useApp((s) => s.openVerify);
  const me = identity ? names.get(identity.identityKey) : undefined;
  return (
    <section className="participants" data-testid="participants">
      <div className="participant self" data-testid="participant-self" data-name={me?.label ?? myName}>
        <div><strong><bdi>{me?.label ?? myName}</bdi></strong> <span className="muted">(you)</span></div>
        <code className="fp">{identity?.fingerprint}</code>
      </div>
      {Object.values(peers).map((p) => {
        const shown = names.get(p.identityKey);
        const label = shown?.label ?? p.displayName;
        return (
          <div key={p.identityKey} className="participant" data-testid="participant" data-name={label} data-trust={p.trust} data-conn={p.conn}
            data-lookalike={shown?.lookalike ? 'yes' : 'no'}>
            <div className="row head">
              <strong><bdi data-testid="participant-name">{label}</bdi></strong>
              <span className={`badge trust-${p.trust}`} data-testid="participant-trust">{trustLabel[p.trust]}</span>
              {shown?.lookalike && <span className="badge bad" data-testid="participant-lookalike" title="Another participant's name looks the same">look-alike name</span>}
              <span className={`badge state ${p.conn}`} data-state={p.conn}>{connLabel[p.conn]}{p.present ? '' : ' · server link lost'}</span>
            </div>
            {p.claims && (p.trust === 'changed' || p.trust === 'lookalike') && (
              <div className="reason" data-testid="participant-claims">claims to be your contact <bdi>{p.claims.displayName}</bdi> (another key)</div>
            )}
            <div className="muted small-print">Key fingerprint (compare it when you verify)</div>
            <code className="fp">{p.fingerprint}</code>
            {p.reason && p.conn !== 'connected' && <div className="reason" title={p.reason}>{p.reason.startsWith('refused:') ? p.reason : plainReason(p.reason)}</div>}
            <details className="advanced"><summary>Advanced</summary>key epoch {p.epoch} · key id <code className="fp">{p.keyId}</code></details>
            <div className="row">
              <span className="muted">{p.dtlsLive ? 'Call end-to-end encrypted with this person' : 'Not yet end-to-end encrypted'}</span>
              <button className="small" onClick={() => openVerify(p.identityKey)} data-testid="verify-open">Verify</button>
            </div>
          </div>
        );
      })}
      {Object.keys(peers).length === 0 && <p className="muted">Waiting for others to join…</p>}
    </section>
  );
}
