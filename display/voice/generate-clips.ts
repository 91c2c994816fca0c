/**
 * Generates placeholder voice clips: one `<clip id>.wav` per entry of CLIPS.
 *
 *   npx tsx display/voice/generate-clips.ts [outDir] [--force]
 *
 * outDir defaults to display/audio/clips/. Speech comes from espeak-ng (`-v vi` for Vietnamese,
 * `-v en` for English; set ESPEAK_NG to use another binary); it is given words only, never digits
 * (it would read "15" as "mười năm"). The chime is a two-tone sine written by this script.
 * espeak-ng gives the same WAV on every run, and it sounds robotic: human recordings saved under
 * the same file names in their own folder replace these clips as they are.
 *
 * Leading and trailing silence is trimmed to 60 ms, so words played one after another flow.
 * Existing files are kept (so a folder of human recordings is never overwritten by accident);
 * --force regenerates them.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIPS, type Clip } from './clips';

export const DEFAULT_CLIPS_DIR = resolve(import.meta.dirname, '../audio/clips');

const SAMPLE_RATE = 22050; // espeak-ng's own rate, so all clips match

/** A 16-bit mono PCM WAV file holding the given samples (-1..1). */
export function encodeWav(samples: Float32Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    buf.writeInt16LE(Math.round(s * 32767), 44 + i * 2);
  }
  return buf;
}

/** "Ding-dong": E5 then C5, soft attack, exponential decay, a little octave overtone. */
export function chimeSamples(sampleRate = SAMPLE_RATE): Float32Array {
  const notes = [
    { freq: 659.25, start: 0, length: 0.55 },
    { freq: 523.25, start: 0.45, length: 0.9 },
  ];
  const total = Math.ceil(sampleRate * 1.4);
  const out = new Float32Array(total);
  for (const note of notes) {
    const first = Math.floor(note.start * sampleRate);
    const count = Math.floor(note.length * sampleRate);
    for (let i = 0; i < count && first + i < total; i++) {
      const t = i / sampleRate;
      const attack = Math.min(1, t / 0.01);
      const release = Math.min(1, (count - i) / (0.02 * sampleRate));
      const envelope = attack * release * Math.exp(-t * 3.5);
      const wave =
        Math.sin(2 * Math.PI * note.freq * t) + 0.25 * Math.sin(2 * Math.PI * note.freq * 2 * t);
      out[first + i] = (out[first + i] ?? 0) + 0.45 * envelope * wave;
    }
  }
  return out;
}

/** The samples of a 16-bit mono PCM WAV, or null for any other format. */
export function decodeWav(buf: Buffer): { samples: Float32Array; sampleRate: number } | null {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    return null;
  }
  let sampleRate = 0;
  let pcm16Mono = false;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      pcm16Mono = buf.readUInt16LE(body) === 1 && buf.readUInt16LE(body + 2) === 1 && buf.readUInt16LE(body + 14) === 16;
      sampleRate = buf.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (!pcm16Mono) return null;
      // espeak-ng writing to a file may leave the size fields at 0 or too large: clamp to the file.
      const end = size === 0 ? buf.length : Math.min(buf.length, body + size);
      const samples = new Float32Array(Math.floor((end - body) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + i * 2) / 32768;
      return { samples, sampleRate };
    }
    at = body + size + (size % 2);
  }
  return null;
}

/**
 * espeak-ng ends every utterance with ~0.4 s of silence; played word by word that makes a call
 * halting. Keep `keepSeconds` of silence at each end.
 */
export function trimSilence(samples: Float32Array, sampleRate: number, keepSeconds = 0.06): Float32Array {
  const threshold = 0.01;
  let first = samples.findIndex((s) => Math.abs(s) > threshold);
  if (first < 0) return samples;
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last] ?? 0) <= threshold) last--;
  const keep = Math.round(keepSeconds * sampleRate);
  first = Math.max(0, first - keep);
  last = Math.min(samples.length - 1, last + keep);
  return samples.slice(first, last + 1);
}

function speakableText(clip: Clip): string {
  // Letter names are written "e-lờ"; espeak-ng says them best as separate syllables.
  const text = clip.text.replaceAll('-', ' ');
  if (/[0-9]/.test(text)) throw new Error(`Clip ${clip.id} text has digits: ${clip.text}`);
  return text;
}

export interface GenerateResult {
  written: string[];
  kept: string[];
  totalBytes: number;
}

export function generateClips(outDir: string, opts: { force?: boolean } = {}): GenerateResult {
  mkdirSync(outDir, { recursive: true });
  const espeak = process.env.ESPEAK_NG ?? 'espeak-ng';
  const result: GenerateResult = { written: [], kept: [], totalBytes: 0 };
  for (const clip of CLIPS) {
    const file = join(outDir, `${clip.id}.wav`);
    if (!opts.force && existsSync(file)) {
      result.kept.push(clip.id);
    } else {
      if (clip.kind === 'chime') {
        writeFileSync(file, encodeWav(chimeSamples(), SAMPLE_RATE));
      } else {
        const voice = clip.lang === 'vi' ? 'vi' : 'en';
        execFileSync(espeak, ['-v', voice, '-s', '150', '-w', file, speakableText(clip)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        const decoded = decodeWav(readFileSync(file));
        if (decoded === null) throw new Error(`espeak-ng wrote an unexpected WAV format: ${file}`);
        writeFileSync(file, encodeWav(trimSilence(decoded.samples, decoded.sampleRate), decoded.sampleRate));
      }
      result.written.push(clip.id);
    }
    result.totalBytes += statSync(file).size;
  }
  return result;
}

function main(argv: string[]): void {
  const force = argv.includes('--force');
  const dirArg = argv.find((arg) => !arg.startsWith('--'));
  const outDir = dirArg === undefined ? DEFAULT_CLIPS_DIR : resolve(dirArg);
  const { written, kept, totalBytes } = generateClips(outDir, { force });
  console.log(
    `${CLIPS.length} clips in ${outDir}: ${written.length} written, ${kept.length} kept` +
      `${kept.length > 0 && !force ? ' (--force to regenerate)' : ''}; ` +
      `total ${totalBytes} bytes (${(totalBytes / 1024 / 1024).toFixed(2)} MiB)`,
  );
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && resolve(invokedPath) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
