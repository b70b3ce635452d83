// Blocking warning: a known peer's identity key changed; chat to them stays blocked until the user accepts or leaves.
import { acceptKeyChange, leaveRoom } from '../../app/actions';
import { useApp } from '../../store';

export function KeyChangeModal() {
  const pending = useApp((s) => s.keyChanges[0]);
  const peer = useApp((s) => (pending ? s.peers[pending] : undefined));
  const contact = useApp((s) => (pending ? s.contacts[pending] : undefined));
  if (!pending) return null;
  const name = peer?.displayName ?? contact?.displayName ?? 'A participant';
  return (
    <div className="overlay blocking" role="alertdialog" aria-modal="true" data-testid="key-change-modal" data-name={name}>
      <div className="card dialog danger">
        <h2>⚠ {name}'s security key changed</h2>
        <p>The identity key for <strong>{name}</strong> is different from the one you saw before. This happens when they reinstall Veil or use a new device — or when someone is impersonating them.</p>
        <p>New fingerprint: <code className="fp">{peer?.fingerprint}</code></p>
        <p className="muted">Messages to and from {name} are blocked until you decide. Verify the new safety number with them before trusting it.</p>
        <div className="dialog-actions">
          <button className="danger" onClick={() => void leaveRoom()} data-testid="key-change-leave">Leave the room</button>
          <button onClick={() => void acceptKeyChange(pending)} data-testid="key-change-accept">Accept the new key</button>
        </div>
      </div>
    </div>
  );
}
