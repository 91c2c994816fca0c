/**
 * An "add to calendar" file for a booking (RFC 5545), made in the browser: the slot, the field and
 * the centre, the booking code to show at the kiosk; no name or phone number.
 */
export interface IcsBooking {
  code: string;
  slotStart: number;
  slotEnd: number;
  /** What the event is called: the field. */
  summary: string;
  /** The centre's name. */
  location: string;
  /** A line for the description: the code and when to check in. */
  description: string;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Escapes text for an iCalendar value (backslash, semicolon, comma, newline). */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded (a CRLF and a space), as the format asks. */
function fold(line: string): string {
  const bytes = new TextEncoder();
  const out: string[] = [];
  let current = '';
  for (const ch of line) {
    if (bytes.encode(current + ch).length > 75) {
      out.push(current);
      current = ` ${ch}`;
    } else current += ch;
  }
  out.push(current);
  return out.join('\r\n');
}

export function bookingIcs(b: IcsBooking, now: number): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Luot//Booking//VI',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${b.code.replace(/[^A-Z0-9]/gi, '')}@luot`,
    `DTSTAMP:${utc(now)}`,
    `DTSTART:${utc(b.slotStart)}`,
    `DTEND:${utc(b.slotEnd)}`,
    `SUMMARY:${text(b.summary)}`,
    `LOCATION:${text(b.location)}`,
    `DESCRIPTION:${text(b.description)}`,
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'TRIGGER:-PT60M',
    `DESCRIPTION:${text(b.summary)}`,
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
