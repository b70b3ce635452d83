// Joining from the lobby: main must allow the server and its media servers first (the CSP), which may need one page reload to apply.
import { joinRoom } from '../../app/actions';
import type { JoinParams } from '../../app/room';
import { describeJoinFailure } from '../../lib/join-errors';
import { allowMediaServers, mediaServersOf } from '../../lib/media-servers';
import { unwrap } from '../../lib/veil';
import { useApp } from '../../store';

/** Survives the one reload that applies a newly allowed server; read and deleted at once on the next start. */
const PENDING_KEY = 'veil.pendingJoin';

function stash(params: JoinParams): void {
  try {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(params));
  } catch {
    // Without sessionStorage the user simply clicks Join again after the reload.
  }
}

/** The join interrupted by the reload, if any (removed from storage here, so it runs once). */
export function takePendingJoin(): JoinParams | null {
  try {
    const raw = sessionStorage.getItem(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    if (!raw) return null;
    const p = JSON.parse(raw) as Partial<JoinParams>;
    if (typeof p.displayName !== 'string' || typeof p.serverUrl !== 'string' || typeof p.roomId !== 'string') return null;
    return { displayName: p.displayName, serverUrl: p.serverUrl, roomId: p.roomId, ...(typeof p.password === 'string' ? { password: p.password } : {}),
      ...(typeof p.token === 'string' ? { token: p.token } : {}) };
  } catch {
    return null;
  }
}

/**
 * Asks main to allow the server (a new one: main shows the user a dialog), then joins. When main says the page's
 * CSP does not include the server yet, the page reloads once and resumes the join; a resumed join never reloads again.
 */
export async function allowThenJoin(params: JoinParams, opts: { resumed?: boolean; reload?: () => void } = {}): Promise<void> {
  const s = useApp.getState();
  s.setSession({ error: null, errorDetail: null });
  let reloadRequired: boolean;
  try {
    ({ reloadRequired } = await unwrap(window.veil.app.allowServer(params.serverUrl)));
    // Its media servers too, so a room that moves to the SFU mid-call finds them in the page's CSP already.
    reloadRequired = (await allowMediaServers(params.serverUrl, await mediaServersOf(params.serverUrl))) || reloadRequired;
  } catch (err) {
    const failure = describeJoinFailure(err, params.serverUrl);
    s.setSession({ phase: 'lobby', error: failure.message, errorDetail: failure.detail });
    return;
  }
  if (reloadRequired && !opts.resumed) {
    stash(params);
    (opts.reload ?? (() => window.location.reload()))();
    return;
  }
  await joinRoom(params);
}
