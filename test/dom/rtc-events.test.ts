// The rtc/ emitter: listeners run at once, in subscription order, with the typed arguments; unsubscribing stops delivery.
import { describe, expect, it } from 'vitest';
import { Emitter } from '../../renderer/src/rtc/events';

interface Events { changed: [key: string, n: number]; gone: [key: string] }

describe('rtc Emitter', () => {
  it('delivers synchronously and in order, only to listeners of that event', () => {
    const e = new Emitter<Events>();
    const seen: string[] = [];
    e.on('changed', (k, n) => seen.push(`a:${k}:${n}`));
    e.on('changed', (k, n) => seen.push(`b:${k}:${n}`));
    e.on('gone', (k) => seen.push(`gone:${k}`));
    e.emit('changed', 'K', 1);
    expect(seen).toEqual(['a:K:1', 'b:K:1']);
    e.emit('gone', 'K');
    expect(seen).toEqual(['a:K:1', 'b:K:1', 'gone:K']);
  });
  it('stops delivering after unsubscribe, even when a listener unsubscribes during an emit', () => {
    const e = new Emitter<Events>();
    const seen: string[] = [];
    const offA = e.on('gone', (k) => { seen.push(`a:${k}`); offA(); });
    e.on('gone', (k) => seen.push(`b:${k}`));
    e.emit('gone', 'x');
    e.emit('gone', 'y');
    expect(seen).toEqual(['a:x', 'b:x', 'b:y']);
  });
});
