// Writes a brotli (.br) and a gzip (.gz) copy beside every compressible file under a directory,
// for the server to send whichever the browser accepts (tower-http's ServeDir precompressed).
// Both at their slowest, smallest settings: this runs once per build, not once per request.
// A copy newer than its file is kept; one that would not be smaller is not written.
//   node scripts/precompress.mjs target/site
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const COMPRESSIBLE = new Set(['.wasm', '.js', '.css', '.svg', '.html', '.json', '.ico', '.webmanifest']);

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.has(extname(entry.name))) yield path;
  }
}

const brotli = (bytes, path) => brotliCompressSync(bytes, {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
    [constants.BROTLI_PARAM_MODE]: extname(path) === '.wasm' ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
  },
});
const gzip = (bytes) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });

const root = process.argv[2];
if (!root) {
  console.error('usage: node scripts/precompress.mjs DIR');
  process.exit(2);
}
for (const path of files(root)) {
  const modified = statSync(path).mtimeMs;
  let bytes;
  for (const [suffix, compress] of [['.br', brotli], ['.gz', gzip]]) {
    const copy = path + suffix;
    let copyModified = -1;
    try { copyModified = statSync(copy).mtimeMs; } catch { /* not written yet */ }
    if (copyModified >= modified) continue;
    bytes ??= readFileSync(path);
    const packed = compress(bytes, path);
    if (packed.length < bytes.length) writeFileSync(copy, packed);
    else rmSync(copy, { force: true });
  }
}
