// Room security code: everyone's identity key and shown name hashed into digits to read aloud; a click explains how to use it.
import { useEffect, useState } from 'react';
import { roomSecurityCode, type RoomCodeEntry } from '../../lib/room-code';
import { shownNamesOf } from '../../app/names';
import { useApp } from '../../store';
import { DialogFrame } from '../common/DialogFrame';

export function RoomCode() {
  const roomId = useApp((s) => s.roomId);
  const me = useApp((s) => s.identity?.identityKey);
  const myDtls = useApp((s) => s.myDtls);
  const joined = useApp((s) => s.myKey !== null);
  const peers = useApp((s) => s.peers);
  const names = useApp(shownNamesOf);
  const myName = useApp((s) => s.displayName);
  const [code, setCode] = useState<string[] | null>(null);
  const [explain, setExplain] = useState(false);
  const entries: RoomCodeEntry[] = [];
  // Shown only while every link is authenticated (§8): the code covers identity keys, and the links are bound to them.
  let complete = Boolean(me && myDtls && joined);
  if (me) entries.push({ identityKey: me, name: names.get(me)?.label ?? myName });
  for (const p of Object.values(peers)) {
    if (!p.dtls || !p.dtlsLive) { complete = false; continue; }
    entries.push({ identityKey: p.identityKey, name: names.get(p.identityKey)?.label ?? p.displayName });
  }
  const sig = JSON.stringify(entries);
  useEffect(() => {
    let live = true;
    if (!complete) { setCode(null); return; }
    void roomSecurityCode(roomId, JSON.parse(sig) as RoomCodeEntry[]).then((c) => { if (live) setCode(c); });
    return () => { live = false; };
  }, [roomId, sig, complete]);
  return (
    <>
      <button type="button" className="room-code link" data-testid="room-code" data-code={code?.join('') ?? ''}
        title="Everyone in the room should see the same code. Click to learn how to use it." onClick={() => setExplain(true)}>
        <span className="muted">Room code</span>
        {code ? code.map((g, i) => <span key={i} className="group">{g}</span>) : <span className="muted">…</span>}
      </button>
      {explain && (
        <DialogFrame label="How to use the room code" testId="room-code-help" onEscape={() => setExplain(false)}>
          <h3>The room code</h3>
          <p data-testid="room-code-help-text">Read these digits to each other over a call or in person; if they match, nobody is in the
            middle. Everyone in the room sees the same code only if everyone has the same people with the same keys.</p>
          {code && <p className="room-code-big">{code.join(' ')}</p>}
          <p className="muted">The code changes when someone joins, leaves or gets a new identity key, so compare it again then.
            It stays the same while the app renews its encryption keys.</p>
          <button type="button" className="primary" onClick={() => setExplain(false)} data-testid="room-code-help-close" data-autofocus>Got it</button>
        </DialogFrame>
      )}
    </>
  );
}
