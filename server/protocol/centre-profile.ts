import { z } from 'zod';
import { bookingConfig } from '../config/booking-config';
import { centreConfig, dossierConfig, serviceConfig, type CentreConfig } from '../config/centre-config';

/**
 * What a linked hub tells the province about itself, so the province books for it by the same
 * rules (docs/province.md): the centre's name and zone, its fields with their opening hours, its
 * booking rules and slot templates, and its working calendar. No personal data.
 */
export const centreProfile = z.object({
  name: centreConfig.shape.centre.shape.name,
  timeZone: centreConfig.shape.centre.shape.timeZone,
  services: z.array(serviceConfig.pick({ id: true, name: true, hours: true })).max(200),
  booking: bookingConfig,
  calendar: dossierConfig.shape.calendar,
});
export type CentreProfile = z.infer<typeof centreProfile>;

/** A hub's profile from its configuration. */
export function centreProfileOf(config: CentreConfig): CentreProfile {
  return {
    name: config.centre.name,
    timeZone: config.centre.timeZone,
    services: config.services.map((s) => (s.hours ? { id: s.id, name: s.name, hours: s.hours } : { id: s.id, name: s.name })),
    booking: config.booking,
    calendar: config.dossiers.calendar,
  };
}
