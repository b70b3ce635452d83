// One grid tile: a video element bound to a MediaStream, the name, trust badge and connection state.
import { useEffect, useRef } from 'react';
import type { ConnState } from '../../store/peers-slice';
import type { TrustState } from '../../../../protocol/ipc-e2ee';

interface Props {
  testId: string;
  name: string;
  stream?: MediaStream | null;
  muted?: boolean;
  mirrored?: boolean;
  conn?: ConnState;
  reason?: string;
  trust?: TrustState;
  secure?: boolean;
  /** Shown on a refused tile: re-runs the link from scratch. */
  onRetry?: () => void;
}

export function VideoTile({ testId, name, stream, muted, mirrored, conn, reason, trust, secure, onRetry }: Props) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (v && v.srcObject !== (stream ?? null)) {
      v.srcObject = stream ?? null;
      if (stream) void v.play().catch(() => {});
    }
  }, [stream]);
  return (
    <div className="cell">
    <div className={`tile conn-${conn ?? 'self'}`} data-testid={testId} data-name={name} data-conn={conn ?? 'self'}>
      <video ref={ref} autoPlay playsInline muted={muted} className={mirrored ? 'mirrored' : ''} />
      {!stream && <div className="tile-initial">{name.slice(0, 1).toUpperCase()}</div>}
      <div className="tile-label">
        <span className="tile-name">{name}</span>
        {trust === 'verified' && <span className="badge ok" title="Verified">✔ verified</span>}
        {trust === 'changed' && <span className="badge bad">key changed</span>}
        {secure && <span className="badge lock" title="DTLS fingerprint bound to the session and checked on the live transport">E2EE</span>}
        {conn && conn !== 'connected' && <span className={`badge state ${conn}`} data-testid="peer-conn">{conn}</span>}
      </div>
      {reason && conn !== 'connected' && <div className="tile-reason" data-testid="peer-reason">{reason}</div>}
      {conn === 'refused' && onRetry && <button className="tile-retry" onClick={onRetry} data-testid="peer-retry">Try again</button>}
    </div>
    </div>
  );
}
