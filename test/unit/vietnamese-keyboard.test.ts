import { describe, expect, it } from 'vitest';
import {
  applyTone,
  deleteBackward,
  stripTones,
  toneOf,
  tonePosition,
  typeCharacter,
  withoutTone,
  type Tone,
  type ToneStyle,
} from '../../server/ui/vietnamese-input';
import { parseScannedLookup, ScanDetector } from '../../server/ui/scan-input';

/** Types a word letter by letter on the on-screen keyboard, then presses a tone key. */
function typed(word: string, tone: Tone | null = null, style: ToneStyle = 'classic'): string {
  let text = '';
  for (const ch of word) text = typeCharacter(text, ch, style);
  return tone ? applyTone(text, tone, style) : text;
}

describe('tone keys', () => {
  it.each([
    ['mua', 'sac', 'múa'],
    ['ma', 'huyen', 'mà'],
    ['ma', 'hoi', 'mả'],
    ['ma', 'nga', 'mã'],
    ['ma', 'nang', 'mạ'],
    ['tai', 'huyen', 'tài'],
    ['lua', 'sac', 'lúa'],
    ['tui', 'sac', 'túi'],
    ['may', 'sac', 'máy'],
    ['sau', 'sac', 'sáu'],
    ['kia', 'huyen', 'kìa'],
    ['hoang', 'huyen', 'hoàng'],
    ['toan', 'sac', 'toán'],
    ['tuyt', 'sac', 'tuýt'],
    ['ngoai', 'huyen', 'ngoài'],
    ['khuyu', 'hoi', 'khuỷu'],
    ['qua', 'sac', 'quá'],
    ['quy', 'sac', 'quý'],
    ['gia', 'huyen', 'già'],
    ['gi', 'huyen', 'gì'],
    ['gin', 'huyen', 'gìn'],
    ['y', 'sac', 'ý'],
  ] as const)('%s + %s = %s', (word, tone, expected) => {
    expect(typed(word, tone)).toBe(expected);
  });

  it('puts the tone on the letter with a shape mark (ă â ê ô ơ ư)', () => {
    expect(typed('ngươi', 'huyen')).toBe('người');
    expect(typed('đươc', 'nang')).toBe('được');
    expect(typed('tiêng', 'sac')).toBe('tiếng');
    expect(typed('nguyên', 'nga')).toBe('nguyễn');
    expect(typed('thuơ', 'hoi')).toBe('thuở');
    expect(typed('cưa', 'hoi')).toBe('cửa');
    expect(typed('quôc', 'sac')).toBe('quốc');
    expect(typed('giưa', 'nga')).toBe('giữa');
    expect(typed('tuân', 'sac')).toBe('tuấn');
    expect(typed('ngoăn', 'huyen')).toBe('ngoằn');
    expect(typed('hương', 'hoi')).toBe('hưởng');
  });

  it('follows the classic style by default and the modern one when asked', () => {
    expect(typed('hoa', 'sac')).toBe('hóa');
    expect(typed('thuy', 'hoi')).toBe('thủy');
    expect(typed('khoe', 'hoi')).toBe('khỏe');
    expect(typed('hoa', 'sac', 'modern')).toBe('hoá');
    expect(typed('thuy', 'hoi', 'modern')).toBe('thuỷ');
    expect(typed('khoe', 'hoi', 'modern')).toBe('khoẻ');
    // With a final consonant both styles agree.
    expect(typed('hoan', 'sac', 'modern')).toBe('hoán');
  });

  it('keeps capitals', () => {
    expect(typed('HOANG', 'huyen')).toBe('HOÀNG');
    expect(typed('Nguyên', 'nga')).toBe('Nguyễn');
    expect(typed('ĐƯƠNG', 'huyen')).toBe('ĐƯỜNG');
  });

  it('the same tone again takes it off; another tone replaces it', () => {
    expect(applyTone('má', 'sac')).toBe('ma');
    expect(applyTone('má', 'huyen')).toBe('mà');
    expect(applyTone('người', 'nga')).toBe('ngưỡi');
    expect(applyTone('người', 'huyen')).toBe('ngươi');
  });

  it('acts on the last word only and leaves words without a vowel, digits and punctuation alone', () => {
    expect(applyTone('Nguyen Van an', 'sac')).toBe('Nguyen Van án');
    expect(applyTone('Trần Văn ', 'sac')).toBe('Trần Văn ');
    expect(applyTone('H29', 'sac')).toBe('H29');
    expect(applyTone('đ', 'sac')).toBe('đ');
    expect(applyTone('', 'nang')).toBe('');
    expect(applyTone('bưu-', 'sac')).toBe('bưu-');
  });

  it('moves the tone when letters are added or deleted after it', () => {
    let text = typed('hoa', 'sac');
    expect(text).toBe('hóa');
    text = typeCharacter(text, 'n');
    expect(text).toBe('hoán');
    text = deleteBackward(text);
    expect(text).toBe('hóa');
    text = deleteBackward(text);
    expect(text).toBe('hó');
    text = typeCharacter('mú', 'a');
    expect(text).toBe('múa');
    // "qu" before another vowel is a consonant: the tone moves on to that vowel.
    expect(typeCharacter('qú', 'y')).toBe('quý');
  });

  it('a space, a digit or a dash never moves a tone', () => {
    expect(typeCharacter('hóa', ' ')).toBe('hóa ');
    expect(typeCharacter('hóa', '-')).toBe('hóa-');
    expect(typeCharacter('hóa', '1')).toBe('hóa1');
  });

  it('backspace removes one letter, marks and all', () => {
    expect(deleteBackward('Nguyễn')).toBe('Nguyễ');
    expect(deleteBackward('ả')).toBe('');
    expect(deleteBackward('')).toBe('');
  });

  it('accepts decomposed input (NFD) and answers in composed form (NFC)', () => {
    const nfd = 'hoa\u0300ng'.normalize('NFD');
    expect(typeCharacter(nfd, ' ')).toBe('hoàng ');
    expect(applyTone('mu\u0301a'.normalize('NFD'), 'huyen')).toBe('mùa');
  });

  it('knows where a tone goes and can take tones off', () => {
    expect(tonePosition([...'nguoi'])).toBe(3);
    expect(tonePosition([...'người'.normalize('NFC')].map(withoutTone))).toBe(3);
    expect(tonePosition([...'xyz'])).toBe(1);
    expect(tonePosition([...'bcd'])).toBe(-1);
    expect(stripTones('Nguyễn Văn Ánh')).toBe('Nguyên Văn Anh');
    expect(toneOf('ợ')).toBe('nang');
    expect(withoutTone('ợ')).toBe('ơ');
  });
});

