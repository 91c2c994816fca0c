import { describe, expect, it } from 'vitest';
import { bookingIcs } from '../../display/book/book-ics';

/** The booking page's "add to calendar" file, read back as a calendar program reads it (RFC 5545). */

const booking = {
  code: 'K7QM3-XPA9D',
  slotStart: Date.parse('2026-12-08T09:00:00+07:00'),
  slotEnd: Date.parse('2026-12-08T09:30:00+07:00'),
  summary: 'Lịch hẹn: Hộ tịch; Chứng thực, bản sao',
  location: 'Trung tâm Phục vụ hành chính công phường Ba Đình, Hà Nội',
  description: 'Mã đặt lịch K7QM3-XPA9D. Xác nhận tại ki-ốt từ 08:30 đến 09:15; mang theo CCCD và giấy tờ của thủ tục cần làm.\nCảm ơn.',
};

/** Unfolds the lines (a CRLF and one space joins a line to the one before) into name -> value. */
function read(ics: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of ics.replace(/\r\n /g, '').split('\r\n').filter(Boolean)) {
    const at = line.indexOf(':');
    const name = line.slice(0, at);
    out.set(name, [...(out.get(name) ?? []), line.slice(at + 1)]);
  }
  return out;
}

describe('the booking calendar file', () => {
  const ics = bookingIcs(booking, Date.parse('2026-12-04T06:00:00Z'));

  it('has the slot in UTC, the code as its UID, and an alarm an hour before', () => {
    const fields = read(ics);
    expect(fields.get('DTSTART')).toEqual(['20261208T020000Z']);
    expect(fields.get('DTEND')).toEqual(['20261208T023000Z']);
    expect(fields.get('DTSTAMP')).toEqual(['20261204T060000Z']);
    expect(fields.get('UID')).toEqual(['K7QM3XPA9D@luot']);
    expect(fields.get('TRIGGER')).toEqual(['-PT60M']);
    expect(fields.get('BEGIN')).toEqual(['VCALENDAR', 'VEVENT', 'VALARM']);
  });

  it('escapes text and folds every line to 75 octets without splitting a letter', () => {
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics).not.toMatch(/[^\r]\n/);
    const fields = read(ics);
    expect(fields.get('SUMMARY')).toEqual(['Lịch hẹn: Hộ tịch\\; Chứng thực\\, bản sao']);
    expect(fields.get('DESCRIPTION')![0]).toBe(booking.description.replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n'));
    expect(fields.get('LOCATION')).toEqual(['Trung tâm Phục vụ hành chính công phường Ba Đình\\, Hà Nội']);
    // A fold never cuts a multi-byte letter in two: every line is valid UTF-8 on its own.
    for (const line of ics.split('\r\n')) expect(() => new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(line))).not.toThrow();
  });
});
