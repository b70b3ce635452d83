// Chat panel: the encrypted message log (timestamps, delivery per recipient, kept scroll position) and the composer.
import { LIMITS } from '../../../../protocol/limits';
import { memo, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { currentRoom } from '../../app/actions';
import { safeMultilineText, safeText } from '../../lib/safe-text';
import { shownNamesOf } from '../../app/names';
import { clockTime } from '../../lib/clock-time';
import { plainReason } from '../../lib/plain-words';
import { useApp } from '../../store';
import { summarize, type ChatMessage } from '../../store/chat-slice';

const DELIVERY_WORDS = { waiting: 'waiting', sending: 'sending', sent: 'sent', delivered: 'delivered', failed: 'not delivered' } as const;

/** Why a held line waits, in words: our own pending decision, theirs (a notice signed by them), or just no link yet. */
function WaitingWords({ peer, name }: { peer: string; name: string }) {
  const ours = useApp((s) => s.keyChanges.includes(peer));
  const theirs = useApp((s) => peer in s.heldBy);
  if (ours) return <>waiting for you to decide about <bdi>{name}</bdi>'s key</>;
  if (theirs) return <>waiting for <bdi>{name}</bdi> to confirm your new key</>;
  return <>waiting for <bdi>{name}</bdi></>;
}

function DeliveryLine({ m }: { m: ChatMessage }) {
  const names = useApp(shownNamesOf);
  const entries = Object.entries(m.delivery ?? {});
  const overall = summarize(m.delivery);
  if (entries.length === 0) return <div className="delivery muted" data-testid="delivery" data-status="none">no one else here</div>;
  return (
    <div className="delivery" data-testid="delivery" data-status={overall}>
      {entries.map(([key, d]) => (
        <span key={key} className={`dl ${d.state}`} data-testid="delivery-peer" data-peer={names.get(key)?.label ?? key} data-state={d.state}
          title={d.reason ? safeText(d.reason) : d.state === 'waiting' ? 'kept on this computer until a secure connection is up' : d.state}>
          {d.state === 'waiting' ? <WaitingWords peer={key} name={names.get(key)?.label ?? 'left'} />
            : <><bdi>{names.get(key)?.label ?? 'left'}</bdi>: {DELIVERY_WORDS[d.state]}{d.reason ? ` (${plainReason(d.reason)})` : ''}</>}
        </span>
      ))}
    </div>
  );
}


/** A message renders again only when it changes (a delivery update), not when any other line arrives. */
const MessageRow = memo(function MessageRow({ m }: { m: ChatMessage }) {
  if (m.kind === 'notice') {
    return <div className="msg notice" data-testid="chat-notice"><bdi>{safeText(m.text)}</bdi> <time className="msg-time" dateTime={new Date(m.at).toISOString()}>{clockTime(m.at)}</time></div>;
  }
  return (
    <div className={`msg ${m.from === 'me' ? 'mine' : ''} ${m.kind === 'warning' ? 'warning' : ''}`}
      data-testid={m.kind === 'warning' ? 'chat-warning' : 'chat-message'} data-from={m.fromName}>
      {m.kind !== 'warning' && (
        <div className="msg-from">{m.from === 'me' ? 'You' : <bdi>{m.fromName}</bdi>}
          {' '}<time className="msg-time" data-testid="chat-time" dateTime={new Date(m.at).toISOString()}>{clockTime(m.at)}</time>
          {m.arrivedAt !== undefined && <span className="msg-held muted" data-testid="chat-held" data-sent-at={m.at} data-arrived-at={m.arrivedAt}>
            {' '}· sent earlier, arrived {clockTime(m.arrivedAt)} (it waited for a secure connection)</span>}</div>
      )}
      <div className="msg-text" data-testid="chat-text"><bdi>{safeMultilineText(m.text)}</bdi></div>
      {m.detail && <details className="advanced"><summary>Advanced</summary><code><bdi>{safeText(m.detail)}</bdi></code></details>}
      {m.from === 'me' && <DeliveryLine m={m} />}
    </div>
  );
});

/** The chat counts as seen while this panel is mounted and the page is visible (unread badge and title otherwise). */
function useChatSeen(): void {
  const setChatSeen = useApp((s) => s.setChatSeen);
  useEffect(() => {
    const update = () => setChatSeen(document.visibilityState !== 'hidden');
    update();
    document.addEventListener('visibilitychange', update);
    return () => { document.removeEventListener('visibilitychange', update); setChatSeen(false); };
  }, [setChatSeen]);
}

/** Within this many pixels of the end counts as "reading the newest": new messages then scroll into view. */
const AT_END_SLACK_PX = 40;

export function ChatPanel() {
  const messages = useApp((s) => s.messages);
  const [text, setText] = useState('');
  const [pill, setPill] = useState(false);
  const log = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  useChatSeen();
  const scrollToEnd = () => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
    atEnd.current = true;
    setPill(false);
  };
  const last = messages[messages.length - 1];
  // Reading history is not interrupted: a new message only scrolls if we were at the end (or wrote it ourselves).
  useLayoutEffect(() => {
    if (!last) return;
    if (atEnd.current || last.from === 'me') scrollToEnd();
    else setPill(true);
  }, [messages.length, last]);
  const onScroll = () => {
    const el = log.current;
    if (!el) return;
    atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END_SLACK_PX;
    if (atEnd.current) setPill(false);
  };
  const over = text.length - LIMITS.maxChatChars;
  const canSend = text.trim().length > 0 && over <= 0;
  const send = (e?: FormEvent) => {
    e?.preventDefault();
    if (!canSend) return;
    setText('');
    void currentRoom()?.chat.send(text.trim());
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter breaks the line; never while an input method is composing.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) { e.preventDefault(); send(); }
  };
  return (
    <section className="chat" data-testid="chat">
      <div className="chat-log" ref={log} onScroll={onScroll} role="log" aria-live="polite" aria-label="Chat messages" data-testid="chat-log">
        {messages.length === 0 && <p className="muted center">Messages are end-to-end encrypted for each participant.</p>}
        {messages.map((m) => <MessageRow key={m.id} m={m} />)}
      </div>
      {pill && <button className="new-pill" onClick={scrollToEnd} data-testid="chat-new-pill">New messages ↓</button>}
      <form className="composer" onSubmit={send}>
        <textarea data-testid="chat-input" value={text} rows={2} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown}
          placeholder="Encrypted message… (Enter sends, Shift+Enter for a new line)" aria-label="Message"
          aria-invalid={over > 0} aria-describedby="chat-count" />
        <button className="primary" type="submit" data-testid="chat-send" disabled={!canSend}>Send</button>
      </form>
      <div id="chat-count" className={over > 0 ? 'chat-count error' : 'chat-count muted'} data-testid="chat-count" aria-live="polite">
        {over > 0 ? `Too long by ${over.toLocaleString('en-US')} characters (the limit is ${LIMITS.maxChatChars.toLocaleString('en-US')}).`
          : text.length > 0 ? `${text.length.toLocaleString('en-US')} / ${LIMITS.maxChatChars.toLocaleString('en-US')}` : ''}
      </div>
    </section>
  );
}
