import type { BookingMessageKind, BookingMessenger } from '../app/booking-service';
import type { CentreConfig } from '../config/centre-config';
import type { Booking } from '../domain/booking';
import { formatBookingCode } from '../domain/booking';
import { localPartsIn } from '../domain/local-parts';
import type { NewOutboxMessage } from './outbox';
import type { NotificationService } from './notification-service';
import { toSmsAscii } from './templates';

/**
 * The messages of a booking, in Vietnamese (the citizen's phone is Vietnamese; the page itself
 * offers English), handed to the durable outbox with one key each: a code, the confirmation, a
 * move, a cancellation, and two reminders per slot, never twice. Personal data: a message names
 * the field, the time and the booking code, never the name or the CCCD.
 */
/** What a booking message says: the centre, field, time, date, code and check-in window (no name). */
export function bookingFacts(
  b: Pick<Booking, 'slotStart' | 'serviceId' | 'code'>,
  centre: { name: string; timeZone: string; serviceName: (id: string) => string | undefined; checkIn: { earlyMinutes: number; lateMinutes: number } },
): Facts {
  const p = localPartsIn(b.slotStart, centre.timeZone);
  return {
    centre: centre.name,
    service: centre.serviceName(b.serviceId) ?? b.serviceId,
    time: `${p.hour}:${p.minute}`,
    date: `${p.day}/${p.month}/${p.year}`,
    code: formatBookingCode(b.code ?? ''),
    early: centre.checkIn.earlyMinutes,
    late: centre.checkIn.lateMinutes,
  };
}

/** The SMS with the one-time code that confirms a phone. */
export function bookingCodeText(centre: string, otp: string, holdMinutes: number): string {
  return `${centre}: mã xác nhận đặt lịch của Ông/Bà là ${otp}. Mã dùng trong ${holdMinutes} phút. Không đưa mã này cho người khác.`;
}

export function bookingMessenger(notifications: NotificationService, config: () => CentreConfig): BookingMessenger {
  const facts = (b: Booking) => {
    const c = config();
    return bookingFacts(b, { name: c.centre.name.vi, timeZone: c.centre.timeZone, serviceName: (id) => c.services.find((s) => s.id === id)?.name.vi, checkIn: c.booking.checkIn });
  };
  const sms = (text: string) => (config().notifications.smsWithoutDiacritics ? toSmsAscii(text) : text);

  return {
    async code(booking, otp) {
      if (!notifications.channels.sms) return;
      const f = facts(booking);
      await notifications.queue([
        {
          key: `booking|${booking.id}|code|${booking.codesSent}`,
          channel: 'sms',
          kind: 'booking-code',
          to: booking.phone,
          subject: null,
          text: sms(bookingCodeText(f.centre, otp, config().booking.holdMinutes)),
        },
      ]);
    },

    async notify(kind, booking, extra) {
      const f = facts(booking);
      const text = bookingText(kind, f, extra?.reason?.vi ?? null);
      const key = `booking|${booking.id}|${kind}|${kind === 'confirmed' || kind.startsWith('cancelled') ? '-' : booking.slotStart}`;
      const items: NewOutboxMessage[] = [];
      if (notifications.channels.sms) items.push({ key: `${key}|sms`, channel: 'sms', kind: `booking-${kind}`, to: booking.phone, subject: null, text: sms(text) });
      if (notifications.channels.email && booking.email)
        items.push({ key: `${key}|email`, channel: 'email', kind: `booking-${kind}`, to: booking.email, subject: bookingSubject(kind, f), text: `Kính gửi Ông/Bà,\n\n${text}\n\n${f.centre}` });
      await notifications.queue(items);
    },
  };
}

export type Facts = { centre: string; service: string; time: string; date: string; code: string; early: number; late: number };

export function bookingText(kind: BookingMessageKind, f: Facts, reason: string | null): string {
  switch (kind) {
    case 'confirmed':
      return `${f.centre}: Ông/Bà đã đặt lịch ${f.service} lúc ${f.time} ngày ${f.date}. Mã lịch hẹn ${f.code}. Khi đến, xác nhận tại ki-ốt từ ${f.early} phút trước đến ${f.late} phút sau giờ hẹn.`;
    case 'moved':
      return `${f.centre}: lịch hẹn ${f.code} (${f.service}) đã được đổi sang ${f.time} ngày ${f.date}.`;
    case 'cancelled-citizen':
      return `${f.centre}: lịch hẹn ${f.code} (${f.service}, ${f.time} ngày ${f.date}) đã được hủy theo yêu cầu của Ông/Bà.`;
    case 'cancelled-centre':
      return `${f.centre} xin lỗi Ông/Bà: lịch hẹn ${f.code} (${f.service}, ${f.time} ngày ${f.date}) bị hủy${reason ? ` vì ${reason}` : ''}. Mời Ông/Bà đặt lịch khác.`;
    case 'remind-evening':
      return `${f.centre} nhắc lịch: Ông/Bà có lịch hẹn ${f.service} lúc ${f.time} ngày mai ${f.date}, mã ${f.code}. Không đến được xin hủy lịch để nhường chỗ.`;
    case 'remind-soon':
      return `${f.centre} nhắc lịch: lịch hẹn ${f.service} của Ông/Bà lúc ${f.time} hôm nay, mã ${f.code}. Xin xác nhận tại ki-ốt khi đến.`;
  }
}

function bookingSubject(kind: BookingMessageKind, f: Facts): string {
  switch (kind) {
    case 'confirmed':
      return `Lịch hẹn ${f.code}: ${f.service} lúc ${f.time} ngày ${f.date}`;
    case 'moved':
      return `Lịch hẹn ${f.code} đã đổi sang ${f.time} ngày ${f.date}`;
    case 'cancelled-citizen':
    case 'cancelled-centre':
      return `Lịch hẹn ${f.code} đã bị hủy`;
    case 'remind-evening':
    case 'remind-soon':
      return `Nhắc lịch hẹn ${f.code}: ${f.time} ngày ${f.date}`;
  }
}
