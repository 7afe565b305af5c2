import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The owner's web app, built into dist/web and served by the gateway at /app. Everything is bundled (no CDN), so
 * the app works on a machine without internet access, like the explorer.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  build: {
    outDir: path.join(import.meta.dirname, '..', '..', 'dist', 'web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // react-router marks itself "use client" for React Server Components; this app renders in the browser only.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
