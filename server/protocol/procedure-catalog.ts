import { z } from 'zod';

/**
 * The administrative procedures (thủ tục hành chính) a centre handles, as the National Database on
 * Administrative Procedures (Cơ sở dữ liệu quốc gia về thủ tục hành chính, csdl.dichvucong.gov.vn)
 * publishes them: the catalog a supervisor imports, the kiosk and the phone show, and the counter
 * pad reads (docs/procedures.md). Browser-safe: the apps validate with the same schemas.
 *
 * Texts are the published Vietnamese; `en` fields are this project's own short glosses for the
 * English screens (optional: a screen shows the Vietnamese when there is none).
 */

/** A procedure's code in the national database: "1.001193", "2.000815". */
export const procedureCode = z.string().regex(/^\d{1,2}\.\d{6}$/, 'a code like 1.001193');
const text = (max: number) => z.string().trim().min(1).max(max);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** Where a procedure is decided: the level of government that receives and decides it. */
export const procedureLevel = z.enum(['central', 'province', 'commune']);
/**
 * The ways it can be done: in person at the one-stop desk, online in full (no visit: the result
 * comes online or by post), online in part (submitted online, the originals shown or the result
 * taken in person), or by public post (bưu chính công ích).
 */
export const procedureWay = z.enum(['in-person', 'online-full', 'online-partial', 'post']);

/** One paper of the dossier (thành phần hồ sơ). */
export const procedureDocument = z.strictObject({
  name: text(600),
  /** How many originals (bản chính) and copies (bản sao) to bring; null when the source does not say. */
  originals: z.number().int().min(0).max(20).nullable(),
  copies: z.number().int().min(0).max(20).nullable(),
  /** The form to fill in (mẫu đơn, tờ khai), by its published name, and its file when one is published. */
  form: z.strictObject({ name: text(300), url: z.url().max(500).nullable() }).nullable(),
  /** Only in some cases ("Trường hợp ..."): said with the paper. */
  note: text(600).nullable(),
});

/** A fee or charge (phí, lệ phí): an amount in đồng, or none, with the published wording. */
export const procedureFee = z.strictObject({
  kind: z.enum(['fee', 'charge']),
  /** The amount in VND; null when it depends (per page, per copy, set by the province's council). */
  amountVnd: z.number().int().min(0).max(1_000_000_000).nullable(),
  /** The published wording ("10.000 đồng/trường hợp", "Miễn lệ phí"). */
  text: text(600),
});

/** The processing time as published, and, where it is one, a number a screen can show large. */
export const processingTime = z.strictObject({
  /** The published wording, with its notes ("05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ"). */
  text: text(800),
  amount: z.number().min(0).max(365).nullable(),
  unit: z.enum(['working-days', 'days', 'hours', 'same-day']).nullable(),
});

export const procedure = z.strictObject({
  code: procedureCode,
  name: text(400),
  nameEn: text(400).nullable().default(null),
  /** The field (lĩnh vực) as published: "Hộ tịch", "Chứng thực", "Đất đai". */
  field: text(200),
  levels: z.array(procedureLevel).min(1).max(3),
  ways: z.array(procedureWay).min(1).max(4),
  time: processingTime,
  /** Empty: none is charged. */
  fees: z.array(procedureFee).max(20),
  documents: z.array(procedureDocument).max(60),
  steps: z.array(text(1500)).max(30),
  conditions: z.array(text(1500)).max(30),
  /** What the citizen gets (kết quả thực hiện). */
  result: text(600),
  /** Laws, decrees and decisions it rests on (căn cứ pháp lý), by number and name. */
  legalBasis: z.array(text(400)).max(40),
  /** Its page on the National Public Service Portal (or the province's), for doing it online. */
  portalUrl: z.url().max(500).nullable(),
  /** Where these facts were read, and on which day. */
  source: z.strictObject({ url: z.url().max(500), retrievedOn: isoDay, note: text(400).nullable().default(null) }),
});
export type Procedure = z.infer<typeof procedure>;
export type ProcedureDocument = z.infer<typeof procedureDocument>;
export type ProcedureFee = z.infer<typeof procedureFee>;

/** A catalog file (docs/procedures.md): where it comes from, and its procedures, each code once. */
export const procedureCatalog = z.strictObject({
  /** What the catalog is, who published it, and when it was read. */
  source: z.strictObject({ name: text(300), url: z.url().max(500).nullable(), retrievedOn: isoDay, note: text(1000).nullable().default(null) }),
  procedures: z
    .array(procedure)
    .max(5_000)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((p, i) => {
        if (seen.has(p.code)) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `code ${p.code} appears twice` });
        seen.add(p.code);
      });
    }),
});
export type ProcedureCatalog = z.infer<typeof procedureCatalog>;

/**
 * A procedure as the centre offers it: with the service (field) whose number it is taken in, and
 * the numbers of the counters that serve that service.
 */
export type OfferedProcedure = Procedure & { serviceId: string | null; counterNumbers: number[] };

/**
 * The catalog as the kiosk, the phone and the counter pad read it (`GET /api/procedures`): public,
 * no personal data. `version` goes up with every change (the public view carries it, so screens
 * fetch the catalog again only when it changed).
 */
export interface ProcedureCatalogView {
  version: number;
  source: ProcedureCatalog['source'];
  procedures: OfferedProcedure[];
}
