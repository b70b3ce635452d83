// The one zustand store, composed from slices; components select what they need.
import { create } from 'zustand';
import { createChatSlice, type ChatSlice } from './chat-slice';
import { createFilesSlice, type FilesSlice } from './files-slice';
import { createMediaSlice, type MediaSlice } from './media-slice';
import { createPeersSlice, type PeersSlice } from './peers-slice';
import { createSecuritySlice, type SecuritySlice } from './security-slice';
import { createSessionSlice, type SessionSlice } from './session-slice';
import { createSfuSlice, type SfuSlice } from './sfu-slice';
import { createTrustSlice, type TrustSlice } from './trust-slice';

export type AppState = SessionSlice & PeersSlice & ChatSlice & MediaSlice & TrustSlice & FilesSlice & SecuritySlice & SfuSlice;

export const createAppStore = () => create<AppState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createPeersSlice(...a),
  ...createChatSlice(...a),
  ...createMediaSlice(...a),
  ...createTrustSlice(...a),
  ...createFilesSlice(...a),
  ...createSecuritySlice(...a),
  ...createSfuSlice(...a)
}));

export const useApp = createAppStore();
export type AppStore = typeof useApp;
