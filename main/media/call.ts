// One SFU call's media-key state: our schedule, the members (peerId ↔ identity), what each got from us and what we took from each.
import type { MediaKeyRecipientState } from '../e2ee/e2ee';
import type { FrameOriginDigests } from './frame-origin';
import type { GroupChatKeys } from './group-chat';
import type { ReceivedFrom } from './receive-checks';
import type { QueuedKeyPort } from './key-port';
import type { SendKeySchedule } from './send-keys';

export interface CallMember {
  peerId: string;
  identityKey: string;
  /** The oldest of our epochs this member may get: the key that was newest when it joined (never an older one). */
  minEpoch: number;
  /** Our newest epoch delivered to it (-1: nothing yet), so nothing is sealed to it twice. */
  deliveredEpoch: number;
  /** The gate's last answer; a member that was `ok` and holds our key and then is not forces a fresh key. */
  state: MediaKeyRecipientState;
  /** What we accepted from it; null until its first key. */
  received: ReceivedFrom | null;
  /** senderIndexes of its calls that ended (it restarted its SFU call), newest last, at most MAX_RETIRED_INDICES. */
  retired: number[];
  /** The ratchet of its newest key that we derived and gave the worker ahead of time: its epoch and SHA-256 (no key kept). */
  ratchetAhead: { epoch: number; digest: Uint8Array } | null;
  /** Arrival times of its recent key messages (bounded, for the per-member rate limit). */
  recent: number[];
}

/** Earlier calls of one member whose keys are still refused (a restart loop cannot grow this). */
export const MAX_RETIRED_INDICES = 8;

export interface Call {
  roomId: string;
  selfId: string;
  senderIndex: number;
  schedule: SendKeySchedule;
  port: QueuedKeyPort;
  /** Set once `media:keyPort` handed out the port's token: one worker per call. */
  portToken: string | null;
  members: Map<string, CallMember>;
  /** Room chat keys derived from the media keys (ours and each member's). */
  chat: GroupChatKeys;
  /** Our signed frame-origin digests waiting for the page, and the checks on the members'. */
  origin: FrameOriginDigests;
}

/** The member that uses `senderIndex` in its keys to us, if any. */
export function ownerOfIndex(call: Call, senderIndex: number): string | undefined {
  for (const m of call.members.values()) if (m.received?.senderIndex === senderIndex) return m.peerId;
  return undefined;
}
