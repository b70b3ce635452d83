// Media slice: local stream, mute / camera / screen-share toggles and the chosen devices.
import type { StateCreator } from 'zustand';
import { loadPrefs } from '../lib/storage';

export interface DeviceOption { deviceId: string; label: string; kind: MediaDeviceKind }

export interface MediaSlice {
  localStream: MediaStream | null;
  muted: boolean;
  cameraOff: boolean;
  sharing: boolean;
  devices: DeviceOption[];
  audioDeviceId: string;
  videoDeviceId: string;
  /** Audio output for the call ('' = system default), a renderer preference kept in localStorage. */
  speakerId: string;
  mediaError: string | null;
  setMedia(patch: Partial<Omit<MediaSlice, 'setMedia'>>): void;
}

export const createMediaSlice: StateCreator<MediaSlice, [], [], MediaSlice> = (set) => ({
  localStream: null,
  muted: false,
  cameraOff: false,
  sharing: false,
  devices: [],
  audioDeviceId: '',
  videoDeviceId: '',
  speakerId: loadPrefs().speakerId,
  mediaError: null,
  setMedia: (patch) => set(patch)
});
