import { describe, expect, it } from 'vitest';
import {
  emailText,
  formatDue,
  kindForStatus,
  smsText,
  stripDiacritics,
  toSmsAscii,
  type TemplateContext,
  type TemplateFacts,
} from '../../server/notifications/templates';

const ctx: TemplateContext = {
  centreName: { vi: 'Trung tâm Phục vụ hành chính công phường Ba Đình', en: 'Ba Dinh Public Service Centre' },
  timeZone: 'Asia/Ho_Chi_Minh',
};
const CODE = '000.00.15.H40-250312-0027';
const DUE = Date.parse('2025-03-15T10:00:00+07:00');
const vi: TemplateFacts = { code: CODE, procedure: 'Đăng ký khai sinh', lang: 'vi', delivery: 'centre', collectAt: 'Quầy 3', dueAt: DUE };
const en: TemplateFacts = { ...vi, lang: 'en' };
const unicode = { withoutDiacritics: false };
const ascii = { withoutDiacritics: true };

describe('SMS texts in Vietnamese', () => {
  it('received, with the due date in the centre time zone', () => {
    expect(smsText('received', vi, ctx, unicode)).toBe(
      'Hồ sơ mã số 000.00.15.H40-250312-0027 đã được tiếp nhận. Ngày hẹn trả kết quả: 10:00 ngày 15/03/2025.',
    );
  });

  it('more documents and payment needed', () => {
    expect(smsText('more-documents', vi, ctx, unicode)).toBe(
      'Hồ sơ mã số 000.00.15.H40-250312-0027 cần bổ sung giấy tờ. Mời ông/bà liên hệ Trung tâm Phục vụ hành chính công phường Ba Đình để được hướng dẫn.',
    );
    expect(smsText('payment', vi, ctx, unicode)).toBe(
      'Hồ sơ mã số 000.00.15.H40-250312-0027 cần thực hiện nghĩa vụ tài chính. Mời ông/bà liên hệ Trung tâm Phục vụ hành chính công phường Ba Đình để được hướng dẫn.',
    );
  });

  it('result ready, for each way of delivery', () => {
    expect(smsText('result-ready', vi, ctx, unicode)).toBe(
      'Hồ sơ mã số 000.00.15.H40-250312-0027 đã có kết quả. Mời ông/bà đến nhận tại Quầy 3, Trung tâm Phục vụ hành chính công phường Ba Đình.',
    );
    expect(smsText('result-ready', { ...vi, collectAt: null }, ctx, unicode)).toBe(
      'Hồ sơ mã số 000.00.15.H40-250312-0027 đã có kết quả. Mời ông/bà đến nhận tại Trung tâm Phục vụ hành chính công phường Ba Đình.',
    );
    expect(smsText('result-ready', { ...vi, delivery: 'post' }, ctx, unicode)).toBe(
      'Hồ sơ mã số 000.00.15.H40-250312-0027 đã có kết quả. Kết quả được gửi đến ông/bà qua bưu chính công ích.',
    );
    expect(smsText('result-ready', { ...vi, delivery: 'electronic' }, ctx, unicode)).toBe(
      'Hồ sơ mã số 000.00.15.H40-250312-0027 đã có kết quả. Ông/bà nhận kết quả điện tử theo hình thức đã đăng ký.',
    );
  });

  it('late: an apology with the new date, or saying one will follow', () => {
    expect(smsText('late', vi, ctx, unicode)).toBe(
      'Chúng tôi xin lỗi ông/bà: hồ sơ mã số 000.00.15.H40-250312-0027 chưa thể trả kết quả đúng hẹn. Ngày hẹn trả kết quả mới: 10:00 ngày 15/03/2025.',
    );
    expect(smsText('late', { ...vi, dueAt: null }, ctx, unicode)).toBe(
      'Chúng tôi xin lỗi ông/bà: hồ sơ mã số 000.00.15.H40-250312-0027 chưa thể trả kết quả đúng hẹn. Ngày hẹn trả kết quả mới sẽ được thông báo sau.',
    );
  });

  it('without diacritics: plain ASCII, the same words', () => {
    expect(smsText('received', vi, ctx, ascii)).toBe(
      'Ho so ma so 000.00.15.H40-250312-0027 da duoc tiep nhan. Ngay hen tra ket qua: 10:00 ngay 15/03/2025.',
    );
    expect(smsText('result-ready', vi, ctx, ascii)).toBe(
      'Ho so ma so 000.00.15.H40-250312-0027 da co ket qua. Moi ong/ba den nhan tai Quay 3, Trung tam Phuc vu hanh chinh cong phuong Ba Dinh.',
    );
    expect(smsText('result-ready', { ...vi, delivery: 'post' }, ctx, ascii)).toBe(
      'Ho so ma so 000.00.15.H40-250312-0027 da co ket qua. Ket qua duoc gui den ong/ba qua buu chinh cong ich.',
    );
    expect(smsText('late', { ...vi, dueAt: null }, ctx, ascii)).toBe(
      'Chung toi xin loi ong/ba: ho so ma so 000.00.15.H40-250312-0027 chua the tra ket qua dung hen. Ngay hen tra ket qua moi se duoc thong bao sau.',
    );
    for (const kind of ['received', 'more-documents', 'payment', 'result-ready', 'late'] as const)
      for (const delivery of ['centre', 'post', 'electronic'] as const)
        expect(smsText(kind, { ...vi, delivery }, ctx, ascii)).toMatch(/^[\x20-\x7e]+$/);
  });

  it('never carries the applicant name, ID or lookup key: only the code', () => {
    for (const kind of ['received', 'more-documents', 'payment', 'result-ready', 'late'] as const) {
      const text = smsText(kind, vi, ctx, unicode);
      expect(text).toContain(CODE);
      expect(text).not.toContain('Nguyễn');
    }
  });
});

