// A page's main-thread CPU profile over CDP, written in the Chrome DevTools format (open it in DevTools' Performance panel).
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** Starts sampling the page's main thread every 200 µs; `stop` writes the profile to `path` and returns the path. */
export async function startProfile(page: Page): Promise<{ stop(path: string): Promise<string> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop(path) {
      const { profile } = await cdp.send('Profiler.stop');
      await cdp.detach();
      writeFileSync(path, JSON.stringify(profile));
      return path;
    }
  };
}
