// Participants panel: names, identity fingerprints, trust and connection state; opens the verify dialog.
import { useApp } from '../../store';

const trustLabel = { new: 'new', known: 'not verified', verified: 'verified', changed: 'KEY CHANGED' } as const;

export function Participants() {
  const peers = useApp((s) => s.peers);
  const identity = useApp((s) => s.identity);
  const name = useApp((s) => s.displayName);
  const openVerify = useApp((s) => s.openVerify);
  return (
    <section className="participants" data-testid="participants">
      <div className="participant self">
        <div><strong>{name}</strong> <span className="muted">(you)</span></div>
        <code className="fp">{identity?.fingerprint}</code>
      </div>
      {Object.values(peers).map((p) => (
        <div key={p.identityKey} className="participant" data-testid="participant" data-name={p.displayName} data-trust={p.trust} data-conn={p.conn}>
          <div className="row head">
            <strong>{p.displayName}</strong>
            <span className={`badge trust-${p.trust}`} data-testid="participant-trust">{trustLabel[p.trust]}</span>
            <span className={`badge state ${p.conn}`}>{p.conn}{p.present ? '' : ' · off signaling'}</span>
          </div>
          <code className="fp">{p.fingerprint}</code>
          {p.reason && p.conn !== 'connected' && <div className="reason">{p.reason}</div>}
          <div className="row">
            <span className="muted">key epoch {p.epoch}{p.dtlsLive ? ' · media authenticated' : ''}</span>
            <button className="small" onClick={() => openVerify(p.identityKey)} data-testid="verify-open">Verify</button>
          </div>
        </div>
      ))}
      {Object.keys(peers).length === 0 && <p className="muted">Waiting for others to join…</p>}
    </section>
  );
}
