// CPU per thread name across this bench's processes (Chromium's main, worker, WebRTC and compositor threads; Janus's):
// where a call's CPU goes, read from /proc/<pid>/task/<tid>/stat.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

function parse(raw: string): { comm: string; ppid: number; ticks: number } {
  const close = raw.lastIndexOf(')');
  const f = raw.slice(close + 2).split(' ');
  return { comm: raw.slice(raw.indexOf('(') + 1, close), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/** Process ids descended from this process, plus `extra` and theirs. */
function family(extra: number[]): Array<{ pid: number; comm: string }> {
  const all = new Map<number, { ppid: number; comm: string }>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try { const s = parse(readFileSync(`/proc/${pid}/stat`, 'utf8')); all.set(pid, s); } catch { /* gone */ }
  }
  const mine = new Set<number>([process.pid, ...extra]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of all) if (!mine.has(pid) && mine.has(s.ppid)) { mine.add(pid); grew = true; }
  }
  return [...mine].map((pid) => ({ pid, comm: all.get(pid)?.comm ?? '?' }));
}

/** Thread name (numbers folded, so "ThreadPoolForeg" threads add up) → CPU ms so far, per process kind. */
export function threadCpuMs(extra: number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const { pid, comm } of family(extra)) {
    const kind = pid === process.pid ? 'node' : comm;
    let tids: string[] = [];
    try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tids) {
      try {
        const t = parse(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
        const key = `${kind} / ${t.comm.replace(/\d+/g, '#')}`;
        out.set(key, (out.get(key) ?? 0) + t.ticks * TICK_MS);
      } catch { /* gone */ }
    }
  }
  return out;
}

/** Cores per thread name over `ms`, largest first (threads that began or ended inside the window count what they used in it). */
export async function threadCoresOver(ms: number, extra: number[]): Promise<Array<[string, number]>> {
  const a = threadCpuMs(extra);
  const t = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = threadCpuMs(extra);
  const dt = performance.now() - t;
  return [...b].map(([k, v]) => [k, (v - (a.get(k) ?? 0)) / dt] as [string, number]).filter(([, c]) => c > 0.005).sort((x, y) => y[1] - x[1]);
}
