// Room security code: everyone's identity key, DTLS fingerprint, key epoch and shown name hashed into digits to read aloud.
import { useEffect, useState } from 'react';
import { roomSecurityCode, type RoomCodeEntry } from '../../lib/room-code';
import { shownNamesOf } from '../../app/names';
import { useApp } from '../../store';

export function RoomCode() {
  const roomId = useApp((s) => s.roomId);
  const me = useApp((s) => s.identity?.identityKey);
  const myDtls = useApp((s) => s.myDtls);
  const myEpoch = useApp((s) => s.myKey?.epoch);
  const peers = useApp((s) => s.peers);
  const names = useApp(shownNamesOf);
  const myName = useApp((s) => s.displayName);
  const [code, setCode] = useState<string[] | null>(null);
  const entries: RoomCodeEntry[] = [];
  let complete = Boolean(me && myDtls && myEpoch !== undefined);
  if (me && myDtls && myEpoch !== undefined) entries.push({ identityKey: me, fingerprint: myDtls, epoch: myEpoch, name: names.get(me)?.label ?? myName });
  for (const p of Object.values(peers)) {
    if (!p.dtls || !p.dtlsLive) { complete = false; continue; }
    entries.push({ identityKey: p.identityKey, fingerprint: p.dtls, epoch: p.epoch, name: names.get(p.identityKey)?.label ?? p.displayName });
  }
  const sig = JSON.stringify(entries);
  useEffect(() => {
    let live = true;
    if (!complete) { setCode(null); return; }
    void roomSecurityCode(roomId, JSON.parse(sig) as RoomCodeEntry[]).then((c) => { if (live) setCode(c); });
    return () => { live = false; };
  }, [roomId, sig, complete]);
  return (
    <div className="room-code" data-testid="room-code" data-code={code?.join('') ?? ''} title="Everyone in the room should see the same code">
      <span className="muted">Room code</span>
      {code ? code.map((g, i) => <span key={i} className="group">{g}</span>) : <span className="muted">…</span>}
    </div>
  );
}
