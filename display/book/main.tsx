import '../../server/ui/base.css';
import '../phone/phone-page.css';
import './book.css';
import { effect } from '@preact/signals';
import { mountApp } from '../../server/ui/mount';
import { BookApp, BookingContext } from './book-app';
import { portalCentreName } from '../phone/phone-header';
import { bookingApiBase, centreFromUrl, codeFromUrl, createBooking, type BookingController } from './book-state';

// The booking page: /display/book.html (the hub sends /book/ here); ?b=<code>.<tag> when opened
// from a booking's QR, which fills the code in the look-up form. Served by the province's portal
// with ?centre=<id>: it books at that centre through the province, with no hub to connect to.
let booking: BookingController | null = null;
const centre = centreFromUrl(location.search);
if (centre)
  void fetch(`/api/portal/centres/${encodeURIComponent(centre)}`)
    .then((res) => (res.ok ? (res.json() as Promise<{ data: { name: { vi: string; en: string } } }>) : null))
    .then((answer) => {
      if (answer) portalCentreName.value = answer.data.name;
    })
    .catch(() => undefined);
mountApp(
  { app: 'display', ...(centre ? { connect: false } : {}) },
  () => (
    <BookingContext.Provider value={booking}>
      <BookApp />
    </BookingContext.Provider>
  ),
  (state) => {
    booking = createBooking(() => state.lang.peek(), bookingApiBase(centre));
    const code = codeFromUrl(location.search);
    if (code) {
      booking.access.value = { code, phone: '' };
      booking.step.value = 'lookup';
    }
    void booking.load();
    effect(() => {
      document.title = state.t('phoneBook.pageTitle');
    });
  },
);
