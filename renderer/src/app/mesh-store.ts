// Connects the call mesh to the store: the mesh reads the room through a view and reports through events; this file writes them.
import { isolate } from '../lib/shown-names';
import type { Mesh, MeshView } from '../rtc/mesh';
import type { AppStore } from '../store';

export function meshView(store: AppStore): MeshView {
  return { peers: () => store.getState().peers, keyChanges: () => store.getState().keyChanges };
}

/** Subscribes the store to the mesh's events; the returned function unsubscribes. */
export function bindMeshToStore(mesh: Mesh, store: AppStore): () => void {
  const s = () => store.getState();
  const alert = (identityKey: string, reason: string) => {
    const name = s().peers[identityKey]?.displayName;
    if (name !== undefined) s().pushAlert(`${isolate(name)}: ${reason}`);
  };
  const off = [
    mesh.events.on('peer-changed', (identityKey, patch) => s().upsertPeer(identityKey, patch)),
    mesh.events.on('link-refused', (identityKey, reason) => {
      s().countRefusal(reason);
      s().upsertPeer(identityKey, { conn: 'refused', reason, stream: undefined, dtlsLive: false });
      alert(identityKey, reason);
    }),
    mesh.events.on('signal-refused', (identityKey, reason) => { if (s().countRefusal(reason)) alert(identityKey, reason); }),
    mesh.events.on('peer-gone', (identityKey) => s().removePeer(identityKey))
  ];
  return () => { for (const f of off) f(); };
}