describe('a scanned receipt', () => {
  it('reads "code|key", a URL with ?code=&key= and a bare code', () => {
    expect(parseScannedLookup('000.00.15.H29-261120-0001|ab12cd')).toEqual({ code: '000.00.15.H29-261120-0001', key: 'AB12CD' });
    expect(parseScannedLookup('http://192.168.1.10:3000/tra-cuu?code=000.00.15.H29-261120-0001&key=KEY1X')).toEqual({
      code: '000.00.15.H29-261120-0001',
      key: 'KEY1X',
    });
    expect(parseScannedLookup('https://dichvucong.example.vn/lookup?key=k9&code=000.00.15.h29-261120-0002&x=1')).toEqual({
      code: '000.00.15.H29-261120-0002',
      key: 'K9',
    });
    expect(parseScannedLookup('  000.00.15.H29-261120-0003  ')).toEqual({ code: '000.00.15.H29-261120-0003', key: '' });
    expect(parseScannedLookup('http://x/?code=000.00.15.H29-261120-0004%7Cbad')).toEqual({ code: '000.00.15.H29-261120-0004|BAD', key: '' });
  });

  it('refuses what is not a receipt', () => {
    expect(parseScannedLookup('')).toBeNull();
    expect(parseScannedLookup('|KEY')).toBeNull();
    expect(parseScannedLookup('http://example.vn/page?x=1')).toBeNull();
    expect(parseScannedLookup('x'.repeat(300))).toBeNull();
  });

  it('tells a scanner burst ending in Enter from a person typing', () => {
    const scans: string[] = [];
    const detector = new ScanDetector((text) => scans.push(text), { meanGapMs: 50, pauseMs: 300, minLength: 6 });
    let t = 1_000;
    const burst = (text: string, gap: number) => {
      for (const ch of text) detector.key(ch, (t += gap));
      return detector.key('Enter', (t += gap));
    };
    expect(burst('000.00.15.H29-261120-0001|KEY1X', 8)).toBe(true);
    expect(scans).toEqual(['000.00.15.H29-261120-0001|KEY1X']);
    // A person types slowly: Enter is a plain Enter.
    expect(burst('ABC123', 180)).toBe(false);
    // Too short to be a receipt.
    expect(burst('12', 5)).toBe(false);
    // Slow typing, then a fast burst: only the burst counts.
    for (const ch of 'slow') detector.key(ch, (t += 200));
    t += 400;
    expect(burst('CODE-1|K2', 10)).toBe(true);
    expect(scans).toEqual(['000.00.15.H29-261120-0001|KEY1X', 'CODE-1|K2']);
    // One character held back by a busy page does not split a burst.
    for (const ch of '000.00.15') detector.key(ch, (t += ch === '1' ? 120 : 8));
    expect(detector.key('Enter', (t += 8))).toBe(true);
    expect(scans.at(-1)).toBe('000.00.15');
    // A fast typist (about 110 ms a key) is still a person.
    t += 1_000;
    expect(burst('ABCDEFGH', 110)).toBe(false);
    // Shift and other named keys inside a burst do not break it.
    for (const ch of 'AB') {
      detector.key('Shift', (t += 3));
      detector.key(ch, (t += 3));
    }
    for (const ch of 'CDEF') detector.key(ch, (t += 3));
    expect(detector.key('Enter', (t += 3))).toBe(true);
    expect(scans.at(-1)).toBe('ABCDEF');
  });
});
