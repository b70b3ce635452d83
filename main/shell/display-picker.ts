// Main's side of the in-app screen picker: lists sources for the renderer and records the one the user picked.
import { DomainError } from '../errors';
import type { DisplaySourceInfo } from '../../protocol/ipc-media';
import { DisplayChoiceSlot, toSourceInfo, type CapturerSourceLike } from './display-media';

/** desktopCapturer.getSources with thumbnails (Electron), or a stand-in in tests. */
export type ListCaptureSources = () => Promise<readonly CapturerSourceLike[]>;

export class DisplayPicker {
  /** Ids of the last listing: only a source the user was shown can be chosen. */
  private listed = new Set<string>();
  readonly slot: DisplayChoiceSlot;

  constructor(private readonly listSources: ListCaptureSources | undefined, private readonly now: () => number, slot = new DisplayChoiceSlot()) {
    this.slot = slot;
  }

  async list(): Promise<DisplaySourceInfo[]> {
    if (!this.listSources) throw new DomainError('bad-state', 'screen sharing is not available here');
    const info = toSourceInfo(await this.listSources());
    this.listed = new Set(info.map((s) => s.id));
    return info;
  }

  /** One-shot and short-lived: the next getDisplayMedia (within seconds, after a click) gets this source. */
  choose(id: string): null {
    if (!this.listed.has(id)) throw new DomainError('not-found', 'that screen or window was not in the list shown');
    this.slot.set(id, this.now());
    return null;
  }
}
