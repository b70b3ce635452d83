// Chat panel: the encrypted message log with per-recipient delivery status, and the composer.
import { LIMITS } from '../../../../protocol/limits';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { currentRoom } from '../../app/actions';
import { safeMultilineText, safeText } from '../../lib/safe-text';
import { shownNamesOf } from '../../app/names';
import { useApp } from '../../store';
import { summarize, type ChatMessage } from '../../store/chat-slice';

function DeliveryLine({ m }: { m: ChatMessage }) {
  const names = useApp(shownNamesOf);
  const entries = Object.entries(m.delivery ?? {});
  const overall = summarize(m.delivery);
  if (entries.length === 0) return <div className="delivery muted" data-testid="delivery" data-status="none">no one else here</div>;
  return (
    <div className="delivery" data-testid="delivery" data-status={overall}>
      {entries.map(([key, d]) => (
        <span key={key} className={`dl ${d.state}`} data-testid="delivery-peer" data-peer={names.get(key)?.label ?? key} data-state={d.state}
          title={d.reason ?? d.state}>
          <bdi>{names.get(key)?.label ?? 'left'}</bdi>: {d.state}{d.reason ? ` (${safeText(d.reason)})` : ''}
        </span>
      ))}
    </div>
  );
}

export function ChatPanel() {
  const messages = useApp((s) => s.messages);
  const [text, setText] = useState('');
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => { end.current?.scrollIntoView?.({ block: 'end' }); }, [messages.length]);
  const send = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t) return;
    setText('');
    void currentRoom()?.chat.send(t);
  };
  return (
    <section className="chat" data-testid="chat">
      <div className="chat-log">
        {messages.length === 0 && <p className="muted center">Messages are end-to-end encrypted for each participant.</p>}
        {messages.map((m) => (
          <div key={m.id} className={`msg ${m.from === 'me' ? 'mine' : ''} ${m.kind === 'warning' ? 'warning' : ''}`}
            data-testid={m.kind === 'warning' ? 'chat-warning' : 'chat-message'} data-from={m.fromName}>
            {m.kind !== 'warning' && <div className="msg-from">{m.from === 'me' ? 'You' : <bdi>{m.fromName}</bdi>}</div>}
            <div className="msg-text" data-testid="chat-text"><bdi>{safeMultilineText(m.text)}</bdi></div>
            {m.from === 'me' && <DeliveryLine m={m} />}
          </div>
        ))}
        <div ref={end} />
      </div>
      <form className="composer" onSubmit={send}>
        <input data-testid="chat-input" value={text} onChange={(e) => setText(e.target.value)} placeholder="Encrypted message…" maxLength={LIMITS.maxChatChars} />
        <button className="primary" type="submit" data-testid="chat-send" disabled={!text.trim()}>Send</button>
      </form>
    </section>
  );
}
