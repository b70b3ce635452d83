// IPC channels of the `media` domain: the in-app screen/window picker (main lists sources, the user picks one).
import { z } from 'zod';
import { channel } from './ipc-channel';

/** One shareable screen or window, as main lists it for the picker. */
export interface DisplaySourceInfo {
  /** desktopCapturer id, e.g. `screen:0:0` or `window:1234:0`. */
  id: string;
  kind: 'screen' | 'window';
  name: string;
  /** PNG data URL of a small thumbnail, or '' when the system gave none. */
  thumbnail: string;
}

/** Bounds on what `media:listSources` returns. */
export const DISPLAY_SOURCE_LIMITS = { maxSources: 32, maxNameLength: 200, maxThumbnailChars: 256 * 1024, thumbnailWidth: 320, thumbnailHeight: 180 } as const;
/** How long a choice stays valid: getDisplayMedia must follow the click within this window. */
export const DISPLAY_CHOICE_TTL_MS = 10_000;

export const displaySourceIdSchema = z.string().regex(/^(screen|window):[0-9]+:[0-9]+$/).max(64);

export const mediaIpc = {
  'media:listSources': channel<z.ZodTuple<[]>, DisplaySourceInfo[]>(z.tuple([])),
  'media:chooseSource': channel<z.ZodTuple<[typeof displaySourceIdSchema]>, null>(z.tuple([displaySourceIdSchema]))
};
