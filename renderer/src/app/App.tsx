// Top-level view: the lobby or the call, plus the docked key-change warning, the verify dialog and alerts.
import { CallView } from '../features/call/CallView';
import { Lobby } from '../features/lobby/Lobby';
import { KeyChangeModal } from '../features/trust/KeyChangeModal';
import { VerifyDialog } from '../features/trust/VerifyDialog';
import { safeText } from '../lib/safe-text';
import { useApp } from '../store';

function Alerts() {
  const alerts = useApp((s) => s.alerts);
  const dismiss = useApp((s) => s.dismissAlert);
  if (alerts.length === 0) return null;
  return (
    <div className="alerts" role="status">
      {alerts.map((a) => (
        <div key={a.id} className="alert" data-testid="alert">
          <bdi>{safeText(a.text)}</bdi>
          <button className="small ghost" onClick={() => dismiss(a.id)} aria-label="Dismiss">✕</button>
        </div>
      ))}
    </div>
  );
}

export function App() {
  const phase = useApp((s) => s.phase);
  return (
    <>
      {phase === 'call' ? <CallView /> : <Lobby />}
      <VerifyDialog />
      <KeyChangeModal />
      <Alerts />
    </>
  );
}
