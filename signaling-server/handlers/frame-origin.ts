// Frame-origin relay: one signed digest (§22a) to every other proven member of the sender's room, 4 per second per peer.
import { FRAME_ORIGIN_LIMITS } from '../../protocol/frame-origin';
import type { HandlerMap } from '../context';
import { roomBroadcastHandler } from './room-broadcast';

export const frameOriginHandlers: HandlerMap = {
  'media:origin': roomBroadcastHandler('media:origin', {
    perSecond: FRAME_ORIGIN_LIMITS.relayPerSocketPerSec, keyPrefix: 'fo', metric: 'frameOrigin', what: 'frame-origin digests'
  })
};
