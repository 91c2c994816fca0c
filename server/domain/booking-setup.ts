import type { BookingConfig } from '../config/booking-config';
import type { ProvinceBookingCaps } from '../protocol/link-protocol';
import type { BookingSetup } from './booking';

/** A centre's booking rules under the province's caps: of each, the smaller applies. */
export function cappedBookingRules(rules: BookingConfig, caps: ProvinceBookingCaps | null | undefined): BookingConfig {
  if (!caps) return rules;
  const min = (own: number, cap: number | null) => (cap === null ? own : Math.min(own, cap));
  return {
    ...rules,
    perPhonePerDay: min(rules.perPhonePerDay, caps.perPhonePerDay),
    perServicePerDay: min(rules.perServicePerDay, caps.perServicePerDay),
    horizonDays: min(rules.horizonDays, caps.horizonDays),
  };
}

/**
 * The booking rules' view of a centre, made the same way by the hub (from its configuration) and by
 * the province (from the profile the hub sent): the rules, the working calendar, opening hours.
 */
export function bookingSetupOf(input: {
  booking: BookingConfig;
  calendar: { weekend: number[]; holidays: string[]; workdays: string[] };
  services: { id: string; hours?: { days: number[]; from: string; to: string }[] | undefined }[];
  /** The province's days off and make-up days on top of the centre's own, its limits over the centre's (a linked centre). */
  province?: { holidays: readonly string[]; workdays: readonly string[]; booking?: ProvinceBookingCaps | undefined } | null | undefined;
}): BookingSetup {
  const hours = new Map(input.services.map((s) => [s.id, s.hours]));
  const province = input.province ?? { holidays: [], workdays: [] };
  return {
    rules: cappedBookingRules(input.booking, province.booking),
    calendar: {
      weekend: input.calendar.weekend,
      holidays: new Set([...input.calendar.holidays, ...province.holidays]),
      workdays: new Set([...input.calendar.workdays, ...province.workdays]),
    },
    hours: (id) => hours.get(id),
  };
}
