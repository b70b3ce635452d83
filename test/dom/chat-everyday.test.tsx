// Chat like chat: Enter / Shift+Enter, timestamps, no silent truncation, kept scroll, unread badge and title, notices, notifications.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../protocol/limits';
import { titleFor, watchActivity } from '../../renderer/src/app/activity';
import { ChatPanel } from '../../renderer/src/features/chat/ChatPanel';
import { CallView } from '../../renderer/src/features/call/CallView';
import { savePrefs } from '../../renderer/src/lib/storage';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const BOB = 'B'.repeat(43);
let seq = 0;
const fromBob = (text: string) => ({ id: `m${++seq}`, from: BOB, fromName: 'Bob', text, at: Date.UTC(2026, 0, 1, 9, 5), kind: 'message' as const });

beforeEach(() => {
  localStorage.clear();
  HTMLMediaElement.prototype.play = () => Promise.resolve();
  useApp.setState({ phase: 'call', roomId: 'standup', displayName: 'Ada', peers: {}, messages: [], unread: 0, chatSeen: false, keyChanges: [],
    alerts: [], panel: 'chat', transfers: {}, identity: null });
  installFakeVeil({});
});
afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe('composer', () => {
  it('Enter sends, Shift+Enter keeps writing on a new line', () => {
    render(<ChatPanel />);
    const input = screen.getByTestId('chat-input') as HTMLTextAreaElement;
    expect(input.tagName).toBe('TEXTAREA');
    fireEvent.change(input, { target: { value: 'line one' } });
    expect(fireEvent.keyDown(input, { key: 'Enter', shiftKey: true })).toBe(true); // not prevented: the newline goes in
    expect(input.value).toBe('line one');
    expect(fireEvent.keyDown(input, { key: 'Enter' })).toBe(false); // prevented: sent instead
    expect(input.value).toBe('');
  });

  it('never cuts a long paste: it counts, says how much is too long and blocks Send', () => {
    render(<ChatPanel />);
    const input = screen.getByTestId('chat-input') as HTMLTextAreaElement;
    fireEvent.change(input, { target: { value: 'x'.repeat(5000) } });
    expect(input.value).toHaveLength(5000);
    expect(screen.getByTestId('chat-count').textContent).toBe(`5,000 / ${LIMITS.maxChatChars.toLocaleString('en-US')}`);
    fireEvent.change(input, { target: { value: 'x'.repeat(LIMITS.maxChatChars + 25) } });
    expect(input.value).toHaveLength(LIMITS.maxChatChars + 25);
    expect(input.hasAttribute('maxlength')).toBe(false);
    expect(screen.getByTestId('chat-count').textContent).toMatch(/Too long by 25 characters/);
    expect((screen.getByTestId('chat-send') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(input.value).toHaveLength(LIMITS.maxChatChars + 25);
  });
});

describe('log', () => {
  it('timestamps each message and announces new ones politely', () => {
    useApp.getState().addMessage(fromBob('hi'));
    render(<ChatPanel />);
    const time = screen.getByTestId('chat-time');
    expect(time.getAttribute('datetime')).toBe(new Date(Date.UTC(2026, 0, 1, 9, 5)).toISOString());
    expect(time.textContent).toMatch(/\d{1,2}.\d{2}/);
    const log = screen.getByTestId('chat-log');
    expect(log.getAttribute('role')).toBe('log');
    expect(log.getAttribute('aria-live')).toBe('polite');
  });

  it('keeps the reading position in history and offers a "new messages" pill instead', () => {
    for (let i = 0; i < 30; i++) useApp.getState().addMessage(fromBob(`old ${i}`));
    render(<ChatPanel />);
    const log = screen.getByTestId('chat-log');
    Object.defineProperty(log, 'scrollHeight', { configurable: true, value: 3000 });
    Object.defineProperty(log, 'clientHeight', { configurable: true, value: 400 });
    log.scrollTop = 500;
    fireEvent.scroll(log);
    act(() => useApp.getState().addMessage(fromBob('new one')));
    expect(log.scrollTop).toBe(500);
    fireEvent.click(screen.getByTestId('chat-new-pill'));
    expect(log.scrollTop).toBe(3000);
    expect(screen.queryByTestId('chat-new-pill')).toBeNull();
  });
});

describe('unread', () => {
  it('counts messages that arrive while the chat is not on screen, on the tab and in the window title', () => {
    useApp.setState({ panel: 'files' });
    render(<CallView />);
    act(() => { useApp.getState().addMessage(fromBob('one')); useApp.getState().addMessage(fromBob('two')); });
    expect(screen.getByTestId('chat-unread').textContent).toBe('2');
    expect(document.title).toBe('(2) Veil — standup');
    fireEvent.click(screen.getByTestId('tab-chat'));
    expect(screen.queryByTestId('chat-unread')).toBeNull();
    expect(document.title).toBe('Veil — standup');
    // On screen, nothing is unread; our own lines never are.
    act(() => useApp.getState().addMessage(fromBob('three')));
    expect(useApp.getState().unread).toBe(0);
    expect(titleFor('', 3)).toBe('(3) Veil');
  });

  it('notices in the log say who joined and who left', () => {
    const stop = watchActivity(useApp);
    useApp.getState().upsertPeer(BOB, { displayName: 'Bob', sessionOpen: false });
    expect(useApp.getState().messages).toHaveLength(0);
    useApp.getState().upsertPeer(BOB, { sessionOpen: true });
    useApp.getState().removePeer(BOB);
    stop();
    const notices = useApp.getState().messages.filter((m) => m.kind === 'notice').map((m) => m.text);
    expect(notices).toEqual(['Bob joined', 'Bob left']);
    expect(useApp.getState().unread).toBe(0);
  });

  it('a desktop notification names the sender, never the text, only when enabled and the window is in the background', () => {
    const shown: { title: string; body?: string }[] = [];
    class FakeNotification {
      static permission = 'granted';
      constructor(title: string, opts?: { body?: string }) { shown.push({ title, ...(opts?.body ? { body: opts.body } : {}) }); }
    }
    vi.stubGlobal('Notification', FakeNotification);
    let focused = false;
    const stop = watchActivity(useApp, () => focused);
    useApp.getState().addMessage(fromBob('secret plans'));
    expect(shown).toHaveLength(0); // off by default
    savePrefs({ desktopNotifications: true });
    useApp.getState().addMessage(fromBob('secret plans 2'));
    focused = true;
    useApp.getState().addMessage(fromBob('seen in the window'));
    stop();
    expect(shown).toEqual([{ title: 'Veil: message from Bob', body: 'New end-to-end encrypted message' }]);
  });
});
