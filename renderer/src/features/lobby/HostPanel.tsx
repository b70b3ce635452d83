// "Host on this computer": where the embedded server listens (in plain words), its invite and password, and Stop.
import { useEffect, useState } from 'react';
import type { HostBindMode, HostInterface, HostStatus } from '../../../../protocol/ipc-host';
import { errorText, unwrap } from '../../lib/veil';

export interface HostPanelProps {
  /** The lobby fills in the address and password for the host's own join. */
  onRunning: (localUrl: string, password: string | null) => void;
}

const CHOICES: { mode: HostBindMode; label: string; explain: string }[] = [
  { mode: 'loopback', label: 'This computer only', explain: 'Nobody else can connect. For trying Veil out, or calls between windows on this computer.' },
  { mode: 'interface', label: 'One network', explain: 'People on that network (your home or office Wi-Fi) can connect. Pick the network you trust.' },
  { mode: 'all', label: 'Every network this computer is on', explain: 'Anyone who can reach this computer can try to connect (they still need the password). Avoid on public Wi-Fi.' }
];

export function HostPanel({ onRunning }: HostPanelProps) {
  const [host, setHost] = useState<HostStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [bind, setBind] = useState<HostBindMode>('loopback');
  const [interfaces, setInterfaces] = useState<HostInterface[]>([]);
  const [address, setAddress] = useState('');

  // Main owns the server, so a reloaded page finds it still running.
  useEffect(() => {
    void window.veil.host.status().then((r) => { if (r.ok && r.value.running) setHost(r.value); }, () => {});
    void window.veil.host.interfaces().then((r) => {
      if (r.ok) { setInterfaces(r.value); setAddress((a) => a || (r.value[0]?.address ?? '')); }
    }, () => {});
  }, []);

  const start = async () => {
    setError(null);
    try {
      const status = await unwrap(window.veil.host.start(bind === 'interface' ? { bind, address } : { bind }));
      setHost(status);
      const local = status.urls.find((u) => u.startsWith('http://127.0.0.1:')) ?? status.urls[0];
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
      {running && host && (
        <div className="host-status" data-testid="host-status">
          <p>Hosting on <code>{host.address}</code>. Send this to the people you invite:</p>
          <p className="host-invite" data-testid="host-invite"><code>{host.invite}</code></p>
          <ul className="host-urls" data-testid="host-urls">
            {host.urls.map((u) => <li key={u}><code>{u}</code></li>)}
          </ul>
          <button type="button" className="small danger" onClick={() => void stop()} data-testid="host-stop">Stop hosting</button>
        </div>
      )}
      {error && <p className="error" data-testid="host-error">Could not host: {error}</p>}
    </div>
  );
}
