// Renderer entry: installs polyfills, then mounts the React app.
import './polyfills';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/app.css';
import { warmClockTime } from './lib/clock-time';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
warmClockTime();
