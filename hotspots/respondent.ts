/**
 * The respondent of a case, visit or matter as a cluster key (issue 15.4): an agency of the directory
 * (`agency:<id>`) or a person or body named in text (`name:<folded>`), so that "Ông NGUYỄN  Văn A",
 * "nguyen van a" and "Chủ tịch UBND xã Nguyễn Văn A" are one respondent. Pure.
 */

/** Leading honorifics and position titles (folded), stripped repeatedly from the start of a name. */
const TITLES = [
  'ong',
  'ba',
  'anh',
  'chi',
  'co',
  'chu',
  'bac',
  'ngai',
  'dong chi',
  'd/c',
  'đ/c',
  'chu tich ubnd',
  'pho chu tich ubnd',
  'chu tich',
  'pho chu tich',
  'giam doc',
  'pho giam doc',
  'truong phong',
  'pho truong phong',
  'truong ban',
  'pho truong ban',
  'chanh thanh tra',
  'pho chanh thanh tra',
  'thanh tra vien',
  'can bo',
  'cong chuc',
  'bi thu',
  'pho bi thu',
  'truong thon',
  'truong ap',
  'to truong',
  'truong cong an',
  'cong an vien',
].sort((a, b) => b.length - a.length);

/** Case, diacritics (đ → d) and whitespace folded; punctuation other than `/` and `-` dropped. */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/\s-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A respondent's name folded, without a parenthetical, what follows a comma or dash, and leading titles. */
export function normaliseRespondentName(name: string): string {
  let s = foldText(name.replace(/\([^)]*\)/g, ' ').split(/,| - | – /)[0] ?? '');
  for (let changed = true; changed;) {
    changed = false;
    for (const t of TITLES) {
      if (s === t) break;
      if (s.startsWith(`${t} `)) {
        s = s.slice(t.length + 1).trim();
        changed = true;
        break;
      }
    }
  }
  return s;
}

/** The cluster key of a respondent: an agency id wins over a text; null when neither says anything. */
export function respondentKey(r: {
  agencyId?: string | null | undefined;
  name?: string | null | undefined;
}): string | null {
  if (r.agencyId) return `agency:${r.agencyId}`;
  if (r.name) {
    const n = normaliseRespondentName(r.name);
    return n ? `name:${n}` : null;
  }
  return null;
}
