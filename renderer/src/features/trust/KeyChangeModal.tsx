// Blocking warning: a peer's name claims a known contact but its identity key differs; chat stays blocked until decided.
import { acceptKeyChange, leaveRoom, markDistinct } from '../../app/actions';
import { useShownName } from '../../app/names';
import { useApp } from '../../store';
import { DialogFrame } from '../common/DialogFrame';

export function KeyChangeModal() {
  const pending = useApp((s) => s.keyChanges[0]);
  const peer = useApp((s) => (pending ? s.peers[pending] : undefined));
  const contact = useApp((s) => (pending ? s.contacts[pending] : undefined));
  const shown = useShownName(pending, peer?.displayName ?? contact?.displayName ?? 'A participant');
  if (!pending) return null;
  const name = shown.label;
  const claimed = peer?.claims?.displayName ?? shown.name;
  const lookalike = peer?.trust === 'lookalike';
  return (
    <DialogFrame label={lookalike ? 'Look-alike name' : 'Security key changed'} testId="key-change-modal" onEscape={null} role="alertdialog"
      overlayClassName="blocking" className="danger" data={{ name, claims: peer?.claims?.identityKey ?? '', kind: lookalike ? 'lookalike' : 'changed' }}>
        {lookalike
          ? <h2>⚠ <bdi>{name}</bdi> has a name that looks like your contact <bdi>{claimed}</bdi></h2>
          : <h2>⚠ <bdi>{claimed}</bdi>'s security key changed</h2>}
        <p><strong><bdi>{name}</bdi></strong> claims to be <strong><bdi>{claimed}</bdi></strong>, but uses a different identity key than the
          one you know. This happens when they reinstall Veil or use a new device, when a different person has the same name, or when
          someone is impersonating them.</p>
        {peer?.claims && <p>Known key of <bdi>{claimed}</bdi>: <code className="fp">{peer.claims.fingerprint}</code>{peer.claims.verified ? ' (verified)' : ''}</p>}
        <p>This key: <code className="fp">{peer?.fingerprint}</code></p>
        <p className="muted">Messages to and from <bdi>{name}</bdi> are blocked until you decide. Compare safety numbers before trusting a new key.</p>
        <div className="dialog-actions">
          <button className="danger" onClick={() => void leaveRoom()} data-testid="key-change-leave">Leave the room</button>
          <button onClick={() => void markDistinct(pending)} data-testid="key-change-distinct">A different person</button>
          <button onClick={() => void acceptKeyChange(pending)} data-testid="key-change-accept">It is <bdi>{claimed}</bdi>'s new key</button>
        </div>
    </DialogFrame>
  );
}
