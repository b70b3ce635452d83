// Security panel: my key's short fingerprint, room key age and expiry, replace / withdraw (confirmed), recent security events.
import { useEffect, useState } from 'react';
import type { AuditEvent } from '../../../../protocol/ipc-e2ee';
import { currentRoom } from '../../app/actions';
import { auditLabel, plainReason } from '../../lib/plain-words';
import { errorText } from '../../lib/veil';
import { useApp } from '../../store';
import { ConfirmDialog } from '../common/ConfirmDialog';
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
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const loadAudit = () => void window.veil.audit.tail(50).then((r) => r.ok && setAudit(r.value));
  useEffect(loadAudit, [key?.epoch]);
  const act = async (what: 'rotate' | 'revoke') => {
    setBusy(true);
    try {
      await (what === 'rotate' ? currentRoom()?.rotate() : currentRoom()?.revoke());
    } catch (err) {
      pushAlert(`${what === 'rotate' ? 'Could not replace your room key' : 'Could not withdraw your room key'}: ${plainReason(errorText(err))}`);
    } finally {
      setBusy(false);
      loadAudit();
    }
  };
  const now = Date.now();
  return (
    <section className="security" data-testid="security-panel">
      <h3>Your identity</h3>
      <p className="muted">Others see this fingerprint when they verify you.</p>
      <code className="fp" data-testid="my-fingerprint">{identity?.fingerprint}</code>
      <h3>Your key for this room</h3>
      {key && (
        <dl className="facts">
          <dt>Created</dt><dd>{age(now - key.createdAt)} ago</dd>
          <dt>Replaced in</dt><dd>{age(key.expiresAt - now)} at the latest</dd>
        </dl>
      )}
      <p className="muted small-print">Replacing the key limits what a stolen key could read. Withdrawing it also tells everyone to stop trusting it.</p>
      <div className="row">
        <button disabled={busy} onClick={() => void act('rotate')} data-testid="rotate-now">Replace key now</button>
        <button disabled={busy} className="danger" onClick={() => setConfirmRevoke(true)} data-testid="revoke-now">Revoke key…</button>
      </div>
      {confirmRevoke && (
        <ConfirmDialog title="Revoke your room key?" confirmLabel="Revoke key" danger testId="revoke-confirm"
          onCancel={() => setConfirmRevoke(false)} onConfirm={() => { setConfirmRevoke(false); void act('revoke'); }}>
          <p>Everyone in the room is told to stop trusting your current key, and you switch to a new one. Do this if you think
            your key was exposed. The call goes on.</p>
        </ConfirmDialog>
      )}
      <RoomCode />
      <h3>Recent security events</h3>
      <ol className="audit-plain" data-testid="audit-log">
        {audit.slice().reverse().map((e, i) => (
          <li key={i} data-type={e.type}><span className="muted">{new Date(e.at).toLocaleTimeString()}</span> {auditLabel(e.type)}</li>
        ))}
      </ol>
      <details className="advanced" data-testid="security-advanced">
        <summary>Advanced</summary>
        {key && (
          <dl className="facts">
            <dt>Key epoch</dt><dd data-testid="key-epoch">{key.epoch}</dd>
            <dt>Key id</dt><dd><code className="fp">{key.keyId}</code></dd>
            <dt>DTLS</dt><dd><code className="fp small">{myDtls ?? 'n/a'}</code></dd>
          </dl>
        )}
        <ol className="audit" data-testid="audit-raw">
          {audit.slice().reverse().map((e, i) => (
            <li key={i}><span className="muted">{new Date(e.at).toLocaleTimeString()}</span> {e.type}
              {Object.entries(e).filter(([k]) => k !== 'at' && k !== 'type').map(([k, v]) => ` ${k}=${String(v).slice(0, 16)}`).join('')}</li>
          ))}
        </ol>
      </details>
    </section>
  );
}
