// The call screen: header with room and signaling state, the video grid, controls and the side panel tabs.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useApp } from '../../store';
import { retryPeer } from '../../app/actions';
import type { Panel } from '../../store/session-slice';
import { ChatPanel } from '../chat/ChatPanel';
import { FileNotices } from '../files/FileNotices';
import { FilesPanel } from '../files/FilesPanel';
import { SettingsPanel } from '../settings/SettingsPanel';
import { Participants } from '../trust/Participants';
import { RoomCode } from '../trust/RoomCode';
import { SecurityPanel } from '../trust/SecurityPanel';
import { Controls } from './Controls';
import { VideoTile } from './VideoTile';

const tabs: { id: Panel; label: string }[] = [
  { id: 'chat', label: 'Chat' }, { id: 'files', label: 'Files' }, { id: 'people', label: 'People' }, { id: 'security', label: 'Security' }, { id: 'settings', label: 'Settings' }
];

export function gridColumns(n: number): number {
  return n <= 1 ? 1 : n <= 4 ? 2 : n <= 6 ? 3 : 4;
}

/** Columns that give the largest 16:9 tiles for `n` people in a `w`×`h` stage. */
export function bestColumns(n: number, w: number, h: number, gap = 10): number {
  let best = gridColumns(n);
  let bestWidth = 0;
  for (let cols = 1; cols <= Math.min(n, 4); cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (w - gap * (cols - 1)) / cols;
    const cellH = (h - gap * (rows - 1)) / rows;
    const tileW = Math.min(cellW, (cellH * 16) / 9);
    if (tileW > bestWidth + 1) { bestWidth = tileW; best = cols; }
  }
  return best;
}

function useSize(ref: RefObject<HTMLElement | null>): { w: number; h: number } | null {
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([e]) => { if (e) setSize({ w: e.contentRect.width, h: e.contentRect.height }); });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

export function CallView() {
  const gridRef = useRef<HTMLDivElement>(null);
  const size = useSize(gridRef);
  const roomId = useApp((s) => s.roomId);
  const signaling = useApp((s) => s.signaling);
  const name = useApp((s) => s.displayName);
  const local = useApp((s) => s.localStream);
  const cameraOff = useApp((s) => s.cameraOff);
  const peers = useApp((s) => s.peers);
  const panel = useApp((s) => s.panel);
  const setSession = useApp((s) => s.setSession);
  const mediaError = useApp((s) => s.mediaError);
  const pendingOffers = useApp((s) => Object.values(s.transfers).filter((t) => t.direction === 'in' && t.state === 'offered').length);
  const list = Object.values(peers).sort((a, b) => a.displayName.localeCompare(b.displayName));
  const cols = size ? bestColumns(list.length + 1, size.w, size.h) : gridColumns(list.length + 1);
  const rows = Math.ceil((list.length + 1) / cols);
  // Tiles are 16:9 and as large as the stage allows; the block of tiles is centred.
  const tileW = size ? Math.floor(Math.min((size.w - 10 * (cols - 1)) / cols, ((size.h - 10 * (rows - 1)) / rows) * 16 / 9)) : 0;
  const track = (n: number, px: number) => (px > 0 ? `repeat(${n}, ${px}px)` : `repeat(${n}, minmax(0, 1fr))`);
  return (
    <div className="call" data-testid="call-view">
      <header className="call-header">
        <div className="brand small"><span className="logo" aria-hidden>◆</span> Veil</div>
        <div className="room-name" data-testid="room-name">{roomId}</div>
        <span className={`badge sig-${signaling}`} data-testid="signaling-state" data-state={signaling}>
          {signaling === 'online' ? 'signaling online' : signaling === 'reconnecting' ? 'reconnecting… (call continues peer to peer)' : signaling}
        </span>
        <div className="spacer" />
        <RoomCode />
      </header>
      <div className="call-body">
        <div className="stage">
          {mediaError && <p className="error">{mediaError}</p>}
          <div className="grid" ref={gridRef} style={{ gridTemplateColumns: track(cols, tileW), gridTemplateRows: track(rows, Math.floor((tileW * 9) / 16)) }} data-testid="grid">
            <VideoTile testId="tile-self" name={`${name} (you)`} stream={cameraOff ? null : local} muted mirrored />
            {list.map((p) => (
              <VideoTile key={p.identityKey} testId="tile-peer" name={p.displayName} stream={p.stream} conn={p.conn}
                reason={p.reason} trust={p.trust} secure={p.dtlsLive} onRetry={() => retryPeer(p.identityKey)} />
            ))}
          </div>
          <Controls />
          <FileNotices />
        </div>
        <aside className="side">
          <nav className="tabs" role="tablist">
            {tabs.map((t) => (
              <button key={t.id} role="tab" aria-selected={panel === t.id} className={panel === t.id ? 'tab active' : 'tab'}
                onClick={() => setSession({ panel: t.id })} data-testid={`tab-${t.id}`}>
                {t.label}{t.id === 'files' && pendingOffers > 0 && <span className="tab-count" data-testid="files-pending">{pendingOffers}</span>}
              </button>
            ))}
          </nav>
          <div className="side-body">
            {panel === 'chat' && <ChatPanel />}
            {panel === 'files' && <FilesPanel />}
            {panel === 'people' && <Participants />}
            {panel === 'security' && <SecurityPanel />}
            {panel === 'settings' && <SettingsPanel />}
          </div>
        </aside>
      </div>
    </div>
  );
}
