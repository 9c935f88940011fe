// staticServer: a plain static file server for the browser tests of the
// map on static hosting (Node's http, GET and HEAD, single byte ranges as
// PMTiles readers ask for them; no beibeimap anywhere). Each request's
// Range header is recorded in server.ranges.

import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.pmtiles': 'application/octet-stream',
};

// staticServer serves the files of dir on 127.0.0.1 at a free port.
// files maps extra URL paths to files elsewhere (e.g. the archive).
export function staticServer(dir, files = {}) {
  const ranges = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const path = files['/' + name] ?? join(dir, name);
    let size;
    try {
      if (name.includes('..')) throw new Error('outside');
      size = statSync(path).size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    const headers = { 'Content-Type': types[extname(name)] ?? 'application/octet-stream', 'Accept-Ranges': 'bytes' };
    if (req.headers.range) ranges.push(`${name} ${req.headers.range}`);
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (m) {
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
      if (start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
    headers['Content-Length'] = end - start + 1;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(path, { start, end }).pipe(res);
  });
  server.ranges = ranges;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
