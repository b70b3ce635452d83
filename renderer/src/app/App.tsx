// Top-level view: shows which build of Veil is running; the lobby and call views mount here.
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../protocol/ipc-app';

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    window.veil.app.info().then((r) => (r.ok ? setInfo(r.value) : setError(r.error.message)), (e: unknown) => setError(String(e)));
  }, []);
  return (
    <main className="app">
      <h1>Veil</h1>
      {info && <p data-testid="app-info">{info.name} {info.version} on {info.platform}</p>}
      {error && <p role="alert">{error}</p>}
    </main>
  );
}
