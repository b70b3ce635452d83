// Lobby: display name, server address, room name, password and join token, invites filled in, a camera / mic check, recent rooms, and "host on this computer".
import { useEffect, useState, type ClipboardEvent, type FormEvent } from 'react';
import { ROOM_ID_PATTERN } from '../../../../protocol/limits';
import { DisplayNameError, normalizeDisplayName } from '../../../../protocol/names';
import { parsePastedInvite, type InviteFill } from '../../lib/invite-link';
import { serverUrlProblem } from '../../lib/join-errors';
import { load, type RecentRoom } from '../../lib/storage';
import { useApp } from '../../store';
import { HostPanel } from './HostPanel';
import { allowThenJoin, takePendingJoin } from './join-flow';
import { Preview } from './Preview';

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

/** Why Join is disabled, in words (shown under the button); null when it is enabled. */
export function joinBlocker(p: { displayName: string; roomId: string; serverProblem: string | null; phase: string }): string | null {
  if (p.phase === 'joining') return null;
  if (!p.displayName.trim()) return 'Enter your name to join.';
  if (!usableName(p.displayName)) return 'Your name needs at least one visible character.';
  if (!p.roomId) return 'Enter a room name to join.';
  if (!ROOM_ID_PATTERN.test(p.roomId)) return 'Fix the room name to join.';
  if (p.serverProblem) return 'Fix the server address to join.';
  return null;
}

export function Lobby() {
  const saved = load('veil.lobby', { displayName: '', serverUrl: 'http://127.0.0.1:8443' });
  const [displayName, setNameRaw] = useState(saved.displayName);
  const [serverUrl, setServerRaw] = useState(saved.serverUrl);
  const [roomId, setRoomRaw] = useState('');
  const [password, setPasswordRaw] = useState('');
  const [token, setTokenRaw] = useState('');
  const phase = useApp((s) => s.phase);
  const error = useApp((s) => s.error);
  const errorDetail = useApp((s) => s.errorDetail);
  const setSession = useApp((s) => s.setSession);
  // A failure is about what was typed: editing any field clears it.
  const edited = <T,>(set: (v: T) => void) => (v: T) => { set(v); if (useApp.getState().error) setSession({ error: null, errorDetail: null }); };
  const setName = edited(setNameRaw);
  const setServer = edited(setServerRaw);
  const setRoom = edited(setRoomRaw);
  const setPassword = edited(setPasswordRaw);
  const setToken = edited(setTokenRaw);
  /** An invite only fills the fields: joining stays the user's click. */
  const fillInvite = (invite: InviteFill) => { setServer(invite.server); setRoom(invite.room); };
  const recent = load<RecentRoom[]>('veil.recentRooms', []);
  const roomOk = ROOM_ID_PATTERN.test(roomId);
  const serverProblem = serverUrlProblem(serverUrl);
  const blocker = joinBlocker({ displayName, roomId, serverProblem, phase });
  const canJoin = blocker === null && phase === 'lobby';

  // A join interrupted by the reload that applied a newly allowed server resumes here, once.
  useEffect(() => {
    const pending = takePendingJoin();
    if (pending) void allowThenJoin(pending, { resumed: true });
  }, []);

  // A veil://join link the OS handed to main waits there; take it at start and whenever the window comes back to the front.
  useEffect(() => {
    let live = true;
    const take = () => {
      void window.veil.invite.take().then((r) => { if (live && r.ok && r.value) fillInvite(r.value); }, () => {});
    };
    take();
    window.addEventListener('focus', take);
    return () => { live = false; window.removeEventListener('focus', take); };
  }, []);

  const pasteServer = (e: ClipboardEvent<HTMLInputElement>) => {
    const invite = parsePastedInvite(e.clipboardData.getData('text'));
    if (!invite) return;
    e.preventDefault();
    fillInvite(invite);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canJoin) return;
    void allowThenJoin({ displayName: displayName.trim(), serverUrl: serverUrl.trim(), roomId,
      ...(password ? { password } : {}), ...(token.trim() ? { token: token.trim() } : {}) });
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
          <input data-testid="lobby-server" value={serverUrl} onChange={(e) => setServer(e.target.value)} onPaste={pasteServer} placeholder="https://signal.example.org"
            aria-invalid={serverProblem !== null} aria-describedby={serverProblem ? 'lobby-server-problem' : undefined} />
        </label>
        {serverUrl && serverProblem && <p className="hint" id="lobby-server-problem" data-testid="lobby-server-problem">{serverProblem}</p>}
        <label>Room
          <input data-testid="lobby-room" value={roomId} maxLength={64} onChange={(e) => setRoom(e.target.value)} placeholder="team-standup" />
        </label>
        {roomId && !roomOk && <p className="hint">Letters, digits, dot, dash and underscore only.</p>}
        <label>Room password <span className="muted">(if the server asks for one; never saved)</span>
          <input data-testid="lobby-password" type="password" value={password} maxLength={256} autoComplete="off"
            onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label>Join token <span className="muted">(if whoever runs the server gave you one; never saved)</span>
          <input data-testid="lobby-token" value={token} maxLength={4096} autoComplete="off" spellCheck={false}
            onChange={(e) => setToken(e.target.value)} />
        </label>
        <Preview />
        {error && (
          <div className="error" role="alert" data-testid="lobby-error">
            <p>{error}</p>
            {errorDetail && (
              <details className="advanced"><summary>Advanced</summary><code data-testid="lobby-error-detail">{errorDetail}</code></details>
            )}
          </div>
        )}
        <button className="primary" type="submit" disabled={!canJoin} data-testid="lobby-join" aria-describedby={blocker ? 'lobby-join-reason' : undefined}>
          {phase === 'joining' ? 'Joining…' : 'Join room'}
        </button>
        {blocker && <p className="muted small-print" id="lobby-join-reason" data-testid="lobby-join-reason">{blocker}</p>}
        <HostPanel roomId={roomOk ? roomId : ''} onRunning={(local, pw) => { setServer(local); if (pw) setPassword(pw); }} />
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
