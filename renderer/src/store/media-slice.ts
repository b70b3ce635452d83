// Media slice: local stream, mute / camera / screen-share toggles and the chosen devices.
import type { StateCreator } from 'zustand';

export interface DeviceOption { deviceId: string; label: string; kind: MediaDeviceKind }

export interface MediaSlice {
  localStream: MediaStream | null;
  muted: boolean;
  cameraOff: boolean;
  sharing: boolean;
  devices: DeviceOption[];
  audioDeviceId: string;
  videoDeviceId: string;
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
  mediaError: null,
  setMedia: (patch) => set(patch)
});
