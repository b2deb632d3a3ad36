/**
 * Redaction of a decision or conclusion before it is published (ADR 0043). Pure: the caller passes the case's
 * parties (decrypted for this purpose only) and the text. Every party's name, address, ID number, phone and
 * email is replaced by a label naming the role ("[Người khiếu nại 1]", "[địa chỉ]"); matching ignores case,
 * Vietnamese diacritics and spacing, so "NGUYEN VAN  AN" is caught like "Nguyễn Văn An". A name is also caught
 * as its given part after a form of address ("ông An"), and as its last two words ("Văn An"). ID-card, phone
 * and email patterns are replaced whoever they belong to. The denouncer's identity never survives
 * (Luật Tố cáo 2018 Art 8(3), 40(3), 47; NĐ 31/2019 Art 6(1)): `assertNoIdentity` re-checks it.
 */
import type { PartyIdentity, PartyRole } from '../db/parties.js';

export type RedactionKind = 'name' | 'address' | 'id_number' | 'phone' | 'email' | 'term';

export interface RedactionParty {
  role: PartyRole;
  identity: PartyIdentity;
}

export interface Replacement {
  kind: RedactionKind;
  /** The label written in place of the value (never the value). */
  label: string;
  count: number;
}

export interface RedactionResult {
  text: string;
  replacements: Replacement[];
}

const ROLE_LABEL: Record<PartyRole, string> = {
  complainant: 'Người khiếu nại',
  denouncer: 'Người tố cáo',
  representative: 'Người đại diện',
  accused: 'Người bị tố cáo',
  related: 'Người có liên quan',
};

const KIND_LABEL: Record<Exclude<RedactionKind, 'name'>, string> = {
  address: '[địa chỉ]',
  id_number: '[số giấy tờ tùy thân]',
  phone: '[số điện thoại]',
  email: '[thư điện tử]',
  term: '[đã che]',
};

/** One UTF-16 unit folded: lower case, no diacritics, đ → d; anything that does not fold to one unit stays. */
function foldUnit(ch: string): string {
  const lower = ch.toLowerCase();
  if (lower === 'đ') return 'd';
  const base = lower.normalize('NFD').replace(/\p{M}/gu, '');
  return base.length === 1 ? base : lower.length === 1 ? lower : ch;
}

/** The text folded unit by unit: the same length, so an index into it is an index into the text. */
function fold(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += foldUnit(text[i]!);
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern for a folded term: its words separated by any run of spaces, or of spaces and `sep` characters. */
function termPattern(term: string, sep = ''): string | undefined {
  const words = fold(term.normalize('NFC')).trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  return words.map(escape).join(`[\\s${sep}]+`);
}

const BEFORE = '(?<![\\p{L}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{N}])';
const HONORIFICS = ['ông', 'bà', 'anh', 'chị', 'cô', 'chú', 'bác', 'em', 'cụ', 'đồng chí', 'đ/c'];

interface Rule {
  re: RegExp;
  kind: RedactionKind;
  label: string;
  /** Keep the first capture group (e.g. the form of address) and replace the rest. */
  keepPrefix?: boolean;
}

function digitsPattern(value: string): string | undefined {
  const d = value.replace(/\D/g, '');
  if (d.length < 6) return undefined;
  return d.split('').join('[\\s.\\-]?');
}

function partyRules(parties: readonly RedactionParty[]): Rule[] {
  const rules: Rule[] = [];
  const counters = new Map<PartyRole, number>();
  const totals = new Map<PartyRole, number>();
  for (const p of parties) totals.set(p.role, (totals.get(p.role) ?? 0) + 1);
  for (const p of parties) {
    const n = (counters.get(p.role) ?? 0) + 1;
    counters.set(p.role, n);
    const label = `[${ROLE_LABEL[p.role]}${(totals.get(p.role) ?? 0) > 1 ? ` ${n}` : ''}]`;
    const i = p.identity;
    const name = termPattern(i.name);
    if (name) rules.push({ re: new RegExp(`${BEFORE}${name}${AFTER}`, 'gu'), kind: 'name', label });
    const words = fold(i.name.normalize('NFC')).trim().split(/\s+/).filter(Boolean);
    if (words.length >= 3) {
      const tail = words.slice(-2).map(escape).join('\\s+');
      rules.push({ re: new RegExp(`${BEFORE}${tail}${AFTER}`, 'gu'), kind: 'name', label });
    }
    if (words.length >= 2) {
      const given = escape(words[words.length - 1]!);
      const forms = HONORIFICS.map((h) => termPattern(h)!).join('|');
      rules.push({
        re: new RegExp(`${BEFORE}(${forms})\\s+${given}${AFTER}`, 'gu'),
        kind: 'name',
        label,
        keepPrefix: true,
      });
    }
    if (i.address) {
      const a = termPattern(i.address, ',');
      if (a) rules.push({ re: new RegExp(`${BEFORE}${a}${AFTER}`, 'gu'), kind: 'address', label: KIND_LABEL.address });
    }
    for (const [value, kind] of [
      [i.idNumber, 'id_number'],
      [i.phone, 'phone'],
    ] as const) {
      const d = value ? digitsPattern(value) : undefined;
      if (d) rules.push({ re: new RegExp(`(?<!\\d)${d}(?!\\d)`, 'gu'), kind, label: KIND_LABEL[kind] });
    }
    if (i.email) {
      const e = termPattern(i.email);
      if (e) rules.push({ re: new RegExp(e, 'gu'), kind: 'email', label: KIND_LABEL.email });
    }
  }
  return rules;
}

/** Whoever they belong to: citizen ID (12 digits) and old ID card (9) numbers, Vietnamese phones, emails. */
const PATTERN_RULES: Rule[] = [
  // Starts only where a local part can start (linear on a long token without `@`), parts bounded as RFC 5321's.
  {
    re: /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}.-]{1,253}\.[a-z]{2,63}/gu,
    kind: 'email',
    label: KIND_LABEL.email,
  },
  { re: /(?<!\d|\d[.,])(?:\+84|0)(?:[\s.-]?\d){9,10}(?!\d|[.,]\d)/gu, kind: 'phone', label: KIND_LABEL.phone },
  { re: /(?<!\d|\d[.,/])(?:\d{12}|\d{9})(?!\d|[.,/]\d)/gu, kind: 'id_number', label: KIND_LABEL.id_number },
];

