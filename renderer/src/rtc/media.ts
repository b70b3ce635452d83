// Local media: camera/microphone capture with chosen devices, device listing, screen capture.
import type { DeviceOption } from '../store/media-slice';

export async function getLocalMedia(audioDeviceId: string, videoDeviceId: string): Promise<MediaStream> {
  const audio: MediaTrackConstraints | boolean = audioDeviceId ? { deviceId: { exact: audioDeviceId } } : true;
  const video: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 }, ...(videoDeviceId ? { deviceId: { exact: videoDeviceId } } : {}) };
  try {
    return await navigator.mediaDevices.getUserMedia({ audio, video });
  } catch {
    // No camera: still join with audio only rather than not at all.
    return await navigator.mediaDevices.getUserMedia({ audio, video: false });
  }
}

export async function listDevices(): Promise<DeviceOption[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const all = await navigator.mediaDevices.enumerateDevices();
  return all
    .filter((d) => d.kind === 'audioinput' || d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, kind: d.kind, label: d.label || `${d.kind === 'audioinput' ? 'Microphone' : 'Camera'} ${i + 1}` }));
}

export async function getScreen(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('no screen track');
  return track;
}

/** Our DTLS certificate: one per room so every peer sees (and we attest) the same fingerprint. */
export async function makeCertificate(): Promise<{ certificate: RTCCertificate | null; fingerprint: string | null }> {
  try {
    const certificate = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as AlgorithmIdentifier);
    const fp = certificate.getFingerprints?.().find((f) => f.algorithm === 'sha-256');
    return { certificate, fingerprint: fp?.value ? `sha-256 ${fp.value.toUpperCase()}` : null };
  } catch {
    return { certificate: null, fingerprint: null };
  }
}
