import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.db': 'application/octet-stream',
  '.css': 'text/css',
};

/** A static server on loopback: URL prefix → folder. Only GET of existing files. */
export async function serveStatic(
  routes: Record<string, string>,
): Promise<{ origin: string; close: () => Promise<void> }> {
  const prefixes = Object.keys(routes).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const prefix = prefixes.find((p) => url.pathname.startsWith(p));
    const root = prefix ? routes[prefix] : undefined;
    const relative = prefix ? decodeURIComponent(url.pathname.slice(prefix.length)) : '';
    const file = root ? path.join(root, relative || 'index.html') : '';
    if (
      !root ||
      !file.startsWith(root) ||
      !fs.existsSync(file) ||
      fs.statSync(file).isDirectory()
    ) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
