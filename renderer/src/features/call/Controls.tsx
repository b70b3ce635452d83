// Call controls: mute, camera, screen share, device pickers, leave.
import { useState } from 'react';
import { leaveRoom, switchDevice, toggleCamera, toggleMute, toggleScreenShare } from '../../app/actions';
import { useApp } from '../../store';
import { ScreenPicker } from './ScreenPicker';

export function Controls() {
  const muted = useApp((s) => s.muted);
  const cameraOff = useApp((s) => s.cameraOff);
  const sharing = useApp((s) => s.sharing);
  const devices = useApp((s) => s.devices);
  const audioId = useApp((s) => s.audioDeviceId);
  const videoId = useApp((s) => s.videoDeviceId);
  const mics = devices.filter((d) => d.kind === 'audioinput');
  const cams = devices.filter((d) => d.kind === 'videoinput');
  const [picking, setPicking] = useState(false);
  // Starting a share goes through the picker (main grants only the picked source); stopping needs no choice.
  const onShare = () => { if (sharing) void toggleScreenShare(); else setPicking(true); };
  return (
    <div className="controls" data-testid="controls">
      <button className={muted ? 'ctl off' : 'ctl'} onClick={toggleMute} data-testid="toggle-mute" aria-pressed={muted}>
        {muted ? 'Unmute' : 'Mute'}
      </button>
      <button className={cameraOff ? 'ctl off' : 'ctl'} onClick={toggleCamera} data-testid="toggle-camera" aria-pressed={cameraOff}>
        {cameraOff ? 'Camera on' : 'Camera off'}
      </button>
      <button className={sharing ? 'ctl on' : 'ctl'} onClick={onShare} data-testid="toggle-share" aria-pressed={sharing}>
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
      <button className="ctl danger" onClick={() => void leaveRoom()} data-testid="leave">Leave</button>
    </div>
  );
}
