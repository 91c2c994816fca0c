/**
 * Vietnamese text folded for matching what people type: lower case, tone and vowel marks dropped
 * (NFD, combining marks removed), đ as d, runs of white space as one space. "Đăng ký Khai sinh"
 * and "dang ky  khai sinh" fold alike. Browser-safe.
 */
export function foldVietnamese(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/\s+/g, ' ')
    .trim();
}
