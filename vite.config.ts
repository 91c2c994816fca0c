import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { resolve } from 'node:path';

// One Vite build, four pages. The hub serves dist/web/<app>/ at /<app>/; the phone's "follow your
// turn" page is display/follow.html, served at /display/follow.html?ticket=<ticketId>.
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: '/',
  plugins: [preact()],
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        kiosk: resolve(import.meta.dirname, 'kiosk/index.html'),
        display: resolve(import.meta.dirname, 'display/index.html'),
        counter: resolve(import.meta.dirname, 'counter/index.html'),
        follow: resolve(import.meta.dirname, 'display/follow.html'),
        lookup: resolve(import.meta.dirname, 'display/lookup.html'),
        book: resolve(import.meta.dirname, 'display/book.html'),
        procedures: resolve(import.meta.dirname, 'display/procedures.html'),
        // The citizens' portal of the province, served by the province server.
        portal: resolve(import.meta.dirname, 'display/portal.html'),
        rate: resolve(import.meta.dirname, 'counter/rate/index.html'),
        // The province supervisor's page, served by the province server at /province/.
        province: resolve(import.meta.dirname, 'counter/province/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/socket.io': { target: 'http://localhost:3000', ws: true },
      '/api': 'http://localhost:3000',
    },
  },
});
