// IPC channels of the `media` domain: the in-app screen/window picker, and SFU media keys (call, members, sealed blobs, the key port).
import { z } from 'zod';
import { channel } from './ipc-channel';
import { b64uBytes, roomIdSchema } from './keys';
import { GROUP_CHAT_LIMITS, sealedGroupChatSchema, type OpenedGroupChat, type SealedGroupChat } from './group-chat';
import { sealedMediaKeySchema, type MediaKeyDelivery } from './media-key-wire';
import { frameOriginBlobSchema, type CheckedFrameOrigin } from './frame-origin';
import { peerIdSchema } from './signaling';

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

const identityKeySchema = b64uBytes(32);
const groupChatPlaintextSchema = z.instanceof(Uint8Array).refine((b) => b.length <= GROUP_CHAT_LIMITS.maxPlaintextBytes,
  `at most ${GROUP_CHAT_LIMITS.maxPlaintextBytes} bytes`);
/** Sealed blobs main asks the page to relay (`media:key`, one per recipient); never a key in the clear. */
export interface MediaKeyOutgoing { outgoing: MediaKeyDelivery[] }

export const mediaIpc = {
  /** Starts our SFU call in a room we hold a key for; `selfId` is our peerId there. */
  'media:startCall': channel<z.ZodTuple<[typeof roomIdSchema, typeof peerIdSchema]>, { senderIndex: number }>(z.tuple([roomIdSchema, peerIdSchema])),
  /** Main posts the call's key port to the window (once per call); the page matches it by this token. */
  'media:keyPort': channel<z.ZodTuple<[]>, { token: string }>(z.tuple([])),
  'media:memberJoined': channel<z.ZodTuple<[typeof roomIdSchema, typeof peerIdSchema, typeof identityKeySchema]>, MediaKeyOutgoing>(
    z.tuple([roomIdSchema, peerIdSchema, identityKeySchema])),
  'media:memberLeft': channel<z.ZodTuple<[typeof roomIdSchema, typeof peerIdSchema]>, MediaKeyOutgoing>(z.tuple([roomIdSchema, peerIdSchema])),
  /** After a trust decision, a revocation or a rotation: main re-runs its gate for every member. */
  'media:syncTrust': channel<z.ZodTuple<[typeof roomIdSchema]>, MediaKeyOutgoing>(z.tuple([roomIdSchema])),
  /** A `media:key` server event: `from` as the server stamped it, the blob unopened. */
  'media:receiveKey': channel<z.ZodTuple<[typeof roomIdSchema, typeof peerIdSchema, typeof sealedMediaKeySchema]>, { senderId: string; kid: number }>(
    z.tuple([roomIdSchema, peerIdSchema, sealedMediaKeySchema])),
  /** Seals one chat line once for the call's room (PROTOCOL.md §22); `covered` says who holds the key, the rest go pairwise. */
  'media:sealGroupChat': channel<z.ZodTuple<[typeof roomIdSchema, typeof groupChatPlaintextSchema]>, SealedGroupChat>(
    z.tuple([roomIdSchema, groupChatPlaintextSchema])),
  /** A `chat:group` server event: `from` as the server stamped it, the blob unopened. */
  'media:openGroupChat': channel<z.ZodTuple<[typeof roomIdSchema, typeof peerIdSchema, typeof sealedGroupChatSchema]>, OpenedGroupChat>(
    z.tuple([roomIdSchema, peerIdSchema, sealedGroupChatSchema])),
  /** Our signed frame-origin digests since the last call (PROTOCOL.md §22a): the page sends each as `media:origin`. */
  'media:takeOriginDigests': channel<z.ZodTuple<[typeof roomIdSchema]>, string[]>(z.tuple([roomIdSchema])),
  /** A `media:origin` server event: `from` as the server stamped it; once checked, main hands it to our frame worker. */
  'media:checkOrigin': channel<z.ZodTuple<[typeof roomIdSchema, typeof peerIdSchema, typeof frameOriginBlobSchema]>, CheckedFrameOrigin>(
    z.tuple([roomIdSchema, peerIdSchema, frameOriginBlobSchema])),
  'media:stopCall': channel<z.ZodTuple<[typeof roomIdSchema]>, null>(z.tuple([roomIdSchema])),
  'media:listSources': channel<z.ZodTuple<[]>, DisplaySourceInfo[]>(z.tuple([])),
  'media:chooseSource': channel<z.ZodTuple<[typeof displaySourceIdSchema]>, null>(z.tuple([displaySourceIdSchema]))
};
