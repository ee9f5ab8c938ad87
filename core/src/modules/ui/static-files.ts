import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Paths the UI never answers: the API keeps its JSON 404s, socket.io its own handler. */
const NOT_UI = /^\/(api|socket\.io)(\/|$)|^\/(healthz|readyz)$/;

/**
 * Inline styles are needed by Vue's style bindings and xterm; scripts come only from the panel.
 * `data:` images carry the 2FA QR code the API sends.
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Conductor</title></head><body>
<h1>The panel UI is not built</h1><p>Run <code>npm run build -w panel-ui</code> (or <code>npm start</code>, which builds it when it is missing) and reload.</p>
<p>The API answers under <code>/api</code>; its description is at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`;

async function fileAt(file: string): Promise<{ size: number; mtime: Date } | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

/**
 * Serves a built single-page app: its files as they are, and index.html for every other GET so
 * deep links (/servers/abc) load the app, which then routes in the browser.
 */
export function serveSpa(root: string): Middleware {
  const base = path.resolve(root);
  const index = path.join(base, 'index.html');
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || NOT_UI.test(ctx.path)) return next();
    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    const file = path.resolve(base, `.${path.posix.normalize(relative)}`);
    // Never outside the build folder, whatever the path says.
    if (file !== base && !file.startsWith(base + path.sep)) return next();
    const ext = path.extname(file);
    const found = ext ? await fileAt(file) : null;
    if (found) {
      ctx.type = TYPES[ext] ?? 'application/octet-stream';
      ctx.length = found.size;
      // Vite puts a content hash in every name under assets/, so those never change.
      ctx.set('Cache-Control', relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
      return;
    }
    // A missing file with an extension (an old asset, a typo) is a 404, not the app.
    if (ext && ext !== '.html') return next();
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.type = TYPES['.html']!;
    const app = await fileAt(index);
    if (!app) {
      ctx.status = 503;
      ctx.body = NOT_BUILT;
      return;
    }
    ctx.length = app.size;
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(index);
  };
}
