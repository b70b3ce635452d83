// Verify dialog: the 60-digit safety number and its QR code for one peer; mark verified or not.
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import type { SafetyNumber } from '../../../../protocol/ipc-e2ee';
import { setVerified } from '../../app/actions';
import { errorText, unwrap } from '../../lib/veil';
import { useShownName } from '../../app/names';
import { useApp } from '../../store';
import { DialogFrame } from '../common/DialogFrame';

export function VerifyDialog() {
  const key = useApp((s) => s.verifyFor);
  const peer = useApp((s) => (s.verifyFor ? s.peers[s.verifyFor] : undefined));
  const contact = useApp((s) => (s.verifyFor ? s.contacts[s.verifyFor] : undefined));
  const close = useApp((s) => s.openVerify);
  const shown = useShownName(key ?? undefined, peer?.displayName ?? contact?.displayName ?? 'peer');
  const [sn, setSn] = useState<SafetyNumber | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setSn(null); setQr(null); setError(null);
    if (!key) return;
    let live = true;
    unwrap(window.veil.trust.safetyNumber(key)).then(async (v) => {
      if (!live) return;
      setSn(v);
      setQr(await QRCode.toDataURL(v.qrPayload, { margin: 1, width: 220, color: { dark: '#0f1115', light: '#ffffff' } }));
    }, (e: unknown) => live && setError(errorText(e)));
    return () => { live = false; };
  }, [key]);
  if (!key) return null;
  const verified = contact?.verified ?? peer?.trust === 'verified';
  return (
    <DialogFrame label="Verify safety number" testId="verify-dialog" onEscape={() => close(null)}>
        <h2>Verify <bdi>{shown.label}</bdi></h2>
        <p className="muted">Compare these numbers with <bdi>{shown.label}</bdi> in person or on a trusted channel, or scan the code. If they match, nobody is in the middle.</p>
        {error && <p className="error">{error}</p>}
        {sn && (
          <div className="verify-body">
            <div className="safety" data-testid="safety-number" data-digits={sn.digits}>
              {sn.groups.map((g, i) => <span key={i}>{g}</span>)}
            </div>
            {qr && <img className="qr" src={qr} alt="Safety number QR code" data-testid="safety-qr" width={220} height={220} />}
          </div>
        )}
        <p data-testid="verify-state" data-verified={verified ? 'yes' : 'no'}>
          {verified ? <span className="badge ok">✔ Verified</span> : <span className="badge">Not verified</span>}
        </p>
        <div className="dialog-actions">
          {verified
            ? <button onClick={() => void setVerified(key, false)} data-testid="mark-unverified">Mark as not verified</button>
            : <button className="primary" onClick={() => void setVerified(key, true)} data-testid="mark-verified" disabled={!sn}>Mark as verified</button>}
          <button className="ghost" onClick={() => close(null)} data-testid="verify-close">Close</button>
        </div>
    </DialogFrame>
  );
}
