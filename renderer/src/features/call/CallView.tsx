// The call screen: header, the stage (grid, 1:1 with a self-view overlay, or presenter layout), controls and the side tabs.
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useApp } from '../../store';
import { retryPeer, setSfuTileWidth } from '../../app/actions';
import { titleFor, watchActivity } from '../../app/activity';
import { shownNamesOf } from '../../app/names';
import type { PeerEntry } from '../../store/peers-slice';
import type { Panel } from '../../store/session-slice';
import { ChatPanel } from '../chat/ChatPanel';
import { FileNotices } from '../files/FileNotices';
import { FilesPanel } from '../files/FilesPanel';
import { CallInvite } from '../invite/CallInvite';
import { SettingsPanel } from '../settings/SettingsPanel';
import { Participants } from '../trust/Participants';
import { RoomCode } from '../trust/RoomCode';
import { SecurityPanel } from '../trust/SecurityPanel';
import { Controls } from './Controls';
import { MutedNudge, SharingBar } from './CallBanners';
import { SfuFeedTile } from './SfuFeedTile';
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

/** Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern); the focused tab is selected. */
function Tabs({ panel, select, badges }: { panel: Panel; select: (p: Panel) => void; badges: Partial<Record<Panel, number>> }) {
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const i = tabs.findIndex((t) => t.id === panel);
    const next = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length
      : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    const id = tabs[next]!.id;
    select(id);
    document.getElementById(`tab-${id}`)?.focus();
  };
  return (
    <nav className="tabs" role="tablist" aria-label="Side panel" onKeyDown={onKeyDown}>
      {tabs.map((t) => {
        const n = badges[t.id] ?? 0;
        return (
          <button key={t.id} id={`tab-${t.id}`} role="tab" aria-selected={panel === t.id} aria-controls="side-panel" tabIndex={panel === t.id ? 0 : -1}
            className={panel === t.id ? 'tab active' : 'tab'} onClick={() => select(t.id)} data-testid={`tab-${t.id}`}>
            {t.label}{n > 0 && <span className="tab-count" data-testid={t.id === 'files' ? 'files-pending' : `${t.id}-unread`}
              aria-label={t.id === 'chat' ? `${n} unread` : `${n} waiting`}>{n}</span>}
          </button>
        );
      })}
    </nav>
  );
}