/**
 * Redacts `text`: the parties' identities, the ID/phone/email patterns, and `extraTerms` (what the publisher saw
 * in the preview and asked to hide, e.g. a relative's name). Longest matches first; no replaced span is touched
 * twice.
 */
export function redactText(
  text: string,
  parties: readonly RedactionParty[],
  extraTerms: readonly string[] = [],
): RedactionResult {
  const source = text.normalize('NFC');
  const folded = fold(source);
  const rules: Rule[] = [
    ...extraTerms.flatMap((t) => {
      const p = termPattern(t);
      return p
        ? [{ re: new RegExp(`${BEFORE}${p}${AFTER}`, 'gu'), kind: 'term' as const, label: KIND_LABEL.term }]
        : [];
    }),
    ...partyRules(parties),
    ...PATTERN_RULES,
  ];
  interface Span {
    start: number;
    end: number;
    rule: Rule;
  }
  const spans: Span[] = [];
  for (const rule of rules) {
    for (const m of folded.matchAll(rule.re)) {
      let start = m.index;
      if (rule.keepPrefix && m[1]) {
        // Keep "ông " (the form of address and the spaces after it).
        const rest = m[0].slice(m[1].length);
        start = m.index + m[1].length + (rest.length - rest.trimStart().length);
      }
      spans.push({ start, end: m.index + m[0].length, rule });
    }
  }
  // Longest first, then earliest; keep the spans that overlap none kept before.
  spans.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Span[] = [];
  for (const s of spans) if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  kept.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  const counts = new Map<string, Replacement>();
  for (const s of kept) {
    out += source.slice(at, s.start) + s.rule.label;
    at = s.end;
    const key = `${s.rule.kind}|${s.rule.label}`;
    const r = counts.get(key) ?? { kind: s.rule.kind, label: s.rule.label, count: 0 };
    r.count++;
    counts.set(key, r);
  }
  out += source.slice(at);
  return { text: out, replacements: [...counts.values()] };
}

/**
 * True when any identifying value of `parties` (name, address, ID number, phone, email) can still be found in
 * `text`, ignoring case, diacritics and spacing. Used as a last check before a text is published.
 */
export function containsIdentity(text: string, parties: readonly RedactionParty[]): boolean {
  const folded = fold(text.normalize('NFC'));
  return partyRules(parties)
    .filter((r) => !r.keepPrefix)
    .some((r) => new RegExp(r.re.source, 'u').test(folded));
}
