/**
 * Writes the table of voice clips (id, language, kind, text) into docs/voice.md, between the
 * `<!-- clip-table:start -->` and `<!-- clip-table:end -->` marks, from CLIPS: the document
 * never lists a clip the display does not play, nor misses one.
 *
 *   npx tsx display/voice/clip-table.ts           rewrite the table
 *   npx tsx display/voice/clip-table.ts --check   exit 1 if the table is out of date
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIPS, type Clip } from './clips';

export const VOICE_DOC = resolve(import.meta.dirname, '../../docs/voice.md');
const START = '<!-- clip-table:start -->';
const END = '<!-- clip-table:end -->';

const KIND_NAMES: Record<Clip['kind'], string> = {
  chime: 'chime',
  phrase: 'phrase',
  number: 'number word',
  letter: 'letter',
};

/** The Markdown table of every clip, in the order of CLIPS. */
export function clipTable(): string {
  const rows = CLIPS.map((clip) => {
    const text = clip.kind === 'chime' ? '(a two-tone "ding-dong", no speech)' : clip.text;
    return `| \`${clip.id}\` | ${clip.lang} | ${KIND_NAMES[clip.kind]} | ${text.replaceAll('|', '\\|')} |`;
  });
  return ['| clip id (file `<id>.wav`) | lang | kind | says |', '|---|---|---|---|', ...rows].join('\n');
}

export function withClipTable(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${VOICE_DOC} has no ${START} ... ${END} section`);
  return `${doc.slice(0, start + START.length)}\n${clipTable()}\n${doc.slice(end)}`;
}

function main(argv: string[]): void {
  const doc = readFileSync(VOICE_DOC, 'utf8');
  const next = withClipTable(doc);
  if (argv.includes('--check')) {
    if (next !== doc) {
      console.error(`${VOICE_DOC}: the clip table is out of date; run npx tsx display/voice/clip-table.ts`);
      process.exit(1);
    }
    console.log(`${VOICE_DOC}: the clip table lists all ${CLIPS.length} clips`);
    return;
  }
  if (next !== doc) writeFileSync(VOICE_DOC, next);
  console.log(`${VOICE_DOC}: ${CLIPS.length} clips${next === doc ? ' (unchanged)' : ''}`);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && resolve(invokedPath) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
