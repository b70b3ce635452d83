// Room chat relay: one sealed, signed message to every other proven member of the sender's room, 10 per second per peer.
import { GROUP_CHAT_LIMITS } from '../../protocol/group-chat';
import type { HandlerMap } from '../context';
import { roomBroadcastHandler } from './room-broadcast';

export const groupChatHandlers: HandlerMap = {
  'chat:group': roomBroadcastHandler('chat:group', {
    perSecond: GROUP_CHAT_LIMITS.relayPerSocketPerSec, keyPrefix: 'gc', metric: 'groupChat', what: 'room messages'
  })
};
