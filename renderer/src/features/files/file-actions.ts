// What the Files views ask of the room's transfer controller; a prop so tests can watch the calls.
import { currentRoom } from '../../app/actions';
import { pickedFromFile } from '../../app/files/controller';

export interface FileActions {
  /** Main's own open dialog; main reads the chosen file from disk. */
  pick(to: string): Promise<void>;
  /** Dropped files: main reads each from disk when Electron gives the preload its path. */
  drop(files: File[], to: string): Promise<void>;
  /** Pasted data with no file behind it: the page reads its bytes. */
  send(files: File[], to: string): Promise<void>;
  accept(id: string): Promise<void>;
  decline(id: string): Promise<void>;
  cancel(id: string): Promise<void>;
  save(id: string): Promise<void>;
}

/** The current room's controller; every call is a no-op outside a call. */
export const roomFileActions: FileActions = {
  pick: async (to) => currentRoom()?.files.pickAndSend(to),
  drop: async (files, to) => {
    const c = currentRoom()?.files;
    for (const f of files) await c?.sendDropped(f, to);
  },
  send: async (files, to) => {
    const c = currentRoom()?.files;
    for (const f of files) await c?.sendFile(pickedFromFile(f), to);
  },
  accept: async (id) => currentRoom()?.files.accept(id),
  decline: async (id) => currentRoom()?.files.decline(id),
  cancel: async (id) => currentRoom()?.files.cancel(id),
  save: async (id) => currentRoom()?.files.save(id)
};