describe('SMS texts in English', () => {
  it('every kind', () => {
    expect(smsText('received', en, ctx, ascii)).toBe(
      'Your application 000.00.15.H40-250312-0027 has been received. Your result is due on 15/03/2025 at 10:00.',
    );
    expect(smsText('more-documents', en, ctx, ascii)).toBe(
      'Your application 000.00.15.H40-250312-0027 needs more documents. Please contact Ba Dinh Public Service Centre for guidance.',
    );
    expect(smsText('payment', en, ctx, ascii)).toBe(
      'Your application 000.00.15.H40-250312-0027 requires payment of fees or charges. Please contact Ba Dinh Public Service Centre for guidance.',
    );
    expect(smsText('result-ready', en, ctx, ascii)).toBe(
      'The result of your application 000.00.15.H40-250312-0027 is ready. Please collect it at Quay 3, Ba Dinh Public Service Centre.',
    );
    expect(smsText('result-ready', { ...en, delivery: 'post' }, ctx, ascii)).toBe(
      'The result of your application 000.00.15.H40-250312-0027 is ready and is being sent to you by public postal service.',
    );
    expect(smsText('result-ready', { ...en, delivery: 'electronic' }, ctx, ascii)).toBe(
      'The result of your application 000.00.15.H40-250312-0027 is ready. You will receive it electronically, as you requested.',
    );
    expect(smsText('late', en, ctx, ascii)).toBe(
      'We apologise: the result of your application 000.00.15.H40-250312-0027 cannot be delivered on time. New due date: 15/03/2025 at 10:00.',
    );
    expect(smsText('late', { ...en, dueAt: null }, ctx, ascii)).toBe(
      'We apologise: the result of your application 000.00.15.H40-250312-0027 cannot be delivered on time. A new due date will be announced.',
    );
  });
});

describe('e-mails', () => {
  it('Vietnamese: subject and body, with diacritics', () => {
    expect(emailText('result-ready', vi, ctx)).toEqual({
      subject: 'Hồ sơ 000.00.15.H40-250312-0027: đã có kết quả - Trung tâm Phục vụ hành chính công phường Ba Đình',
      text:
        'Kính gửi ông/bà,\n\n' +
        'Hồ sơ mã số 000.00.15.H40-250312-0027 đã có kết quả. Mời ông/bà đến nhận tại Quầy 3, Trung tâm Phục vụ hành chính công phường Ba Đình.\n\n' +
        'Khi đến, ông/bà vui lòng mang theo giấy tiếp nhận hồ sơ và hẹn trả kết quả.\n\n' +
        'Thủ tục: Đăng ký khai sinh\n\n' +
        'Trung tâm Phục vụ hành chính công phường Ba Đình\n' +
        'Thư này được gửi tự động, xin vui lòng không trả lời.\n',
    });
    expect(emailText('late', { ...vi, dueAt: null }, ctx)).toEqual({
      subject: 'Hồ sơ 000.00.15.H40-250312-0027: chưa thể trả kết quả đúng hẹn - Trung tâm Phục vụ hành chính công phường Ba Đình',
      text:
        'Kính gửi ông/bà,\n\n' +
        'Chúng tôi xin lỗi ông/bà: hồ sơ mã số 000.00.15.H40-250312-0027 chưa thể trả kết quả đúng hẹn. Ngày hẹn trả kết quả mới sẽ được thông báo sau.\n\n' +
        'Thủ tục: Đăng ký khai sinh\n\n' +
        'Trung tâm Phục vụ hành chính công phường Ba Đình\n' +
        'Thư này được gửi tự động, xin vui lòng không trả lời.\n',
    });
    expect(emailText('received', vi, ctx).subject).toBe(
      'Hồ sơ 000.00.15.H40-250312-0027: đã được tiếp nhận - Trung tâm Phục vụ hành chính công phường Ba Đình',
    );
    expect(emailText('more-documents', vi, ctx).subject).toContain('cần bổ sung giấy tờ');
    expect(emailText('payment', vi, ctx).subject).toContain('cần thực hiện nghĩa vụ tài chính');
  });

  it('English', () => {
    expect(emailText('received', en, ctx)).toEqual({
      subject: 'Application 000.00.15.H40-250312-0027: received - Ba Dinh Public Service Centre',
      text:
        'Dear applicant,\n\n' +
        'Your application 000.00.15.H40-250312-0027 has been received. Your result is due on 15/03/2025 at 10:00.\n\n' +
        'Procedure: Đăng ký khai sinh\n\n' +
        'Ba Dinh Public Service Centre\n' +
        'This message was sent automatically; please do not reply.\n',
    });
    expect(emailText('result-ready', { ...en, delivery: 'post' }, ctx).subject).toBe(
      'Application 000.00.15.H40-250312-0027: result ready - Ba Dinh Public Service Centre',
    );
  });

  it('a single centre name serves both languages, and a place that names the centre is not repeated', () => {
    const one: TemplateContext = { centreName: 'Trung tâm PVHCC', timeZone: 'Asia/Ho_Chi_Minh' };
    expect(smsText('result-ready', { ...en, collectAt: 'Quầy 5 - Trung tâm PVHCC' }, one, unicode)).toBe(
      'The result of your application 000.00.15.H40-250312-0027 is ready. Please collect it at Quầy 5 - Trung tâm PVHCC.',
    );
  });
});

