// CPU time of the call on this machine: every Chromium process this bench started, Janus, and this Node process (server + main).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux
function stat(pid: number): { ppid: number; ticks: number; comm: string } | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = raw.lastIndexOf(')');
    const f = raw.slice(close + 2).split(' ');
    return { comm: raw.slice(raw.indexOf('(') + 1, close), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** CPU milliseconds used so far by the descendants of this process plus `extraPids`. */
export function cpuMs(extraPids: number[]): number {
  const all = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s) all.set(pid, s);
  }
  const mine = new Set<number>([process.pid, ...extraPids]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of all) if (!mine.has(pid) && mine.has(s.ppid)) { mine.add(pid); grew = true; }
  }
  let ticks = 0;
  for (const pid of mine) if (pid !== process.pid) ticks += all.get(pid)?.ticks ?? 0;
  const self = process.cpuUsage();
  return ticks * TICK_MS + (self.user + self.system) / 1000;
}

/** Cores in use on average over `ms` (1.0 = one core fully busy). */
export async function coresOver(ms: number, extraPids: number[]): Promise<number> {
  const a = cpuMs(extraPids);
  const t = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return (cpuMs(extraPids) - a) / (performance.now() - t);
}
