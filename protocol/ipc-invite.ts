// IPC channel of the `invite` domain: the `veil://join` link the OS handed to the app, for the lobby to fill in.
import { z } from 'zod';
import { channel } from './ipc-channel';

/**
 * What an invite link carries once main has checked it: a signaling origin and a room id. It is a suggestion for the
 * lobby only: the server still goes through `app:allowServer` (the user's yes) and nothing joins by itself.
 */
export interface Invite { server: string; room: string }

export const inviteIpc = {
  /** The pending invite, or null; taking it clears it, so one link fills the lobby once. */
  'invite:take': channel<z.ZodTuple<[]>, Invite | null>(z.tuple([]))
};