describe('dates and statuses', () => {
  it('formats due moments in the centre zone, not UTC', () => {
    const lateEvening = Date.parse('2025-03-15T23:30:00+07:00');
    expect(formatDue(lateEvening, 'Asia/Ho_Chi_Minh', 'vi')).toBe('23:30 ngày 15/03/2025');
    expect(formatDue(lateEvening, 'Asia/Ho_Chi_Minh', 'en')).toBe('15/03/2025 at 23:30');
    expect(formatDue(lateEvening, 'UTC', 'vi')).toBe('16:30 ngày 15/03/2025');
  });

  it('maps statuses to notifications', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => kindForStatus(s as never))).toEqual([
      null,
      'received',
      null,
      null,
      'more-documents',
      'payment',
      null,
      null,
      'result-ready',
      null,
    ]);
  });
});

describe('stripDiacritics', () => {
  // Every Vietnamese vowel with every tone, written out (not generated), lower and upper case.
  const TONED: Record<string, string> = {
    a: 'aàáảãạ',
    ă: 'ăằắẳẵặ',
    â: 'âầấẩẫậ',
    e: 'eèéẻẽẹ',
    ê: 'êềếểễệ',
    i: 'iìíỉĩị',
    o: 'oòóỏõọ',
    ô: 'ôồốổỗộ',
    ơ: 'ơờớởỡợ',
    u: 'uùúủũụ',
    ư: 'ưừứửữự',
    y: 'yỳýỷỹỵ',
  };
  const PLAIN: Record<string, string> = { a: 'a', ă: 'a', â: 'a', e: 'e', ê: 'e', i: 'i', o: 'o', ô: 'o', ơ: 'o', u: 'u', ư: 'u', y: 'y' };

  it('turns each of the 72 lower-case vowel forms into its plain letter', () => {
    let count = 0;
    for (const [base, forms] of Object.entries(TONED))
      for (const form of [...forms]) {
        expect(stripDiacritics(form), form).toBe(PLAIN[base]);
        count += 1;
      }
    expect(count).toBe(72);
  });

  it('turns each of the 72 capital vowel forms into its plain capital', () => {
    for (const [base, forms] of Object.entries(TONED))
      for (const form of [...forms.toUpperCase()]) expect(stripDiacritics(form), form).toBe(PLAIN[base]!.toUpperCase());
  });

  it('also works on decomposed input (NFD, as some Mac and web forms send it)', () => {
    for (const forms of Object.values(TONED))
      for (const form of [...forms]) expect(stripDiacritics(form.normalize('NFD'))).toMatch(/^[aeiouy]$/);
  });

  it('đ to d, Đ to D; other characters untouched', () => {
    expect(stripDiacritics('Đăng ký đất đai')).toBe('Dang ky dat dai');
    expect(stripDiacritics('Nguyễn Thị Hồng Nhung, 0912-345.678 / A025')).toBe('Nguyen Thi Hong Nhung, 0912-345.678 / A025');
    expect(stripDiacritics('TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG')).toBe('TRUNG TAM PHUC VU HANH CHINH CONG');
  });

  it('toSmsAscii also makes punctuation ASCII and leaves nothing outside ASCII', () => {
    expect(toSmsAscii('“Bộ phận một cửa” – tầng 1… ‘A’')).toBe('"Bo phan mot cua" - tang 1... \'A\'');
    expect(toSmsAscii('Phí 50.000 ₫ 😀')).toBe('Phi 50.000 ? ?');
  });
});
