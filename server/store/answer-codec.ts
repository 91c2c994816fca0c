import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * A command's first answer as the journal keeps it, so that a repeat gets it byte for byte, also
 * after a restart. Small answers (a ticket) are kept as they are; a counter's view with its waiting
 * list can be 50 kB, and a busy counter presses hundreds of times a day, so large answers are
 * compressed (a waiting list compresses about 15:1) and decoded only when a repeat asks for them:
 * a start reads the day's journal without parsing them.
 */
export type StoredAnswer = { answer: unknown } | { answerZ: string };

const COMPRESS_FROM_BYTES = 2_048;

export function encodeAnswer(data: unknown): StoredAnswer {
  const json = JSON.stringify(data ?? null);
  if (json.length < COMPRESS_FROM_BYTES) return { answer: data ?? null };
  // Level 1: a counter's view compresses about as well (19:1 against 19.4:1 at the default) in less time.
  return { answerZ: deflateRawSync(json, { level: 1 }).toString('base64') };
}

export function decodeAnswer(stored: StoredAnswer): unknown {
  if ('answerZ' in stored) return JSON.parse(inflateRawSync(Buffer.from(stored.answerZ, 'base64')).toString('utf8'));
  return stored.answer;
}
