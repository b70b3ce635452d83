// "Host on this computer": where the embedded server listens (in plain words), its invite and password, and Stop.
import { useEffect, useState } from 'react';
import type { HostBindMode, HostInterface, HostStatus } from '../../../../protocol/ipc-host';
import { addressReach, buildInviteLink, REACH_WORDS } from '../../lib/invite-link';
import { errorText, unwrap } from '../../lib/veil';
import { CopyButton } from '../common/CopyButton';

export interface HostPanelProps {
  /** The room typed in the lobby (empty until it is a valid name): the invite link names it. */
  roomId: string;
  /** The lobby fills in the address and password for the host's own join. */
  onRunning: (localUrl: string, password: string | null) => void;
}

const CHOICES: { mode: HostBindMode; label: string; explain: string }[] = [
  { mode: 'loopback', label: 'This computer only', explain: 'Nobody else can connect. For trying Veil out, or calls between windows on this computer.' },
  { mode: 'interface', label: 'One network', explain: 'People on that network (your home or office Wi-Fi) can connect. Pick the network you trust.' },
  { mode: 'all', label: 'Every network this computer is on', explain: 'Anyone who can reach this computer can try to connect (they still need the password). Avoid on public Wi-Fi.' }
];

/** The address to put in the invite: one others can reach (a private network first), this computer's own as the last resort. */
export function inviteAddress(urls: readonly string[]): string | null {
  return urls.find((u) => addressReach(u) === 'local-network') ?? urls.find((u) => addressReach(u) === 'internet') ?? urls[0] ?? null;
}

export function HostPanel({ roomId, onRunning }: HostPanelProps) {
  const [host, setHost] = useState<HostStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [bind, setBind] = useState<HostBindMode>('loopback');
  const [interfaces, setInterfaces] = useState<HostInterface[]>([]);
  const [address, setAddress] = useState('');
  const [chosenUrl, setChosenUrl] = useState<string | null>(null);

  // Main owns the server, so a reloaded page finds it still running.
  useEffect(() => {
    void window.veil.host.status().then((r) => {
      if (!r.ok || !r.value.running) return;
      setHost(r.value);
      const local = r.value.urls.find((u) => addressReach(u) === 'this-computer') ?? r.value.urls[0];
      if (local) onRunning(local, r.value.password ?? null);
    }, () => {});
    void window.veil.host.interfaces().then((r) => {
      if (r.ok) { setInterfaces(r.value); setAddress((a) => a || (r.value[0]?.address ?? '')); }
    }, () => {});
  }, []);

  const start = async () => {
    setError(null);
    try {
      const status = await unwrap(window.veil.host.start(bind === 'interface' ? { bind, address } : { bind }));
      setHost(status);
      const local = status.urls.find((u) => addressReach(u) === 'this-computer') ?? status.urls[0];
      if (local) onRunning(local, status.password ?? null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const stop = async () => {
    setError(null);
    try {
      setHost(await unwrap(window.veil.host.stop()));
    } catch (err) {
      setError(errorText(err));
    }
  };

  const running = host?.running === true;
  return (
    <div className="host-row">
      {!running && (
        <fieldset className="host-bind">
          <legend>Host on this computer, reachable from:</legend>
          {CHOICES.map((c) => (
            <label key={c.mode}>
              <input type="radio" name="host-bind" value={c.mode} checked={bind === c.mode} onChange={() => setBind(c.mode)}
                data-testid={`host-bind-${c.mode}`} disabled={c.mode === 'interface' && interfaces.length === 0} />
              <span><strong>{c.label}</strong> <span className="muted">{c.explain}</span></span>
            </label>
          ))}
          {bind === 'interface' && (
            <select aria-label="Network" data-testid="host-interface" value={address} onChange={(e) => setAddress(e.target.value)}>
              {interfaces.map((i) => <option key={i.address} value={i.address}>{i.name} ({i.address})</option>)}
            </select>
          )}
          <button type="button" className="ghost" onClick={() => void start()} data-testid="lobby-host"
            disabled={bind === 'interface' && !address}>Host on this computer</button>
        </fieldset>
      )}
      {running && host && <HostRunning host={host} roomId={roomId} chosenUrl={chosenUrl} onChoose={setChosenUrl} onStop={() => void stop()} />}
      {error && <p className="error" data-testid="host-error">Could not host: {error}</p>}
    </div>
  );
}

interface RunningProps { host: HostStatus; roomId: string; chosenUrl: string | null; onChoose: (url: string) => void; onStop: () => void }

/** One invite (link and password apart, each with its own copy button) and which address suits which network. */
function HostRunning({ host, roomId, chosenUrl, onChoose, onStop }: RunningProps) {
  const url = chosenUrl && host.urls.includes(chosenUrl) ? chosenUrl : inviteAddress(host.urls);
  const link = url && roomId ? buildInviteLink(url, roomId) : null;
  return (
    <div className="host-status" data-testid="host-status">
      <p>Veil is hosting a server on this computer. Send the people you invite the link, and tell them the password
        another way (by phone or in person): whoever has both can join.</p>
      <div className="host-invite-row">
        <span className="muted">Invite link</span>
        {link ? <code data-testid="host-invite-link">{link}</code>
          : <span className="hint" data-testid="host-invite-needs-room">Type a room name above to make the invite link.</span>}
        {link && <CopyButton text={link} label="Copy link" testId="host-copy-link" />}
      </div>
      {host.password && (
        <div className="host-invite-row">
          <span className="muted">Password</span>
          <code data-testid="host-password">{host.password}</code>
          <CopyButton text={host.password} label="Copy password" testId="host-copy-password" />
        </div>
      )}
      <fieldset className="host-urls" data-testid="host-urls">
        <legend>Address in the link</legend>
        {host.urls.map((u) => (
          <label key={u}>
            <input type="radio" name="host-url" checked={u === url} onChange={() => onChoose(u)} data-testid="host-url" value={u} />
            <code>{u}</code> <span className="muted" data-testid="host-url-reach" data-reach={addressReach(u)}>{REACH_WORDS[addressReach(u)]}</span>
          </label>
        ))}
      </fieldset>
      <button type="button" className="small danger" onClick={onStop} data-testid="host-stop">Stop hosting</button>
    </div>
  );
}
