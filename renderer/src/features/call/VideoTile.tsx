// One grid tile: video (or an initials avatar), name, mic / camera state, speaking highlight, trust badge and connection state.
import { useEffect, useRef } from 'react';
import type { ConnState } from '../../store/peers-slice';
import type { TrustState } from '../../../../protocol/ipc-e2ee';
import { useSpeaking } from '../../lib/audio-level';
import { plainReason } from '../../lib/plain-words';

interface Props {
  testId: string;
  name: string;
  /** Shown after the name, outside its bidi isolation ("(you)"). */
  suffix?: string;
  lookalike?: boolean;
  stream?: MediaStream | null;
  muted?: boolean;
  mirrored?: boolean;
  conn?: ConnState;
  reason?: string;
  trust?: TrustState;
  secure?: boolean;
  /** The person's microphone / camera state as they announce it (ours: our own toggles). */
  micOff?: boolean;
  camOff?: boolean;
  /** A shared screen: shown whole (contain), never cropped. */
  presenting?: boolean;
  /** Audio output device for this tile's sound (`setSinkId`); '' = system default. */
  sinkId?: string;
  className?: string;
  /** Shown on a refused tile: re-runs the link from scratch. */
  onRetry?: () => void;
  /** A plain-words state line (the SFU path: "waiting for Dana's key"). */
  notice?: { state: string; text: string } | undefined;
  /** Extra data-* attributes on the tile. */
  data?: Record<string, string>;
  /** This person's app told us (signed, checked in main) that it waits for them to confirm our new key. */
  heldByThem?: boolean;
}

/** Up to two initials from the shown name (the look-alike tag after " · " is not part of it). */
export function initialsOf(name: string): string {
  const words = name.split(' · ')[0]!.trim().split(/\s+/).filter(Boolean);
  const first = (w: string | undefined) => (w ? [...w][0]?.toUpperCase() ?? '' : '');
  return words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0]) || '?';
}

function hue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return h;
}

type SinkVideo = HTMLVideoElement & { setSinkId?: (id: string) => Promise<void> };

export function VideoTile(p: Props) {
  const { testId, name, suffix, lookalike, stream, muted, mirrored, conn, reason, trust, secure, micOff, camOff, presenting, sinkId, onRetry, notice, heldByThem } = p;
  const ref = useRef<SinkVideo>(null);
  useEffect(() => {
    const v = ref.current;
    if (v && v.srcObject !== (stream ?? null)) {
      v.srcObject = stream ?? null;
      if (stream) void v.play().catch(() => {});
    }
  }, [stream]);
  useEffect(() => {
    const v = ref.current;
    if (v && !muted && typeof v.setSinkId === 'function' && sinkId !== undefined) void v.setSinkId(sinkId).catch(() => {});
  }, [sinkId, muted]);
  const speaking = useSpeaking(stream, { enabled: !micOff });
  const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
  const showAvatar = !presenting && (camOff || !hasVideo);
  return (
    <div className={`cell ${p.className ?? ''}`}>
    <div className={`tile conn-${conn ?? 'self'}${speaking ? ' speaking' : ''}${presenting ? ' presenting' : ''}`} data-testid={testId}
      data-name={`${name}${suffix ?? ''}`} data-conn={conn ?? 'self'} data-speaking={speaking ? 'yes' : 'no'}
      data-mic={micOff ? 'off' : 'on'} data-cam={showAvatar ? 'off' : 'on'} {...p.data}>
      <video ref={ref} autoPlay playsInline muted={muted} className={mirrored && !presenting ? 'mirrored' : ''} />
      {showAvatar && (
        <div className="tile-avatar" data-testid="tile-avatar" aria-hidden>
          <span style={{ background: `hsl(${hue(name)} 45% 32%)` }}><bdi>{initialsOf(name)}</bdi></span>
        </div>
      )}
      {presenting && <div className="tile-presenting" data-testid="tile-presenting"><bdi>{name}</bdi>{suffix ? suffix : ''} is presenting</div>}
      <div className="tile-label">
        <span className="tile-name"><bdi>{name}</bdi>{suffix}</span>
        {micOff && <span className="badge muted-mic" data-testid="tile-muted" role="img" aria-label="Microphone off" title="Microphone off">🔇 muted</span>}
        {trust === 'verified' && <span className="badge ok" title="You compared safety numbers with this person">✔ verified</span>}
        {trust === 'changed' && <span className="badge bad">key changed</span>}
        {(trust === 'lookalike' || lookalike) && <span className="badge bad" data-testid="tile-lookalike">look-alike name</span>}
        {secure && <span className="badge lock" title="End-to-end encrypted: the connection is bound to this person's key and was checked">E2EE</span>}
        {conn && conn !== 'connected' && <span className={`badge state ${conn}`} data-testid="peer-conn">{conn}</span>}
      </div>
      {reason && conn !== 'connected' && (
        <div className="tile-reason" data-testid="peer-reason" title={reason}>{reason.startsWith('refused:') ? reason : plainReason(reason)}</div>
      )}
      {notice && <div className="tile-reason" data-testid="tile-notice" data-state={notice.state}>{notice.text}</div>}
      {heldByThem && conn !== 'connected' && (
        <div className="tile-held" data-testid="peer-held">Waiting for <bdi>{name}</bdi> to confirm your new key: your messages wait until then.</div>
      )}
      {conn === 'refused' && onRetry && <button className="tile-retry" onClick={onRetry} data-testid="peer-retry">Try again</button>}
    </div>
    </div>
  );
}
