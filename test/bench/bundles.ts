import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  /** gzip (level 6, the zlib default) of the JS and CSS a first load fetches. */
  gzipKb: number;
  rawKb: number;
  files: string[];
  /** Chunks loaded later with import(): not in the figure above. */
  lazy: { file: string; gzipKb: number }[];
}

/**
 * What each screen downloads at first load: the entry script, the chunks it imports statically
 * (modulepreload links and `import ... from "./x.js"` inside chunks, followed transitively) and the
 * stylesheets, as named by dist/web/<app>/index.html. Fonts and audio clips are not counted.
 */
export function bundleSizes(webRoot: string, apps: readonly string[]): Record<string, BundleSize> {
  const result: Record<string, BundleSize> = {};
  const gz = (file: string) => gzipSync(readFileSync(join(webRoot, file))).length / 1024;
  for (const app of apps) {
    const html = readFileSync(join(webRoot, app, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    const seen = new Set<string>();
    const lazy = new Set<string>();
    const queue = [...refs];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!file.endsWith('.js')) continue;
      const text = readFileSync(join(webRoot, file), 'utf8');
      const dir = file.slice(0, file.lastIndexOf('/') + 1);
      for (const m of text.matchAll(/(?:import|export)\s*(?:[\w${},*\s]+from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(dir + m[1]!);
      for (const m of text.matchAll(/import\(\s*["']\.\/([^"']+\.js)["']\s*\)/g)) lazy.add(dir + m[1]!);
    }
    const files = [...seen].sort();
    result[app] = {
      gzipKb: Math.round(files.reduce((s, f) => s + gz(f), 0) * 10) / 10,
      rawKb: Math.round((files.reduce((s, f) => s + readFileSync(join(webRoot, f)).length, 0) / 1024) * 10) / 10,
      files,
      lazy: [...lazy].filter((f) => !seen.has(f) && existsSync(join(webRoot, f))).map((file) => ({ file, gzipKb: Math.round(gz(file) * 10) / 10 })),
    };
  }
  return result;
}
