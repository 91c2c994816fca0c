/**
 * A procedure's checklist on the ticket printer, as ESC/POS bytes: what to bring, ticked off at
 * home, with the procedure's time and fees and a QR to the same page on the phone. Pure, like the
 * ticket: every value comes formatted, in the printer's own way of printing Vietnamese.
 */
import type { ChecklistPrintout } from '../device-contract';
import { EscPosEncoder } from './encoder';
import { measureFor, PAPER, textConfigFor, wrapText, type PrinterTextSettings } from './ticket-layout';

export type ChecklistDescription = ChecklistPrintout & PrinterTextSettings;

/** A box to tick, then the paper's words, wrapped under the first line's words. */
const BOX = '[ ] ';

export function checklistBytes(list: ChecklistDescription): Uint8Array {
  const { columns } = PAPER[list.paperWidth];
  const measure = measureFor(list.textMode);
  const enc = new EscPosEncoder(textConfigFor(list)).start();
  const lines = (ls: string[]) => ls.forEach((l) => enc.line(l));

  enc.align('center').bold(true);
  lines(wrapText(list.centreName, columns, measure));
  enc.bold(false);
  lines(wrapText(list.titleText, columns, measure));
  enc.feed(1).bold(true).size(1, 2);
  lines(wrapText(list.procedureName, columns, measure));
  enc.size(1, 1).bold(false);
  lines(wrapText(list.codeText, columns, measure));
  enc.feed(1).align('left');
  for (const fact of list.facts) lines(wrapText(`${fact.label}: ${fact.value}`, columns, measure));
  enc.feed(1);
  for (const section of list.sections) {
    if (section.heading) {
      enc.bold(true);
      lines(wrapText(section.heading, columns, measure));
      enc.bold(false);
    }
    for (const item of section.items) {
      const [first = '', ...rest] = wrapText(item, columns - BOX.length, measure);
      enc.line(`${BOX}${first}`);
      for (const more of rest) enc.line(`${' '.repeat(BOX.length)}${more}`);
    }
    enc.feed(1);
  }
  enc.align('center');
  enc.qr(list.pageUrl, { moduleSize: list.paperWidth === 58 ? 5 : 6, level: 'M' });
  lines(wrapText(list.qrText, columns, measure));
  lines(wrapText(list.printedAtText, columns, measure));
  enc.cut();
  return enc.bytes();
}
