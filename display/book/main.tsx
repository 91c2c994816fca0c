import '../../server/ui/base.css';
import '../phone/phone-page.css';
import './book.css';
import { effect } from '@preact/signals';
import { mountApp } from '../../server/ui/mount';
import { BookApp, BookingContext } from './book-app';
import { codeFromUrl, createBooking, type BookingController } from './book-state';

// The booking page: /display/book.html (the hub sends /book/ here); ?b=<code>.<tag> when opened
// from a booking's QR, which fills the code in the look-up form.
let booking: BookingController | null = null;
mountApp(
  { app: 'display' },
  () => (
    <BookingContext.Provider value={booking}>
      <BookApp />
    </BookingContext.Provider>
  ),
  (state) => {
    booking = createBooking(() => state.lang.peek());
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
