// The IPC handler map: one entry per contract channel, each a thin call into a main-process service.
import type { IpcHandlerMap } from './dispatcher';
import type { MainServices } from '../services';
import { hostInterfaces } from '../hosting';

export function buildIpcHandlers(services: MainServices): IpcHandlerMap {
  const e = services.e2ee;
  const f = services.files;
  return {
    'app:info': () => services.appInfo,
    'app:allowServer': (...[url]) => services.servers.allow(url),
    'app:allowSfu': (...[server, sfu]) => services.servers.allowSfu(server, sfu),
    'invite:take': () => services.invites.take(),
    'media:listSources': () => services.display.list(),
    'media:chooseSource': (...[id]) => services.display.choose(id),
    'media:startCall': (...[roomId, selfId]) => services.mediaKeys.startCall(roomId, selfId),
    'media:keyPort': () => services.mediaKeys.keyPort(),
    'media:memberJoined': (...[roomId, peerId, identityKey]) => services.mediaKeys.memberJoined(roomId, peerId, identityKey),
    'media:memberLeft': (...[roomId, peerId]) => services.mediaKeys.memberLeft(roomId, peerId),
    'media:syncTrust': (...[roomId]) => services.mediaKeys.syncTrust(roomId),
    'media:receiveKey': (...[roomId, from, blob]) => services.mediaKeys.receiveKey(roomId, from, blob),
    'media:sealGroupChat': (...[roomId, plaintext]) => services.mediaKeys.sealGroupChat(roomId, plaintext),
    'media:openGroupChat': (...[roomId, from, blob]) => services.mediaKeys.openGroupChat(roomId, from, blob),
    'media:takeOriginDigests': (...[roomId]) => services.mediaKeys.takeOriginDigests(roomId),
    'media:checkOrigin': (...[roomId, from, blob]) => services.mediaKeys.checkOrigin(roomId, from, blob),
    'media:stopCall': (...[roomId]) => services.mediaKeys.stopCall(roomId),
    'host:start': (...[options]) => services.host.start(options),
    'host:interfaces': () => hostInterfaces(),
    'host:stop': () => services.host.stop(),
    'host:status': () => services.host.status(),
    'identity:get': () => e.identityInfo(),
    'identity:proveJoin': (...[challenge, roomId, origin, keyId]) => e.proveJoin(challenge, roomId, origin, keyId),
    'keys:create': (...[roomId]) => e.createKeys(roomId),
    'keys:get': (...[roomId]) => e.getKeys(roomId),
    'keys:rotate': (...[roomId]) => e.rotate(roomId),
    'keys:revoke': (...[roomId]) => e.revoke(roomId),
    'keys:applyRotation': (...[notice]) => e.applyRotation(notice),
    'keys:applyRevocation': (...[notice]) => e.applyRevocation(notice),
    'session:open': (...[bundle, displayName]) => e.openSession(bundle, displayName),
    'session:close': (...[roomId, identityKey]) => {
      e.closeSession(roomId, identityKey);
      return null;
    },
    'message:seal': (...[roomId, identityKey, plaintext]) => e.sealMessage(roomId, identityKey, plaintext),
    'message:open': (...[roomId, identityKey, envelope]) => e.openMessage(roomId, identityKey, envelope),
    'trust:safetyNumber': (...[identityKey]) => e.safetyNumber(identityKey),
    'trust:list': () => e.listContacts(),
    'trust:setVerified': (...[identityKey, verified]) => e.setVerified(identityKey, verified),
    'trust:acceptChange': (...[identityKey]) => e.acceptChange(identityKey),
    'trust:markDistinct': (...[identityKey]) => e.markDistinct(identityKey),
    'trust:signHeld': (...[roomId, subject]) => e.signHeldNotice(roomId, subject),
    'trust:checkHeld': (...[roomId, signer, notice]) => e.checkHeldNotice(roomId, signer, notice),
    'link:bind': (...[roomId, peerIdentityKey, role, localFp, remoteFp, digest]) => e.linkBind(roomId, peerIdentityKey, role, localFp, remoteFp, digest),
    'link:verify': (...[roomId, peerIdentityKey, binding, remoteFp, localFp, digest]) =>
      e.linkVerify(roomId, peerIdentityKey, binding, remoteFp, localFp, digest),
    'room:leave': (...[roomId]) => {
      services.leaveRoom(roomId);
      return null;
    },
    'audit:tail': (...[n]) => services.audit.tail(n),
    'stats:get': () => e.stats(),
    'settings:get': () => e.settings,
    'settings:set': (...[patch]) => services.updateSettings(patch),
    'files:connect': () => f.connect(),
    'files:prepare': (...[roomId, meta]) => f.prepare(roomId, meta),
    'files:pick': (...[roomId]) => f.pick(roomId),
    'files:dropped': (...[roomId, filePath]) => f.dropped(roomId, filePath),
    'files:offer': (...[prepareId, recipients]) => f.offer(prepareId, recipients),
    'files:final': (...[id]) => f.final(id),
    'files:receiveFinal': (...[id, final]) => f.receiveFinal(id, final),
    'files:receiveOffer': (...[roomId, senderIdentityKey, offer]) => f.receiveOffer(roomId, senderIdentityKey, offer),
    'files:accept': (...[id]) => f.accept(id),
    'files:decline': (...[id]) => f.decline(id),
    'files:cancel': (...[id]) => f.cancel(id),
    'files:finish': (...[id]) => f.finish(id),
    'files:resume': (...[id, fromIndex]) => f.resume(id, fromIndex),
    'files:get': (...[id]) => f.get(id),
    'files:list': () => f.list(),
    'files:save': (...[id]) => f.save(id)
  };
}
