// Pre-join check in the lobby: camera preview, microphone level meter, and the microphone / camera / speaker choice.
import { useEffect, useRef, useState } from 'react';
import { useLevel } from '../../lib/audio-level';
import { savePrefs } from '../../lib/storage';
import { useApp } from '../../store';
import type { DeviceOption } from '../../store/media-slice';
import { canChooseSpeaker, listSpeakers } from '../call/devices';

async function captureDevices(): Promise<DeviceOption[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'audioinput' || d.kind === 'videoinput').map((d, i) => ({
    deviceId: d.deviceId, kind: d.kind, label: d.label || `${d.kind === 'audioinput' ? 'Microphone' : 'Camera'} ${i + 1}`
  }));
}

function constraints(audioId: string, videoId: string): MediaStreamConstraints {
  return { audio: audioId ? { deviceId: { exact: audioId } } : true, video: videoId ? { deviceId: { exact: videoId } } : true };
}

/** Nothing is captured until the user asks; the preview's tracks stop when it closes or the lobby goes (the call captures its own). */
export function Preview() {
  const audioId = useApp((s) => s.audioDeviceId);
  const videoId = useApp((s) => s.videoDeviceId);
  const speakerId = useApp((s) => s.speakerId);
  const setMedia = useApp((s) => s.setMedia);
  const [on, setOn] = useState(false);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [devices, setDevices] = useState<DeviceOption[]>([]);
  const [speakers, setSpeakers] = useState<DeviceOption[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const level = useLevel(stream);

  useEffect(() => {
    if (!on) return;
    let live = true;
    let got: MediaStream | null = null;
    setProblem(null);
    navigator.mediaDevices.getUserMedia(constraints(audioId, videoId)).then(async (s) => {
      if (!live) { s.getTracks().forEach((t) => t.stop()); return; }
      got = s;
      setStream(s);
      setDevices(await captureDevices());
      if (canChooseSpeaker()) setSpeakers(await listSpeakers());
    }, () => { if (live) setProblem('Veil could not use your camera or microphone. Check that they are connected and allowed for Veil.'); });
    return () => { live = false; got?.getTracks().forEach((t) => t.stop()); setStream(null); };
  }, [on, audioId, videoId]);

  useEffect(() => {
    const v = video.current;
    if (v) { v.srcObject = stream; if (stream) void v.play()?.catch(() => {}); }
  }, [stream]);

  if (!on) {
    return <button type="button" className="ghost" onClick={() => setOn(true)} data-testid="preview-start">Check camera and microphone</button>;
  }
  const mics = devices.filter((d) => d.kind === 'audioinput');
  const cams = devices.filter((d) => d.kind === 'videoinput');
  return (
    <div className="preview" data-testid="preview">
      {problem ? <p className="error" role="alert" data-testid="preview-problem">{problem}</p> : <video ref={video} autoPlay playsInline muted />}
      <div className="meter" role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)}
        data-testid="preview-meter"><span style={{ width: `${Math.round(level * 100)}%` }} /></div>
      <p className="muted small-print">Speak: the bar moves when your microphone hears you.</p>
      <select aria-label="Microphone" data-testid="preview-mic" value={audioId} onChange={(e) => setMedia({ audioDeviceId: e.target.value })}>
        <option value="">Default microphone</option>
        {mics.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
      </select>
      <select aria-label="Camera" data-testid="preview-camera" value={videoId} onChange={(e) => setMedia({ videoDeviceId: e.target.value })}>
        <option value="">Default camera</option>
        {cams.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
      </select>
      {speakers.length > 0 && (
        <select aria-label="Speaker" data-testid="preview-speaker" value={speakerId}
          onChange={(e) => { savePrefs({ speakerId: e.target.value }); setMedia({ speakerId: e.target.value }); }}>
          <option value="">Default speaker</option>
          {speakers.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
        </select>
      )}
      <button type="button" className="ghost small" onClick={() => setOn(false)} data-testid="preview-stop">Stop the check</button>
    </div>
  );
}
