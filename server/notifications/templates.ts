import type { Delivery, DossierStatus } from '../domain/dossier-register';
import type { NotificationKind } from './notification-config';
import { localPartsIn } from '../domain/local-parts';

/**
 * The texts sent to applicants, in Vietnamese, or English for applicants who chose it. Pure.
 *
 * Personal data: a message names the dossier by its code only. No name, ID number, address or
 * lookup key: a phone's lock screen or a shared mailbox may show it to someone else. The e-mail
 * adds the procedure's name, which the applicant needs to tell several dossiers apart.
 */

export type Lang = 'vi' | 'en';

/** What a message says about the dossier. */
export interface TemplateFacts {
  code: string;
  procedure: string;
  lang: Lang;
  delivery: Delivery;
  collectAt: string | null;
  /**
   * 'received': the due moment. 'late': the new due moment, or null when none is known yet (the
   * message then says a new date will be announced). Unused by the other kinds.
   */
  dueAt: number | null;
}

export interface TemplateContext {
  /** The centre's name, per language (from the centre configuration), or one name for both. */
  centreName: string | { vi: string; en: string };
  timeZone: string;
}

export interface EmailText {
  subject: string;
  text: string;
}

/** The notification a status brings, if any. */
export function kindForStatus(status: DossierStatus): Exclude<NotificationKind, 'late'> | null {
  switch (status) {
    case 2:
      return 'received';
    case 5:
      return 'more-documents';
    case 6:
      return 'payment';
    case 9:
      return 'result-ready';
    default:
      return null;
  }
}

/** The SMS text; without diacritics (plain ASCII) when asked. */
export function smsText(kind: NotificationKind, facts: TemplateFacts, ctx: TemplateContext, options: { withoutDiacritics: boolean }): string {
  const text = mainText(kind, facts, ctx);
  return options.withoutDiacritics ? toSmsAscii(text) : text;
}

/** The e-mail: subject and plain-text body. */
export function emailText(kind: NotificationKind, facts: TemplateFacts, ctx: TemplateContext): EmailText {
  const centre = centreNameIn(ctx, facts.lang);
  const main = mainText(kind, facts, ctx);
  if (facts.lang === 'en') {
    const extra = kind === 'result-ready' && facts.delivery === 'centre' ? '\nPlease bring your receipt and appointment slip.\n' : '';
    return {
      subject: `Application ${facts.code}: ${EN_SUBJECT[kind]} - ${centre}`,
      text:
        `Dear applicant,\n\n${main}\n${extra}\nProcedure: ${facts.procedure}\n\n${centre}\n` +
        'This message was sent automatically; please do not reply.\n',
    };
  }
  const extra =
    kind === 'result-ready' && facts.delivery === 'centre'
      ? '\nKhi đến, ông/bà vui lòng mang theo giấy tiếp nhận hồ sơ và hẹn trả kết quả.\n'
      : '';
  return {
    subject: `Hồ sơ ${facts.code}: ${VI_SUBJECT[kind]} - ${centre}`,
    text:
      `Kính gửi ông/bà,\n\n${main}\n${extra}\nThủ tục: ${facts.procedure}\n\n${centre}\n` +
      'Thư này được gửi tự động, xin vui lòng không trả lời.\n',
  };
}

const VI_SUBJECT: Record<NotificationKind, string> = {
  received: 'đã được tiếp nhận',
  'more-documents': 'cần bổ sung giấy tờ',
  payment: 'cần thực hiện nghĩa vụ tài chính',
  'result-ready': 'đã có kết quả',
  late: 'chưa thể trả kết quả đúng hẹn',
};

const EN_SUBJECT: Record<NotificationKind, string> = {
  received: 'received',
  'more-documents': 'more documents needed',
  payment: 'payment needed',
  'result-ready': 'result ready',
  late: 'delayed',
};

