/** The shape of a report as the hub sends it (browser-safe; computed in server/domain/queue-report.ts). */
export interface ReportFiguresView {
  key: string;
  tickets: number;
  served: number;
  noShows: number;
  transfers: number;
  cancelled: number;
  waitAverageMinutes: number | null;
  waitP90Minutes: number | null;
  serviceAverageMinutes: number | null;
  serviceP90Minutes: number | null;
  estimateErrorMinutes: number | null;
  ratings: { veryGood: number; good: number; poor: number };
}

export interface LabelledReport {
  from: string;
  to: string;
  groupBy: 'service' | 'counter' | 'officer' | 'procedure';
  days: number;
  rows: ReportFiguresView[];
  total: ReportFiguresView;
  busiestHours: number[];
  /** Booked versus walk-in visitors and what became of the period's bookings (null: no bookings). */
  bookings: (import('../domain/queue-report').BookedVersusWalkIn & import('../domain/queue-report').BookingOutcomes) | null;
  /** Names of the rows' keys: service names, "Quầy 3", officers' names. */
  labels: Record<string, string>;
}
