// Key-change warning docked beside the call: a peer's name claims a known contact but its key differs; that peer stays cut off until decided, the call controls keep working.
import { useEffect, useRef } from 'react';
import { acceptKeyChange, leaveRoom, markDistinct } from '../../app/actions';
import { useShownName } from '../../app/names';
import { useApp } from '../../store';

export function KeyChangeModal() {
  const pending = useApp((s) => s.keyChanges[0]);
  const peer = useApp((s) => (pending ? s.peers[pending] : undefined));
  const contact = useApp((s) => (pending ? s.contacts[pending] : undefined));
  const shown = useShownName(pending, peer?.displayName ?? contact?.displayName ?? 'A participant');
  const openVerify = useApp((s) => s.openVerify);
  const ref = useRef<HTMLElement>(null);
  // Focus moves to the warning once per peer so it is read out; it is not modal, so mute, leave and chat stay usable.
  useEffect(() => { if (pending) ref.current?.querySelector<HTMLElement>('button')?.focus(); }, [pending]);
  if (!pending) return null;
  const name = shown.label;
  const claimed = peer?.claims?.displayName ?? shown.name;
  const lookalike = peer?.trust === 'lookalike';
  return (
    <section ref={ref} role="alertdialog" aria-modal="false" aria-label={lookalike ? 'Look-alike name' : 'Security key changed'}
      className="card key-change-dock danger" data-testid="key-change-modal" data-name={name} data-claims={peer?.claims?.identityKey ?? ''}
      data-kind={lookalike ? 'lookalike' : 'changed'}>
        {lookalike
          ? <h2>⚠ <bdi>{name}</bdi> has a name that looks like your contact <bdi>{claimed}</bdi></h2>
          : <h2>⚠ <bdi>{claimed}</bdi>'s security key changed</h2>}
        <p><strong><bdi>{name}</bdi></strong> claims to be <strong><bdi>{claimed}</bdi></strong>, but uses a different identity key than the
          one you know. This happens when they reinstall Veil or use a new device, when a different person has the same name, or when
          someone is impersonating them.</p>
        {peer?.claims && <p>Known key of <bdi>{claimed}</bdi>: <code className="fp">{peer.claims.fingerprint}</code>{peer.claims.verified ? ' (verified)' : ''}</p>}
        <p>This key: <code className="fp">{peer?.fingerprint}</code></p>
        <p className="muted">You are not connected to <bdi>{name}</bdi> (no video, sound, messages or files) until you decide; the rest of the
          call goes on. Compare safety numbers before trusting a new key.</p>
        <p className="muted" data-testid="key-change-held">Messages you write meanwhile wait on this computer and go to <bdi>{name}</bdi> only
          if you say it is <bdi>{claimed}</bdi>'s new key; <bdi>{name}</bdi>'s app is told that its messages wait for your decision.</p>
        <div className="dialog-actions">
          <button className="primary" onClick={() => openVerify(pending)} data-testid="key-change-verify">Verify now</button>
          <button className="danger" onClick={() => void leaveRoom()} data-testid="key-change-leave">Leave the room</button>
          <button onClick={() => void markDistinct(pending)} data-testid="key-change-distinct">A different person</button>
          <button onClick={() => void acceptKeyChange(pending)} data-testid="key-change-accept">It is <bdi>{claimed}</bdi>'s new key</button>
        </div>
    </section>
  );
}