function mainText(kind: NotificationKind, f: TemplateFacts, ctx: TemplateContext): string {
  const centre = centreNameIn(ctx, f.lang);
  const due = f.dueAt === null ? null : formatDue(f.dueAt, ctx.timeZone, f.lang);
  const place = f.collectAt === null ? centre : f.collectAt.includes(centre) ? f.collectAt : `${f.collectAt}, ${centre}`;
  if (f.lang === 'en') {
    switch (kind) {
      case 'received':
        return `Your application ${f.code} has been received. Your result is due on ${due ?? '(to be announced)'}.`;
      case 'more-documents':
        return `Your application ${f.code} needs more documents. Please contact ${centre} for guidance.`;
      case 'payment':
        return `Your application ${f.code} requires payment of fees or charges. Please contact ${centre} for guidance.`;
      case 'result-ready':
        if (f.delivery === 'post')
          return `The result of your application ${f.code} is ready and is being sent to you by public postal service.`;
        if (f.delivery === 'electronic')
          return `The result of your application ${f.code} is ready. You will receive it electronically, as you requested.`;
        return `The result of your application ${f.code} is ready. Please collect it at ${place}.`;
      case 'late':
        return (
          `We apologise: the result of your application ${f.code} cannot be delivered on time. ` +
          (due === null ? 'A new due date will be announced.' : `New due date: ${due}.`)
        );
    }
  }
  switch (kind) {
    case 'received':
      return `Hồ sơ mã số ${f.code} đã được tiếp nhận. Ngày hẹn trả kết quả: ${due ?? 'sẽ được thông báo sau'}.`;
    case 'more-documents':
      return `Hồ sơ mã số ${f.code} cần bổ sung giấy tờ. Mời ông/bà liên hệ ${centre} để được hướng dẫn.`;
    case 'payment':
      return `Hồ sơ mã số ${f.code} cần thực hiện nghĩa vụ tài chính. Mời ông/bà liên hệ ${centre} để được hướng dẫn.`;
    case 'result-ready':
      if (f.delivery === 'post')
        return `Hồ sơ mã số ${f.code} đã có kết quả. Kết quả được gửi đến ông/bà qua bưu chính công ích.`;
      if (f.delivery === 'electronic')
        return `Hồ sơ mã số ${f.code} đã có kết quả. Ông/bà nhận kết quả điện tử theo hình thức đã đăng ký.`;
      return `Hồ sơ mã số ${f.code} đã có kết quả. Mời ông/bà đến nhận tại ${place}.`;
    case 'late':
      return (
        `Chúng tôi xin lỗi ông/bà: hồ sơ mã số ${f.code} chưa thể trả kết quả đúng hẹn. ` +
        (due === null ? 'Ngày hẹn trả kết quả mới sẽ được thông báo sau.' : `Ngày hẹn trả kết quả mới: ${due}.`)
      );
  }
}

function centreNameIn(ctx: TemplateContext, lang: Lang): string {
  return typeof ctx.centreName === 'string' ? ctx.centreName : ctx.centreName[lang];
}

/** "10:00 ngày 15/03/2025" or "15/03/2025 at 10:00", in the centre's time zone. */
export function formatDue(at: number, timeZone: string, lang: Lang): string {
  const p = localPartsIn(at, timeZone);
  const date = `${p.day}/${p.month}/${p.year}`;
  const time = `${p.hour}:${p.minute}`;
  return lang === 'en' ? `${date} at ${time}` : `${time} ngày ${date}`;
}

/**
 * Vietnamese without diacritics: tone and vowel marks dropped (NFD, combining marks removed), đ to
 * d and Đ to D. Other characters are kept.
 */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

const PUNCTUATION: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u2018\u2019\u201a\u2032]/g, "'"],
  [/[\u201c\u201d\u201e\u2033]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00a0\u2000-\u200a\u202f]/g, ' '],
];

/**
 * Text an SMS gateway sends as plain 7-bit text: no diacritics, typographic punctuation made
 * ASCII, anything else that is not printable ASCII replaced with "?". One non-ASCII character
 * would make the whole message Unicode, which costs double.
 */
export function toSmsAscii(text: string): string {
  let s = stripDiacritics(text);
  for (const [pattern, ascii] of PUNCTUATION) s = s.replace(pattern, ascii);
  return s.replace(/[^\x20-\x7e\n]/gu, '?');
}
