import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context, Middleware } from 'koa';

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
 * Inline styles are needed by Vue's style bindings and xterm; scripts come only from the panel,
 * plus the page's import map (an inline script, allowed by its hash). `data:` images carry the
 * 2FA QR code the API sends.
 */
function contentSecurityPolicy(inlineScriptHashes: string[]): string {
  const scripts = ["'self'", ...inlineScriptHashes.map((h) => `'sha256-${h}'`)].join(' ');
  return `default-src 'self'; script-src ${scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Conductor</title></head><body>
<h1>The panel UI is not built</h1><p>Run <code>npm run build:ui</code> (or <code>npm start</code>, which builds it when it is missing) and reload.</p>
<p>The API answers under <code>/api</code>; its description is at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`;

export async function fileAt(file: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

/** The file a URL path names inside `base`, or null when it is malformed or points outside. */
export function fileInside(base: string, urlPath: string): string | null {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  const file = path.resolve(base, `.${path.posix.normalize(`/${relative}`)}`);
  return file === base || file.startsWith(base + path.sep) ? file : null;
}

/** Answers with a file that exists, as the type its extension says; false when it does not exist. */
export async function sendFile(ctx: Context, file: string, cacheControl: string): Promise<boolean> {
  const found = await fileAt(file);
  if (!found) return false;
  ctx.type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  ctx.length = found.size;
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  // Koa leaves the body out of a HEAD answer (and closes the stream); a null body would be a 204.
  ctx.body = createReadStream(file);
  return true;
}

/** index.html with the CSP that allows its inline import map; read again only when the file changes. */
function indexPage(file: string): () => Promise<{ html: string; csp: string } | null> {
  let cached: { mtimeMs: number; size: number; html: string; csp: string } | null = null;
  return async () => {
    const found = await fileAt(file);
    if (!found) return null;
    if (cached?.mtimeMs !== found.mtimeMs || cached.size !== found.size) {
      const html = await readFile(file, 'utf8');
      const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map((m) =>
        createHash('sha256').update(m[1]!).digest('base64'),
      );
      cached = { mtimeMs: found.mtimeMs, size: found.size, html, csp: contentSecurityPolicy(hashes) };
    }
    return { html: cached.html, csp: cached.csp };
  };
}

/**
 * Serves a built single-page app: its files as they are, and index.html for every other GET so
 * deep links (/servers/abc) load the app, which then routes in the browser.
 */
export function serveSpa(root: string): Middleware {
  const base = path.resolve(root);
  const index = indexPage(path.join(base, 'index.html'));
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || NOT_UI.test(ctx.path)) return next();
    const file = fileInside(base, ctx.path);
    // Never outside the build folder, whatever the path says.
    if (!file) return next();
    const ext = path.extname(file);
    // Vite puts a content hash in every name under assets/, so those never change.
    if (ext && (await sendFile(ctx, file, ctx.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'))) return;
    // A missing file with an extension (an old asset, a typo) is a 404, not the app.
    if (ext && ext !== '.html') return next();
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.type = TYPES['.html']!;
    const app = await index();
    ctx.set('Content-Security-Policy', app?.csp ?? contentSecurityPolicy([]));
    if (!app) ctx.status = 503;
    ctx.body = app?.html ?? NOT_BUILT;
  };
}
