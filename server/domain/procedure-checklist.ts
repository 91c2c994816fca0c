import type { ProcedureDocument } from '../protocol/procedure-catalog';

/**
 * A procedure's papers in the order a visitor needs them (the kiosk's checklist, the printed one,
 * the phone's): the published sections kept (a paper's `note` is the heading it was published
 * under: "Giấy tờ phải nộp", "Giấy tờ phải xuất trình", a case such as "Trường hợp ủy quyền ..."),
 * the papers to hand in first, those to show next, the cases after, "Lưu ý" (remarks) last; in
 * each section the papers everyone brings before those "Trường hợp ..." (only in some cases).
 * Nothing is dropped or reworded. Pure.
 */
export interface ChecklistSection {
  /** The published heading; null for papers published under none. */
  heading: string | null;
  documents: ProcedureDocument[];
}

const HAND_IN = /^giấy tờ phải nộp$/i;
const SHOW = /^giấy tờ phải xuất trình$/i;
const REMARKS = /^lưu ý$/i;
const CASE = /^trường hợp\b/i;

function rank(heading: string | null): number {
  if (heading === null || HAND_IN.test(heading)) return 0;
  if (SHOW.test(heading)) return 1;
  if (REMARKS.test(heading)) return 3;
  return 2;
}

export function checklistSections(documents: readonly ProcedureDocument[]): ChecklistSection[] {
  const sections: ChecklistSection[] = [];
  for (const d of documents) {
    const heading = d.note?.trim() || null;
    let section = sections.find((s) => s.heading === heading);
    if (!section) sections.push((section = { heading, documents: [] }));
    section.documents.push(d);
  }
  for (const s of sections) s.documents = [...s.documents.filter((d) => !CASE.test(d.name)), ...s.documents.filter((d) => CASE.test(d.name))];
  // Stable: sections of one rank keep their published order.
  return sections.map((s, i) => ({ s, i })).sort((a, b) => rank(a.s.heading) - rank(b.s.heading) || a.i - b.i).map(({ s }) => s);
}
