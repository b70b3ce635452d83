// What media the mesh sends on its links: our tracks (the screen in place of the camera while sharing), or none while the call's media goes through the SFU.
import type { MediaKind } from './transceivers';

export type OutgoingTracks = Record<MediaKind, MediaStreamTrack | null>;

const NONE: OutgoingTracks = { audio: null, video: null };

export class MeshMedia {
  private enabled = true;

  constructor(private readonly localStream: () => MediaStream | null, private readonly screenTrack: () => MediaStreamTrack | null) {}

  /** False while the SFU carries the call: links then carry chat and files only. */
  get isEnabled(): boolean { return this.enabled; }

  /** Sets whether links send media; true when that changed. */
  set(on: boolean): boolean {
    if (this.enabled === on) return false;
    this.enabled = on;
    return true;
  }

  /** The tracks every proven link should send now, by kind. */
  tracks(): OutgoingTracks {
    if (!this.enabled) return NONE;
    const stream = this.localStream();
    return { audio: stream?.getAudioTracks()[0] ?? null, video: this.screenTrack() ?? stream?.getVideoTracks()[0] ?? null };
  }
}
