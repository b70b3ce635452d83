// Banners above the stage: "you are sharing your screen — Stop", and "you are muted" when the muted mic hears speech.
import { toggleMute, toggleScreenShare } from '../../app/actions';
import { useSpeaking } from '../../lib/audio-level';
import { useApp } from '../../store';

export function SharingBar() {
  const sharing = useApp((s) => s.sharing);
  if (!sharing) return null;
  return (
    <div className="banner sharing" role="status" data-testid="sharing-bar">
      <span>You are sharing your screen. Everyone in the call can see it.</span>
      <button className="danger small" onClick={() => void toggleScreenShare()} data-testid="sharing-stop">Stop sharing</button>
    </div>
  );
}

/** Measures a copy of the muted microphone (it never leaves this device) so the nudge can say "you are muted". */
export function MutedNudge() {
  const muted = useApp((s) => s.muted);
  const local = useApp((s) => s.localStream);
  const talking = useSpeaking(local, { clone: true, enabled: muted });
  if (!muted || !talking) return null;
  return (
    <div className="banner nudge" role="status" data-testid="muted-nudge">
      <span>You are muted. Others cannot hear you.</span>
      <button className="small" onClick={toggleMute} data-testid="nudge-unmute">Unmute</button>
    </div>
  );
}
