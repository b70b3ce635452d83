// Call controls: mute, camera, screen share, device pickers (mic, camera, speaker), leave (confirmed); keyboard shortcuts.
import { useEffect, useState } from 'react';
import { leaveRoom, switchDevice, toggleCamera, toggleMute, toggleScreenShare } from '../../app/actions';
import { savePrefs } from '../../lib/storage';
import { useApp } from '../../store';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { useSpeakers } from './devices';
import { ScreenPicker } from './ScreenPicker';

const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const MOD = MAC ? '⌘' : 'Ctrl+';

/** The shortcuts, as shown in tooltips: Ctrl (⌘ on macOS) with D, E, Shift+S, Shift+H. */
export const SHORTCUTS = { mute: `${MOD}D`, camera: `${MOD}E`, share: `${MOD}Shift+S`, leave: `${MOD}Shift+H` } as const;

export type ShortcutAction = keyof typeof SHORTCUTS;

/** Which action a key press means, if any (Ctrl or Cmd must be held; Alt never). */
export function shortcutOf(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): ShortcutAction | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (!e.shiftKey && k === 'd') return 'mute';
  if (!e.shiftKey && k === 'e') return 'camera';
  if (e.shiftKey && k === 's') return 'share';
  if (e.shiftKey && k === 'h') return 'leave';
  return null;
}

export function Controls() {
  const muted = useApp((s) => s.muted);
  const cameraOff = useApp((s) => s.cameraOff);
  const sharing = useApp((s) => s.sharing);
  const devices = useApp((s) => s.devices);
  const audioId = useApp((s) => s.audioDeviceId);
  const videoId = useApp((s) => s.videoDeviceId);
  const speakerId = useApp((s) => s.speakerId);
  const setMedia = useApp((s) => s.setMedia);
  const speakers = useSpeakers();
  const mics = devices.filter((d) => d.kind === 'audioinput');
  const cams = devices.filter((d) => d.kind === 'videoinput');
  const [picking, setPicking] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  // Starting a share goes through the picker (main grants only the picked source); stopping needs no choice.
  const onShare = () => { if (sharing) void toggleScreenShare(); else setPicking(true); };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutOf(e);
      if (!action) return;
      e.preventDefault();
      if (action === 'mute') toggleMute();
      else if (action === 'camera') toggleCamera();
      else if (action === 'share') onShare();
      else setConfirmLeave(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const chooseSpeaker = (id: string) => { savePrefs({ speakerId: id }); setMedia({ speakerId: id }); };
  return (
    <div className="controls" data-testid="controls">
      <button className={muted ? 'ctl off' : 'ctl'} onClick={toggleMute} data-testid="toggle-mute" aria-pressed={muted}
        title={`${muted ? 'Unmute' : 'Mute'} (${SHORTCUTS.mute})`} aria-keyshortcuts={MAC ? 'Meta+D' : 'Control+D'}>
        {muted ? 'Unmute' : 'Mute'}
      </button>
      <button className={cameraOff ? 'ctl off' : 'ctl'} onClick={toggleCamera} data-testid="toggle-camera" aria-pressed={cameraOff}
        title={`${cameraOff ? 'Turn camera on' : 'Turn camera off'} (${SHORTCUTS.camera})`} aria-keyshortcuts={MAC ? 'Meta+E' : 'Control+E'}>
        {cameraOff ? 'Camera on' : 'Camera off'}
      </button>
      <button className={sharing ? 'ctl on' : 'ctl'} onClick={onShare} data-testid="toggle-share" aria-pressed={sharing}
        title={`${sharing ? 'Stop sharing' : 'Share your screen'} (${SHORTCUTS.share})`} aria-keyshortcuts={MAC ? 'Meta+Shift+S' : 'Control+Shift+S'}>
        {sharing ? 'Stop sharing' : 'Share screen'}
      </button>
      {picking && <ScreenPicker onClose={() => setPicking(false)} onPicked={() => { setPicking(false); void toggleScreenShare(); }} />}
      <select aria-label="Microphone" data-testid="select-mic" value={audioId} onChange={(e) => void switchDevice('audio', e.target.value)}>
        <option value="">Default microphone</option>
        {mics.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
      </select>
      <select aria-label="Camera" data-testid="select-camera" value={videoId} onChange={(e) => void switchDevice('video', e.target.value)}>
        <option value="">Default camera</option>
        {cams.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
      </select>
      {speakers.length > 0 && (
        <select aria-label="Speaker" data-testid="select-speaker" value={speakerId} onChange={(e) => chooseSpeaker(e.target.value)}>
          <option value="">Default speaker</option>
          {speakers.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
        </select>
      )}
      <button className="ctl danger" onClick={() => setConfirmLeave(true)} data-testid="leave" title={`Leave the call (${SHORTCUTS.leave})`}
        aria-keyshortcuts={MAC ? 'Meta+Shift+H' : 'Control+Shift+H'}>Leave</button>
      {confirmLeave && (
        <ConfirmDialog title="Leave the call?" confirmLabel="Leave" danger testId="leave-confirm"
          onCancel={() => setConfirmLeave(false)} onConfirm={() => { setConfirmLeave(false); void leaveRoom(); }}>
          <p className="muted">You can join again from the lobby; messages and files in this call are not kept.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
