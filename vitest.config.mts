// Test projects: unit (node), dom (React in jsdom), integration (real servers on loopback), e2e (Chromium), electron.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      { test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        plugins: [react()],
        test: { name: 'dom', environment: 'jsdom', include: ['test/dom/**/*.test.{ts,tsx}'], testTimeout: 30_000 }
      },
      {
        test: {
          name: 'integration', environment: 'node', include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false
        }
      },
      {
        test: {
          name: 'e2e', environment: 'node', include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false
        }
      },
      { test: { name: 'electron', environment: 'node', include: ['test/electron/**/*.test.ts'], testTimeout: 120_000 } }
    ]
  }
});
