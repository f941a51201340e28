// Writes <file>.br (brotli quality 11) and <file>.gz (gzip level 9) beside every text or WASM
// file under the given directory. leptos_axum's file handler serves them as they are, so
// phones get the smallest encoding without the server compressing on every request
// (tower-http's on-the-fly brotli uses quality 4: ~30 % more bytes for the WASM).
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const COMPRESSIBLE = new Set(['.wasm', '.js', '.css', '.svg', '.html', '.json', '.txt']);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.has(extname(name))) yield path;
  }
}

const root = process.argv[2];
if (!root) throw new Error('usage: node precompress.mjs <site-dir>');
for (const path of files(root)) {
  const data = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  }));
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
}
