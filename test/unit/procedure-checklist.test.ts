import { describe, expect, it } from 'vitest';
import { checklistSections } from '../../server/domain/procedure-checklist';
import type { ProcedureDocument } from '../../server/protocol/procedure-catalog';

const doc = (name: string, note: string | null): ProcedureDocument => ({ name, originals: 1, copies: 0, form: null, note });

describe('a procedure\'s checklist', () => {
  it('puts the papers to hand in first, then those to show, the cases, the remarks last; in each, everyone\'s papers before the cases', () => {
    const sections = checklistSections([
      doc('Trường hợp trẻ em bị bỏ rơi: biên bản', 'Giấy tờ phải nộp'),
      doc('Lưu ý về bản điện tử', 'Lưu ý'),
      doc('Hộ chiếu hoặc thẻ căn cước', 'Giấy tờ phải xuất trình'),
      doc('Tờ khai đăng ký khai sinh', 'Giấy tờ phải nộp'),
      doc('Văn bản ủy quyền', 'Trường hợp ủy quyền thực hiện thủ tục'),
      doc('Giấy chứng sinh', null),
    ]);
    expect(sections.map((s) => [s.heading, s.documents.map((d) => d.name)])).toEqual([
      ['Giấy tờ phải nộp', ['Tờ khai đăng ký khai sinh', 'Trường hợp trẻ em bị bỏ rơi: biên bản']],
      [null, ['Giấy chứng sinh']],
      ['Giấy tờ phải xuất trình', ['Hộ chiếu hoặc thẻ căn cước']],
      ['Trường hợp ủy quyền thực hiện thủ tục', ['Văn bản ủy quyền']],
      ['Lưu ý', ['Lưu ý về bản điện tử']],
    ]);
    expect(sections.flatMap((s) => s.documents)).toHaveLength(6);
  });
});
