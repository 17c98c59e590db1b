import { defineConfig, type Plugin } from 'vite';

// The app is served by the Go binary (web/web.go) from web/dist. Hashed file
// names under /assets/ are cached for a year; index.html never is. The CSP
// allows only same-origin scripts, so nothing is inlined into index.html.
// The service worker (src/sw.ts) is a second entry at the stable URL
// /sw.js; public/ (manifest, icons) is copied to the root of dist.
export default defineConfig({
  base: '/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  plugins: [precachePlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
    // MapLibre (the lazily loaded map chunk) is about 1 MB minified, 275 kB
    // compressed; every other chunk is far below this.
    chunkSizeWarningLimit: 1100,
    rolldownOptions: {
      input: { index: 'index.html', sw: 'src/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});

/** publicShell are the files of public/ the service worker precaches. */
const publicShell = ['/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-512.png'];

/** publicLazy are lazily loaded chunks a public form needs offline: the EXIF reader. */
const publicLazy = /^assets\/lite\.esm[-.]/;

/** publicMap is the map chunk: cached when a public page first shows a map, not precached (1 MB). */
const publicMap = /^assets\/maplibre[-.]/;

/**
 * precachePlugin writes into sw.js, once the hashed names are known, the
 * URLs it precaches (the shell: "/" for index.html, the entry script with
 * its static imports, the styles but the map's, publicLazy and
 * publicShell), the URLs it may cache on first use (publicMap), and a
 * version. Staff consoles (lazy chunks) are in neither list. A deploy that
 * changes any of them changes sw.js, so browsers install the new worker and
 * drop the old cache.
 */
function precachePlugin(): Plugin {
  return {
    name: 'vikalp-precache',
    apply: 'build',
    enforce: 'post',
    generateBundle(_, bundle) {
      const sw = bundle['sw.js'];
      const index = bundle['index.html'];
      const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry && c.name === 'index');
      if (!sw || sw.type !== 'chunk' || !index || index.type !== 'asset' || !entry) {
        this.error('precache: sw.js, index.html or the index entry missing from the bundle');
        return;
      }
      const shell = new Set<string>();
      const add = (f: string) => {
        const c = bundle[f];
        if (shell.has(f) || !c) return;
        shell.add(f);
        if (c.type === 'chunk') c.imports.forEach(add);
      };
      add(entry.fileName);
      for (const f of Object.keys(bundle)) {
        if ((f.endsWith('.css') && !publicMap.test(f)) || publicLazy.test(f)) add(f);
      }
      const list = ['/', ...publicShell, ...[...shell].sort().map((f) => '/' + f)];
      const runtime = Object.keys(bundle).filter((f) => publicMap.test(f)).sort().map((f) => '/' + f);
      const version = fnv1a(JSON.stringify([list, runtime]) + String(index.source));
      sw.code = sw.code
        .replaceAll('__VIKALP_PRECACHE__', JSON.stringify(list))
        .replaceAll('__VIKALP_RUNTIME__', JSON.stringify(runtime))
        .replaceAll('__VIKALP_VERSION__', JSON.stringify(version));
    },
  };
}

/** fnv1a is a short hex hash of s (a version tag, not a security measure). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
