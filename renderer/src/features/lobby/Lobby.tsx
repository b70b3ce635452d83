// Lobby: display name, server address, room name and password, recent rooms, and "host on this computer".
import { useEffect, useState, type FormEvent } from 'react';
import { ROOM_ID_PATTERN } from '../../../../protocol/limits';
import { DisplayNameError, normalizeDisplayName } from '../../../../protocol/names';
import { load, type RecentRoom } from '../../lib/storage';
import { useApp } from '../../store';
import { HostPanel } from './HostPanel';
import { allowThenJoin, takePendingJoin } from './join-flow';

/** Others see the name normalized; one with nothing visible left (only spaces or invisible characters) cannot join. */
function usableName(name: string): boolean {
  try {
    normalizeDisplayName(name);
    return true;
  } catch (err) {
    if (err instanceof DisplayNameError) return false;
    throw err;
  }
}

export function Lobby() {
  const saved = load('veil.lobby', { displayName: '', serverUrl: 'http://127.0.0.1:8443' });
  const [displayName, setName] = useState(saved.displayName);
  const [serverUrl, setServer] = useState(saved.serverUrl);
  const [roomId, setRoom] = useState('');
  const [password, setPassword] = useState('');
  const phase = useApp((s) => s.phase);
  const error = useApp((s) => s.error);
  const recent = load<RecentRoom[]>('veil.recentRooms', []);
  const roomOk = ROOM_ID_PATTERN.test(roomId);
  const nameOk = usableName(displayName);
  const canJoin = nameOk && roomOk && /^(https?|wss?):\/\//.test(serverUrl) && phase === 'lobby';

  // A join interrupted by the reload that applied a newly allowed server resumes here, once.
  useEffect(() => {
    const pending = takePendingJoin();
    if (pending) void allowThenJoin(pending, { resumed: true });
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canJoin) return;
    void allowThenJoin({ displayName: displayName.trim(), serverUrl: serverUrl.trim(), roomId, ...(password ? { password } : {}) });
  };

  return (
    <div className="lobby" data-testid="lobby">
      <form className="card lobby-card" onSubmit={submit}>
        <div className="brand"><span className="logo" aria-hidden>◆</span> Veil</div>
        <p className="muted">End-to-end encrypted calls and chat. The server only relays; it never sees your words or video.</p>
        <label>Display name
          <input data-testid="lobby-name" value={displayName} maxLength={64} onChange={(e) => setName(e.target.value)} placeholder="Ada" autoFocus />
        </label>
        <label>Server address
          <input data-testid="lobby-server" value={serverUrl} onChange={(e) => setServer(e.target.value)} placeholder="https://signal.example.org" />
        </label>
        <label>Room
          <input data-testid="lobby-room" value={roomId} maxLength={64} onChange={(e) => setRoom(e.target.value)} placeholder="team-standup" />
        </label>
        {roomId && !roomOk && <p className="hint">Letters, digits, dot, dash and underscore only.</p>}
        <label>Room password <span className="muted">(if the server asks for one; never saved)</span>
          <input data-testid="lobby-password" type="password" value={password} maxLength={256} autoComplete="off"
            onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p className="error" role="alert" data-testid="lobby-error">{error}</p>}
        <button className="primary" type="submit" disabled={!canJoin} data-testid="lobby-join">
          {phase === 'joining' ? 'Joining…' : 'Join room'}
        </button>
        <HostPanel onRunning={(local, pw) => { setServer(local); if (pw) setPassword(pw); }} />
      </form>
      {recent.length > 0 && (
        <div className="card recent">
          <h3>Recent rooms</h3>
          <ul>
            {recent.map((r) => (
              <li key={`${r.serverUrl} ${r.roomId}`}>
                <button type="button" className="link" data-testid="recent-room" onClick={() => { setRoom(r.roomId); setServer(r.serverUrl); }}>
                  <strong>{r.roomId}</strong> <span className="muted">{r.serverUrl}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
