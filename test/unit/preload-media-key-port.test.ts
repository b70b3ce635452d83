// Unit tests for the preload's media-key-port forwarding: exactly one port with a well-formed token reaches the page, as for the file port.
import { describe, expect, it } from 'vitest';
import type { IpcRendererEvent } from 'electron';
import { FILE_PORT_EVENT, MEDIA_KEY_PORT_EVENT } from '../../protocol/ipc-channels';
import { forwardMediaKeyPorts } from '../../preload/media-key-port';

function setup() {
  const listeners = new Map<string, (event: IpcRendererEvent, ...args: unknown[]) => void>();
  const posted: { data: unknown; ports: unknown[] }[] = [];
  forwardMediaKeyPorts((channel, listener) => listeners.set(channel, listener), (data, ports) => posted.push({ data, ports }));
  const emit = (ports: unknown[], ...args: unknown[]) => listeners.get(MEDIA_KEY_PORT_EVENT)!({ ports } as unknown as IpcRendererEvent, ...args);
  return { listeners, posted, emit };
}

describe('preload media-key-port forwarding', () => {
  it('listens only on the media-key-port event, never on the file-port one', () => {
    expect([...setup().listeners.keys()]).toEqual([MEDIA_KEY_PORT_EVENT]);
    expect(MEDIA_KEY_PORT_EVENT).not.toBe(FILE_PORT_EVENT);
  });
  it('forwards one port with its token, under its own data key', () => {
    const { posted, emit } = setup();
    const port = { fake: 'port' };
    emit([port], 'abcdefghijklmnopqrstuvwx');
    expect(posted).toEqual([{ data: { veilMediaKeyPort: 'abcdefghijklmnopqrstuvwx' }, ports: [port] }]);
  });
  it('drops events without exactly one port or with a malformed token', () => {
    const { posted, emit } = setup();
    emit([], 'abcdefghijklmnopqrstuvwx');
    emit([{}, {}], 'abcdefghijklmnopqrstuvwx');
    emit([{}], 'short');
    emit([{}], 'abcdefghijklmnopqrstuv/x');
    emit([{}], { token: 'abcdefghijklmnopqrstuvwx' });
    emit([{}]);
    expect(posted).toEqual([]);
  });
});
