import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * The owner's web app (src/web/, built by `npm run build` into dist/web/), served at /app. Every path under /app that
 * is not a built file answers index.html, so the app's own routes survive a reload.
 */
export function webAppRouter(directory = builtWebAppDirectory()): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    // The app talks only to this gateway and is never framed (clickjacking of the Revoke and Confirm buttons).
    res.set({
      'Content-Security-Policy':
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    next();
  });
  const index = path.join(directory, 'index.html');
  if (!fs.existsSync(index)) {
    router.use((_req, res) => {
      res.status(503).type('text').send('The web app is not built: run `npm run build` (npm start does it).');
    });
    return router;
  }
  router.use(express.static(directory, { index: false, maxAge: '1h' }));
  router.use((req, res, next) =>
    req.method === 'GET' || req.method === 'HEAD'
      ? res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } })
      : next(),
  );
  return router;
}

/** dist/web at the package root, whether this file runs from dist/src/server (npm start) or src/server (tests). */
function builtWebAppDirectory(): string {
  let directory = __dirname;
  while (!fs.existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return path.join(directory, 'dist', 'web');
}