export function CallView() {
  const gridRef = useRef<HTMLDivElement>(null);
  const size = useSize(gridRef);
  const roomId = useApp((s) => s.roomId);
  const signaling = useApp((s) => s.signaling);
  const name = useApp((s) => s.displayName);
  const names = useApp(shownNamesOf);
  const me = useApp((s) => s.identity?.identityKey);
  const local = useApp((s) => s.localStream);
  const cameraOff = useApp((s) => s.cameraOff);
  const muted = useApp((s) => s.muted);
  const speakerId = useApp((s) => s.speakerId);
  const peers = useApp((s) => s.peers);
  const sfuOn = useApp((s) => s.sfu.state !== 'off');
  const sfuRoom = useApp((s) => s.sfu.room);
  const sfuState = useApp((s) => s.sfu.state);
  const sfuExpires = useApp((s) => s.sfu.expiresAt);
  const feeds = useApp((s) => s.feeds);
  const heldBy = useApp((s) => s.heldBy);
  const panel = useApp((s) => s.panel);
  const unread = useApp((s) => s.unread);
  const setSession = useApp((s) => s.setSession);
  const mediaError = useApp((s) => s.mediaError);
  const pendingOffers = useApp((s) => Object.values(s.transfers).filter((t) => t.direction === 'in' && t.state === 'offered').length);
  useEffect(() => watchActivity(useApp), []);
  useEffect(() => {
    const before = document.title;
    document.title = titleFor(roomId, unread);
    return () => { document.title = before; };
  }, [roomId, unread]);
  const labelOf = (key: string, fallback: string) => names.get(key)?.label ?? fallback;
  let list = Object.values(peers).sort((a, b) => labelOf(a.identityKey, a.displayName).localeCompare(labelOf(b.identityKey, b.displayName)));
  // On the SFU path each remote feed is a tile (a feed claiming a member it cannot prove it is says so); members with none keep theirs.
  const feedList = sfuOn ? Object.values(feeds) : [];
  const byRoute = new Map(list.map((p) => [p.peerId, p]));
  const withFeed = new Set(feedList.map((f) => f.peerId));
  // Feeds whose frames open under a member's keys: two of them for one member means one is forged by a key holder.
  const openingPerPeer = new Map<string, number>();
  for (const f of feedList) if (f.state === 'decrypting') openingPerPeer.set(f.peerId, (openingPerPeer.get(f.peerId) ?? 0) + 1);
  const feedName = (peerId: string) => { const p = byRoute.get(peerId); return p ? labelOf(p.identityKey, p.displayName) : 'someone'; };
  if (sfuOn) list = list.filter((p) => !withFeed.has(p.peerId));
  const presenter = sfuOn ? undefined : list.find((p) => p.media?.screen && p.conn === 'connected');
  const oneToOne = !presenter && !sfuOn && list.length === 1;
  // Tiles in the grid: everyone, or (1:1) the other person alone with us as an overlay, or (presenting) everyone else in a strip.
  const inGrid = presenter ? 0 : oneToOne ? 1 : list.length + feedList.length + 1;
  const cols = size ? bestColumns(inGrid, size.w, size.h) : gridColumns(inGrid);
  const rows = Math.ceil(inGrid / cols);
  // Tiles are 16:9 and as large as the stage allows; the block of tiles is centred.
  const tileW = size ? Math.floor(Math.min((size.w - 10 * (cols - 1)) / cols, ((size.h - 10 * (rows - 1)) / rows) * 16 / 9)) : 0;
  useEffect(() => { if (sfuOn) setSfuTileWidth(tileW); }, [sfuOn, tileW]);
  const track = (n: number, px: number) => (px > 0 ? `repeat(${n}, ${px}px)` : `repeat(${n}, minmax(0, 1fr))`);
  const selfTile = (className?: string) => (
    <VideoTile testId="tile-self" name={me ? labelOf(me, name) : name} suffix=" (you)" stream={cameraOff ? null : local} muted mirrored
      micOff={muted} camOff={cameraOff} className={className} />
  );
  const peerTile = (p: PeerEntry, extra: { presenting?: boolean; className?: string } = {}) => (
    <VideoTile key={p.identityKey} testId="tile-peer" name={labelOf(p.identityKey, p.displayName)}
      lookalike={names.get(p.identityKey)?.lookalike ?? false} stream={sfuOn ? null : p.stream} conn={p.conn} sinkId={speakerId}
      reason={p.reason} trust={p.trust} secure={p.dtlsLive} onRetry={() => retryPeer(p.identityKey)} heldByThem={p.identityKey in heldBy}
      micOff={p.media ? !p.media.mic : false} camOff={p.media ? !p.media.cam && !p.media.screen : false} {...extra} />
  );
  return (
    <div className="call" data-testid="call-view" data-layout={presenter ? 'presenter' : oneToOne ? 'one-to-one' : 'grid'} data-path={sfuOn ? 'sfu' : 'mesh'} data-sfu-room={sfuRoom ?? undefined}
      data-sfu-state={sfuOn ? sfuState : undefined} data-sfu-expires={sfuExpires ?? undefined}>
      <header className="call-header">
        <div className="brand small"><span className="logo" aria-hidden>◆</span> Veil</div>
        <div className="room-name" data-testid="room-name">{roomId}</div>
        <span className={`badge sig-${signaling}`} data-testid="signaling-state" data-state={signaling}>
          {signaling === 'online' ? 'signaling online' : signaling === 'reconnecting' ? 'reconnecting… (call continues peer to peer)' : signaling}
        </span>
        <div className="spacer" />
        <CallInvite />
        <RoomCode />
      </header>
      <div className="call-body">
        <div className="stage">
          {mediaError && <p className="error">{mediaError}</p>}
          <SharingBar />
          <MutedNudge />
          <div className="stage-area" ref={gridRef}>
          {presenter ? (
            <div className="presenter" data-testid="presenter">
              {peerTile(presenter, { presenting: true, className: 'presenter-main' })}
              <div className="presenter-strip">
                {selfTile()}
                {list.filter((p) => p !== presenter).map((p) => peerTile(p))}
              </div>
            </div>
          ) : (
            <div className="grid-wrap">
              <div className="grid" style={{ gridTemplateColumns: track(cols, tileW), gridTemplateRows: track(rows, Math.floor((tileW * 9) / 16)) }} data-testid="grid">
                {!oneToOne && selfTile()}
                {list.map((p) => peerTile(p))}
                {feedList.map((f) => <SfuFeedTile key={`feed-${f.feedId}`} feed={f} name={feedName(f.peerId)} sinkId={speakerId}
                  contested={f.state === 'decrypting' && (openingPerPeer.get(f.peerId) ?? 0) > 1} />)}
              </div>
              {oneToOne && selfTile('self-pip')}
            </div>
          )}
          </div>
          <Controls />
          <FileNotices />
        </div>
        <aside className="side">
          <Tabs panel={panel} select={(id) => setSession({ panel: id })} badges={{ chat: unread, files: pendingOffers }} />
          <div className="side-body" id="side-panel" role="tabpanel" aria-labelledby={`tab-${panel}`}>
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
