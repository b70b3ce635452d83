// The IPC channel names alone (no schemas), so the preload bundle stays tiny; ipc.ts checks it equals the contract.
export const IPC_CHANNEL_NAMES = [
  'app:info', 'app:allowServer', 'app:allowSfu',
  'media:listSources', 'media:chooseSource',
  'media:startCall', 'media:keyPort', 'media:memberJoined', 'media:memberLeft', 'media:syncTrust', 'media:receiveKey', 'media:stopCall',
  'media:sealGroupChat', 'media:openGroupChat', 'media:takeOriginDigests', 'media:checkOrigin',
  'identity:get', 'identity:proveJoin',
  'keys:create', 'keys:get', 'keys:rotate', 'keys:revoke', 'keys:applyRotation', 'keys:applyRevocation',
  'session:open', 'session:close',
  'message:seal', 'message:open',
  'trust:safetyNumber', 'trust:list', 'trust:setVerified', 'trust:acceptChange', 'trust:markDistinct', 'trust:signHeld', 'trust:checkHeld',
  'link:bind', 'link:verify',
  'room:leave',
  'audit:tail', 'stats:get',
  'settings:get', 'settings:set',
  'host:start', 'host:stop', 'host:status', 'host:interfaces',
  'files:connect', 'files:prepare', 'files:pick', 'files:dropped', 'files:offer', 'files:final', 'files:receiveFinal', 'files:receiveOffer', 'files:accept', 'files:decline', 'files:cancel',
  'files:finish', 'files:resume', 'files:get', 'files:list', 'files:save',
  'invite:take'
] as const;
export type IpcChannelName = (typeof IPC_CHANNEL_NAMES)[number];
/** Channels the preload calls itself and does not put on window.veil as they are (the page cannot pass a path it made up). */
export const PRELOAD_ONLY_CHANNELS: readonly IpcChannelName[] = ['files:dropped'];

/** Main → preload event that carries the file-transfer MessagePort (see protocol/file-frames.ts); not an invoke channel. */
export const FILE_PORT_EVENT = 'veil:file-port';
/** What a port token looks like (base64url of 18 random bytes), checked by the preload before it forwards a port. */
export const FILE_PORT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{24}$/;

/** Main → preload event that carries the frame worker's key port (PROTOCOL.md §18b); not an invoke channel. */
export const MEDIA_KEY_PORT_EVENT = 'veil:media-key-port';
/** Key-port tokens look like file-port tokens (base64url of 18 random bytes). */
export const MEDIA_KEY_PORT_TOKEN_PATTERN = FILE_PORT_TOKEN_PATTERN;
