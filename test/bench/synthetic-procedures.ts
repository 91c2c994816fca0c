import type { Procedure } from '../../server/protocol/procedure-catalog';

/**
 * A catalog of realistic size for the procedure search (catalog-bench.ts, and the unit test's
 * recall over 2,000 procedures): the demo centre's real procedures (server/config/demo-procedures.json)
 * and synthetic ones made from them, each labelled as such in its source note and coded "9.9xxxxx"
 * (no real code starts with 9). Half are a real procedure with another action word ("Cấp lại",
 * "Gia hạn", ...) or for another kind of applicant ("đối với tổ chức", ...), in the same field, so
 * the real one has look-alikes to beat; half are procedures of fields the demo catalog lacks
 * (transport, health, education, environment, ...; some with an action word or an applicant added)
 * with a real procedure's documents, so the index has a realistic size and vocabulary. Names are
 * distinct; the same catalog on every run (a seeded generator).
 */

const ACTIONS = ['Cấp lại', 'Cấp đổi', 'Gia hạn', 'Điều chỉnh', 'Thu hồi', 'Đính chính', 'Hủy bỏ', 'Công nhận', 'Thẩm định', 'Phê duyệt', 'Tiếp nhận', 'Chấm dứt'];
const APPLICANTS = [
  'đối với tổ chức',
  'đối với hộ gia đình, cá nhân',
  'cho người nước ngoài',
  'cho doanh nghiệp nhà nước',
  'cho hợp tác xã',
  'tại Sở Tư pháp cấp tỉnh',
  'trên môi trường điện tử',
  'đối với cơ sở giáo dục',
  'đối với cơ sở khám bệnh, chữa bệnh',
  'đối với người Việt Nam định cư ở nước ngoài',
  'trong khu công nghiệp, khu chế xuất',
  'thuộc thẩm quyền của Ủy ban nhân dân cấp tỉnh',
  'đối với trường hợp bị mất, hư hỏng',
  'cho người có công với cách mạng',
];
/** Procedures of fields the demo catalog has not (published names, as patterns of the national database). */
const OTHER_FIELDS: { field: string; names: string[] }[] = [
  { field: 'Đường bộ', names: ['Cấp giấy phép lái xe', 'Đổi giấy phép lái xe do ngành Giao thông vận tải quản lý', 'Cấp giấy phép kinh doanh vận tải bằng xe ô tô', 'Cấp phù hiệu xe ô tô kinh doanh vận tải', 'Đăng ký xe máy chuyên dùng'] },
  { field: 'Đường thủy nội địa', names: ['Đăng ký phương tiện thủy nội địa lần đầu', 'Cấp giấy chứng nhận khả năng chuyên môn thuyền trưởng', 'Xóa giấy chứng nhận đăng ký phương tiện thủy nội địa'] },
  { field: 'Khám bệnh, chữa bệnh', names: ['Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh', 'Cấp giấy phép hoạt động phòng khám đa khoa', 'Công bố cơ sở đủ điều kiện tiêm chủng'] },
  { field: 'An toàn thực phẩm', names: ['Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm', 'Đăng ký bản công bố sản phẩm thực phẩm bảo vệ sức khỏe', 'Cấp giấy xác nhận kiến thức về an toàn thực phẩm'] },
  { field: 'Giáo dục và Đào tạo', names: ['Cho phép trường mầm non hoạt động giáo dục', 'Chuyển trường đối với học sinh trung học cơ sở', 'Công nhận trường tiểu học đạt chuẩn quốc gia', 'Cấp bản sao văn bằng, chứng chỉ từ sổ gốc'] },
  { field: 'Môi trường', names: ['Cấp giấy phép môi trường', 'Đăng ký môi trường', 'Thẩm định báo cáo đánh giá tác động môi trường'] },
  { field: 'Tài nguyên nước', names: ['Cấp giấy phép khai thác, sử dụng nước mặt', 'Cấp giấy phép thăm dò nước dưới đất', 'Cấp giấy phép xả nước thải vào nguồn nước'] },
  { field: 'Bảo trợ xã hội', names: ['Trợ cấp xã hội hằng tháng cho người cao tuổi', 'Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật', 'Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội', 'Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở'] },
  { field: 'Người có công', names: ['Giải quyết chế độ trợ cấp thờ cúng liệt sĩ', 'Cấp giấy báo tử liệt sĩ', 'Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ'] },
  { field: 'Việc làm', names: ['Giải quyết hưởng trợ cấp thất nghiệp', 'Cấp giấy phép lao động cho người lao động nước ngoài', 'Đăng ký hợp đồng lao động cá nhân'] },
  { field: 'Văn hóa cơ sở', names: ['Cấp giấy phép tổ chức lễ hội', 'Thông báo tổ chức biểu diễn nghệ thuật', 'Công nhận danh hiệu Gia đình văn hóa'] },
  { field: 'Thi đua, khen thưởng', names: ['Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã', 'Tặng danh hiệu Lao động tiên tiến'] },
  { field: 'Tôn giáo', names: ['Đăng ký sinh hoạt tôn giáo tập trung', 'Thông báo danh mục hoạt động tôn giáo'] },
  { field: 'Nông nghiệp', names: ['Cấp giấy chứng nhận kinh tế trang trại', 'Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai', 'Cấp giấy chứng nhận đăng ký tàu cá'] },
  { field: 'Thuế', names: ['Đăng ký thuế lần đầu đối với hộ kinh doanh', 'Khai thuế đối với cá nhân cho thuê tài sản', 'Miễn, giảm thuế sử dụng đất phi nông nghiệp'] },
  { field: 'Công thương', names: ['Cấp giấy phép bán lẻ sản phẩm rượu', 'Cấp giấy phép bán lẻ sản phẩm thuốc lá', 'Cấp giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu'] },
];

