import { defineConfig } from 'vite';

// The app is served by the Go binary (web/web.go) from web/dist. Hashed file
// names under /assets/ are cached for a year; index.html never is. The CSP
// allows only same-origin scripts, so nothing is inlined into index.html.
export default defineConfig({
  base: '/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
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
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
