import { describe, expect, it } from 'vitest';
import { waitWords } from '../../server/ui/wait-words';

describe('what a visitor is told about the wait', () => {
  it('is the same true thing on the kiosk and the phone: nobody ahead is soon, or next once a counter opens', () => {
    expect(waitWords(0, 0)).toEqual({ kind: 'soon' });
    expect(waitWords(0, 4)).toEqual({ kind: 'soon' });
    expect(waitWords(0, null)).toEqual({ kind: 'next' });
    expect(waitWords(3, null)).toEqual({ kind: 'unknown' });
    expect(waitWords(3, 0)).toEqual({ kind: 'soon' });
    expect(waitWords(3, 12)).toEqual({ kind: 'minutes', minutes: 12 });
  });
});