/** Mulberry32: the same synthetic catalog on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
/** "Gia hạn" + "Cấp giấy phép ..." is "Gia hạn giấy phép ...", as the national database names them. */
const withAction = (action: string, name: string) => `${action} ${lowerFirst(name.replace(/^Cấp /, ''))}`;

/** The real procedures, then synthetic ones up to `size`, labelled as such. */
export function withSyntheticProcedures(real: readonly Procedure[], size: number): Procedure[] {
  const next = random(14);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const out: Procedure[] = [...real];
  const taken = new Set(real.map((p) => p.name));
  for (let k = 0; out.length < size; k++) {
    const base = real[k % real.length]!;
    const code = `9.${String(900_001 + k).padStart(6, '0')}`;
    let name = '';
    let field = '';
    // Names are distinct, as in a real catalog: draw again when one was made already.
    for (let attempt = 0; attempt < 50 && (name === '' || taken.has(name)); attempt++) {
      if (k % 2 === 0) {
        // A look-alike of a real procedure, in its field.
        const plain = base.name.replace(/^Thủ tục /, '');
        name = next() < 0.5 ? withAction(pick(ACTIONS), plain) : `${plain} ${pick(APPLICANTS)}`;
        field = base.field;
      } else {
        const other = pick(OTHER_FIELDS);
        const named = pick(other.names);
        name = `${next() < 0.3 ? withAction(pick(ACTIONS), named) : named}${next() < 0.75 ? ` ${pick(APPLICANTS)}` : ''}`;
        field = other.field;
      }
    }
    if (taken.has(name)) name = `${name} (${k})`;
    taken.add(name);
    out.push({
      ...base,
      code,
      name: name.slice(0, 400),
      nameEn: null,
      field,
      source: { ...base.source, note: `Synthetic variant for the benchmark (test/bench/catalog-bench.ts), made from ${base.code}: not a real procedure` },
    });
  }
  return out;
}
