// Screen sharing grants exactly the source the user picked in the app's picker, once, soon after, to the app's frame.
import { describe, expect, it } from 'vitest';
import { chooseDisplaySource, DisplayChoiceSlot, toSourceInfo } from '../../../main/shell/display-media';

const sources = [{ id: 'screen:0:0', name: 'Entire screen' }, { id: 'window:42:0', name: 'Editor' }];
const ok = { securityOrigin: 'veil://app', frameUrl: 'veil://app/index.html', videoRequested: true, userGesture: true };
const now = 1_000_000;
const chosen = (id: string, expiresAt = now + 5_000) => ({ id, expiresAt });

describe('chooseDisplaySource', () => {
  it('denies when the user chose nothing (no silent primary screen)', () => {
    expect(chooseDisplaySource(ok, sources, null, now)).toBeNull();
  });
  it('grants the chosen window', () => {
    expect(chooseDisplaySource(ok, sources, chosen('window:42:0'), now)).toEqual({ id: 'window:42:0', name: 'Editor' });
  });
  it('denies an expired choice', () => {
    expect(chooseDisplaySource(ok, sources, chosen('window:42:0', now), now)).toBeNull();
  });
  it('denies a wrong frame or origin, no user gesture, or no video', () => {
    const c = chosen('screen:0:0');
    expect(chooseDisplaySource({ ...ok, frameUrl: 'https://evil.example/f' }, sources, c, now)).toBeNull();
    expect(chooseDisplaySource({ ...ok, frameUrl: undefined }, sources, c, now)).toBeNull();
    expect(chooseDisplaySource({ ...ok, securityOrigin: 'https://evil.example' }, sources, c, now)).toBeNull();
    expect(chooseDisplaySource({ ...ok, userGesture: false }, sources, c, now)).toBeNull();
    expect(chooseDisplaySource({ ...ok, videoRequested: false }, sources, c, now)).toBeNull();
  });
  it('denies a choice that is no longer among the sources', () => {
    expect(chooseDisplaySource(ok, sources, chosen('window:7:0'), now)).toBeNull();
  });
});

describe('DisplayChoiceSlot', () => {
  it('is one-shot: a choice is taken once', () => {
    const slot = new DisplayChoiceSlot(10_000);
    slot.set('screen:0:0', now);
    expect(slot.take()).toEqual({ id: 'screen:0:0', expiresAt: now + 10_000 });
    expect(slot.take()).toBeNull();
  });
  it('a new choice replaces the old one', () => {
    const slot = new DisplayChoiceSlot(10_000);
    slot.set('screen:0:0', now);
    slot.set('window:42:0', now + 1);
    expect(slot.take()?.id).toBe('window:42:0');
  });
});

describe('toSourceInfo', () => {
  it('bounds the list, the names and the thumbnails', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      id: `window:${i}:0`, name: 'n'.repeat(500), thumbnail: { toDataURL: () => (i === 0 ? 'data:image/png;base64,' + 'A'.repeat(400_000) : 'data:image/png;base64,AAAA') }
    }));
    const info = toSourceInfo(many);
    expect(info.length).toBe(32);
    expect(info[0]!.thumbnail).toBe('');
    expect(info[1]!.thumbnail).toBe('data:image/png;base64,AAAA');
    expect(info[1]!.name.length).toBe(200);
    expect(info[1]!.kind).toBe('window');
  });
  it('drops ids that are not screen or window ids and thumbnails that are not PNG data URLs', () => {
    const info = toSourceInfo([
      { id: 'bogus', name: 'x', thumbnail: { toDataURL: () => '' } },
      { id: 'screen:1:0', name: 'Screen 2', thumbnail: { toDataURL: () => 'javascript:alert(1)' } }
    ]);
    expect(info).toEqual([{ id: 'screen:1:0', kind: 'screen', name: 'Screen 2', thumbnail: '' }]);
  });
});

describe('DisplayPicker (media:listSources / media:chooseSource)', () => {
  it('accepts only an id from the last listing, and arms the slot once', async () => {
    const { DisplayPicker } = await import('../../../main/shell/display-picker');
    const picker = new DisplayPicker(async () => sources, () => now);
    await expect(Promise.resolve().then(() => picker.choose('screen:0:0'))).rejects.toMatchObject({ code: 'not-found' });
    expect((await picker.list()).map((s) => s.id)).toEqual(['screen:0:0', 'window:42:0']);
    expect(() => picker.choose('window:9:0')).toThrow(/not in the list/);
    picker.choose('window:42:0');
    expect(picker.slot.take()).toEqual({ id: 'window:42:0', expiresAt: now + 10_000 });
  });
  it('without a capturer, listing fails with bad-state', async () => {
    const { DisplayPicker } = await import('../../../main/shell/display-picker');
    await expect(new DisplayPicker(undefined, () => now).list()).rejects.toMatchObject({ code: 'bad-state' });
  });
});

describe('installDisplayMediaHandler', () => {
  type Handler = (req: Record<string, unknown>, cb: (streams: Record<string, unknown>) => void) => void;
  const setup = async () => {
    const { installDisplayMediaHandler } = await import('../../../main/shell/install');
    let handler: Handler | null = null;
    let options: unknown;
    const session = { setDisplayMediaRequestHandler: (h: Handler, o: unknown) => { handler = h; options = o; } };
    const slot = new DisplayChoiceSlot(10_000);
    installDisplayMediaHandler(session as never, { getSources: async () => sources as never }, slot, () => now);
    const ask = (req: Record<string, unknown>) => new Promise<Record<string, unknown>>((resolve) => handler!(req, resolve));
    return { ask, slot, options };
  };
  const request = { securityOrigin: 'veil://app', frame: { url: 'veil://app/index.html' }, videoRequested: true, userGesture: true };
  it('grants the picked window once, then denies the next request', async () => {
    const { ask, slot, options } = await setup();
    expect(options).toEqual({ useSystemPicker: false });
    slot.set('window:42:0', now);
    expect(await ask(request)).toEqual({ video: { id: 'window:42:0', name: 'Editor' } });
    expect(await ask(request)).toEqual({});
  });
  it('denies a subframe even with a pick, and consumes the pick', async () => {
    const { ask, slot } = await setup();
    slot.set('screen:0:0', now);
    expect(await ask({ ...request, frame: { url: 'https://evil.example/' } })).toEqual({});
    expect(slot.take()).toBeNull();
  });
});
