// Security panel: my fingerprint, room key age and expiry, rotate / revoke now, and the audit log.
import { useEffect, useState } from 'react';
import type { AuditEvent } from '../../../../protocol/ipc-e2ee';
import { currentRoom } from '../../app/actions';
import { errorText } from '../../lib/veil';
import { useApp } from '../../store';
import { RoomCode } from './RoomCode';

function age(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function SecurityPanel() {
  const identity = useApp((s) => s.identity);
  const key = useApp((s) => s.myKey);
  const myDtls = useApp((s) => s.myDtls);
  const pushAlert = useApp((s) => s.pushAlert);
  const [audit, setAudit] = useState<AuditEvent[]>([]);
  const [busy, setBusy] = useState(false);
  const loadAudit = () => void window.veil.audit.tail(50).then((r) => r.ok && setAudit(r.value));
  useEffect(loadAudit, [key?.epoch]);
  const act = async (what: 'rotate' | 'revoke') => {
    setBusy(true);
    try {
      await (what === 'rotate' ? currentRoom()?.rotate() : currentRoom()?.revoke());
    } catch (err) {
      pushAlert(`${what} failed: ${errorText(err)}`);
    } finally {
      setBusy(false);
      loadAudit();
    }
  };
  const now = Date.now();
  return (
    <section className="security" data-testid="security-panel">
      <h3>My identity</h3>
      <code className="fp" data-testid="my-fingerprint">{identity?.fingerprint}</code>
      <h3>Room key</h3>
      {key && (
        <dl className="facts">
          <dt>Epoch</dt><dd data-testid="key-epoch">{key.epoch}</dd>
          <dt>Age</dt><dd>{age(now - key.createdAt)}</dd>
          <dt>Expires in</dt><dd>{age(key.expiresAt - now)}</dd>
          <dt>DTLS</dt><dd><code className="fp small">{myDtls ?? 'n/a'}</code></dd>
        </dl>
      )}
      <div className="row">
        <button disabled={busy} onClick={() => void act('rotate')} data-testid="rotate-now">Rotate now</button>
        <button disabled={busy} className="danger" onClick={() => void act('revoke')} data-testid="revoke-now">Revoke key</button>
      </div>
      <RoomCode />
      <h3>Audit log</h3>
      <ol className="audit" data-testid="audit-log">
        {audit.slice().reverse().map((e, i) => (
          <li key={i}><span className="muted">{new Date(e.at).toLocaleTimeString()}</span> {e.type}
            {Object.entries(e).filter(([k]) => k !== 'at' && k !== 'type').map(([k, v]) => ` ${k}=${String(v).slice(0, 16)}`).join('')}</li>
        ))}
      </ol>
    </section>
  );
}
