/**
 * Vietnamese message templates of the notifications (issue 13.2, ADR 0025): a subject, a plain text
 * and a simple HTML body per notification kind (the `kind` the lifecycle definitions record), each
 * carrying the case reference, the step, the due date in Vietnam time (dd/MM/yyyy HH:mm) and a link
 * to the case. Pure: no I/O. The case's subject and parties are never part of a message (a free-text
 * subject may name people; a denouncer's identity never leaves the case file — Luật Tố cáo 2018 Art 8(3)).
 */
import { DateTime } from 'luxon';
import { stageLabel } from '../processes/builtin/labels-vi.js';

/** What a message may say about its case: references and dates only. */
export interface MessageContext {
  /** The notification kind (`deadline_breach`, `mass_case_received`, …). */
  kind: string;
  /** The case reference (e.g. `KN-2026-0000123`). */
  reference: string;
  /**
   * The step concerned (its name: a task's node name or the case's stage, as stored), or null when unknown. The
   * message shows its Vietnamese label (processes/builtin/labels-vi.ts stageLabel: a built-in step is named in English).
   */
  step: string | null;
  /** The due instant concerned (ISO), or null. */
  dueAt: string | null;
  /** The link to the case. */
  link: string;
  /** The recipient's display name (a staff member of the directory), or null. */
  recipientName: string | null;
  /** The agency concerned (a report's sender), when the message is about an agency rather than a case. */
  agencyName?: string | null;
  /**
   * What a message about something other than a case says (a notification's `detail`): e.g. a compliance
   * shortfall's period, citation and days. References, dates, counts and citations only — never a party.
   */
  detail?: Readonly<Record<string, string | number | null>> | undefined;
}

/** A rendered message. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

interface Template {
  /** Subject, after `[KNTC] `. */
  subject: (c: MessageContext) => string;
  /** The opening sentence. */
  lead: (c: MessageContext) => string;
  /** What the recipient is asked to do. */
  action: string;
  /** The facts listed (default, also when it answers undefined: the case reference, the step, the due date). */
  facts?: (c: MessageContext, due: string | null) => Array<[string, string]> | undefined;
  /** The text of the link (default, also when it answers undefined: "Xem hồ sơ <reference>"). */
  linkText?: (c: MessageContext) => string | undefined;
}

/** A hotspot notification about the hotspot itself (no case in its cluster): `detail.subject` is `hotspot`. */
const aboutHotspot = (c: MessageContext): boolean => c.detail?.subject === 'hotspot';
const LEVEL_VI: Readonly<Record<string, string>> = { watch: 'theo dõi', warning: 'cảnh báo', hot: 'nóng' };

/** The facts of a message about a hotspot: its place, sector and level (never a respondent); a case's default. */
function hotspotFacts(c: MessageContext): Array<[string, string]> | undefined {
  if (!aboutHotspot(c)) return undefined;
  const d = c.detail ?? {};
  return [
    ['Địa bàn', c.reference],
    ['Lĩnh vực', typeof d.sector === 'string' ? d.sector : 'không xác định'],
    ['Mức cảnh báo', LEVEL_VI[String(d.level)] ?? String(d.level ?? 'không xác định')],
    ['Số cụm tăng mức', String(d.riseCount ?? 1)],
  ];
}

const hotspotLinkText = (c: MessageContext): string | undefined =>
  aboutHotspot(c) ? `Xem điểm nóng tại ${c.reference}` : undefined;

const BREACH_ACTION = 'Đề nghị đồng chí xem xét, chỉ đạo xử lý ngay hồ sơ quá hạn.';

/** Templates by kind; unknown kinds use {@link FALLBACK}. */
export const TEMPLATES: Readonly<Record<string, Template>> = {
  deadline_breach: {
    subject: (c) => `Quá hạn xử lý hồ sơ ${c.reference}`,
    lead: (c) => `Hồ sơ ${c.reference} đã quá thời hạn xử lý theo quy định.`,
    action: BREACH_ACTION,
  },
  resolution_deadline_breach: {
    subject: (c) => `Quá thời hạn giải quyết khiếu nại ${c.reference}`,
    lead: (c) => `Khiếu nại ${c.reference} đã quá thời hạn giải quyết theo quy định của Luật Khiếu nại.`,
    action: BREACH_ACTION,
  },
  denunciation_resolution_breach: {
    subject: (c) => `Quá thời hạn giải quyết tố cáo ${c.reference}`,
    lead: (c) => `Tố cáo ${c.reference} đã quá thời hạn giải quyết theo quy định của Luật Tố cáo.`,
    action: BREACH_ACTION,
  },
  letter_unprocessed_45_days: {
    subject: (c) => `Đơn ${c.reference} chưa được xử lý sau 45 ngày`,
    lead: (c) => `Đơn ${c.reference} chưa được xử lý trong thời hạn 45 ngày kể từ ngày nhận.`,
    action: BREACH_ACTION,
  },
  deadline_breach_superseded: {
    subject: (c) => `Hồ sơ ${c.reference} không còn quá hạn`,
    lead: (c) =>
      `Thời hạn của hồ sơ ${c.reference} đã được gia hạn hoặc tạm đình chỉ trong thời hạn; việc quá hạn trước đây không còn.`,
    action: 'Đồng chí không cần xử lý thêm về việc quá hạn này.',
  },
  mass_case_received: {
    subject: (c) => `Tiếp nhận vụ việc đông người ${c.reference}`,
    lead: (c) => `Cơ quan vừa tiếp nhận vụ việc đông người, hồ sơ ${c.reference}.`,
    action: 'Đề nghị đồng chí nắm tình hình và chỉ đạo phương án tiếp nhận, xử lý.',
  },
  right_to_sue_opened: {
    subject: (c) => `Mở thời hạn khởi kiện đối với hồ sơ ${c.reference}`,
    lead: (c) => `Đối với hồ sơ ${c.reference}, thời hạn khởi kiện vụ án hành chính đã bắt đầu.`,
    action: 'Đề nghị theo dõi việc khởi kiện (nếu có).',
  },
  task_assigned: {
    subject: (c) => `Được giao xử lý hồ sơ ${c.reference}`,
    lead: (c) => `Đồng chí được giao một công việc trong hồ sơ ${c.reference}.`,
    action: 'Đề nghị đồng chí thực hiện trong thời hạn.',
  },
  hotspot_raised: {
    subject: (c) =>
      aboutHotspot(c)
        ? `Cảnh báo sớm điểm nóng tại ${c.reference}`
        : `Cảnh báo sớm điểm nóng — hồ sơ mới nhất ${c.reference}`,
    lead: (c) =>
      aboutHotspot(c)
        ? `Hệ thống phát hiện một cụm vụ việc (tiếp công dân, đoàn đông người, tập trung đông người) có dấu hiệu ` +
          `trở thành điểm nóng trên địa bàn ${c.reference}.`
        : `Hệ thống phát hiện một cụm đơn thư, vụ việc có dấu hiệu trở thành điểm nóng trên địa bàn; hồ sơ mới nhất của cụm là ${c.reference}.`,
    action: 'Đề nghị đồng chí xem cảnh báo (GET /v1/hotspots) và chỉ đạo phương án xử lý.',
    facts: hotspotFacts,
    linkText: hotspotLinkText,
  },
  hotspot_level_changed: {
    subject: (c) =>
      aboutHotspot(c)
        ? `Điểm nóng tại ${c.reference} tăng mức cảnh báo`
        : `Điểm nóng tăng mức cảnh báo — hồ sơ mới nhất ${c.reference}`,
    lead: (c) =>
      aboutHotspot(c)
        ? `Một điểm nóng trên địa bàn ${c.reference} đã tăng mức cảnh báo.`
        : `Một điểm nóng trên địa bàn đã tăng mức cảnh báo; hồ sơ mới nhất của cụm là ${c.reference}.`,
    action: 'Đề nghị đồng chí xem cảnh báo (GET /v1/hotspots) và chỉ đạo xử lý kịp thời.',
    facts: hotspotFacts,
    linkText: hotspotLinkText,
  },
  report_overdue: {
    subject: (c) => `Chậm gửi báo cáo ${c.reference} của ${c.agencyName ?? 'cơ quan cấp dưới'}`,
    lead: (c) => `${c.agencyName ?? 'Cơ quan cấp dưới'} chưa gửi báo cáo kỳ ${c.reference} trong thời hạn.`,
    action: 'Đề nghị đồng chí đôn đốc việc gửi báo cáo.',
    facts: (c, due) => [
      ['Cơ quan', c.agencyName ?? 'không xác định'],
      ['Kỳ báo cáo', c.reference],
      ['Hạn gửi', due ? `${due} (giờ Việt Nam)` : 'không có'],
    ],
    linkText: (c) => `Xem báo cáo ${c.reference}`,
  },
  reception_compliance_shortfall: {
    subject: (c) => `Người đứng đầu ${c.agencyName ?? 'cơ quan cấp dưới'} chưa tiếp công dân đủ số ngày ${c.reference}`,
    lead: (c) =>
      `Người đứng đầu ${c.agencyName ?? 'cơ quan cấp dưới'} chưa trực tiếp tiếp công dân đủ số ngày tối thiểu ` +
      `${c.reference} theo ${String(c.detail?.citation ?? 'quy định của pháp luật về tiếp công dân')}.`,
    action: 'Đề nghị đồng chí xem xét, chấn chỉnh việc tiếp công dân định kỳ của người đứng đầu cơ quan cấp dưới.',
    facts: (c) => [
      ['Cơ quan', c.agencyName ?? 'không xác định'],
      ['Kỳ', c.reference],
      ['Số ngày phải tiếp trực tiếp', String(c.detail?.requiredDays ?? '')],
      ['Số ngày đã tiếp trực tiếp', String(c.detail?.heldDays ?? '')],
      ['Số ngày ủy quyền tiếp (không tính)', String(c.detail?.delegatedDays ?? 0)],
      ['Căn cứ', String(c.detail?.citation ?? '')],
    ],
    linkText: (c) => `Xem kết quả tiếp công dân ${c.reference}`,
  },
  calendar_changed: {
    subject: (c) => `Thay đổi lịch làm việc ảnh hưởng hồ sơ ${c.reference}`,
    lead: (c) => `Lịch làm việc (ngày nghỉ, ngày làm bù) thay đổi; thời hạn của hồ sơ ${c.reference} đã được tính lại.`,
    action: 'Đề nghị kiểm tra thời hạn mới của hồ sơ.',
  },
};

const FALLBACK: Template = {
  subject: (c) => `Thông báo về hồ sơ ${c.reference}`,
  lead: (c) => `Có thông báo mới về hồ sơ ${c.reference}.`,
  action: 'Đề nghị đồng chí xem chi tiết hồ sơ.',
};

/** `2026-12-03T16:59:59.999Z` → `03/12/2026 23:59` (Asia/Ho_Chi_Minh); null or unparseable → null. */
export function vnDateTime(iso: string | null): string | null {
  if (!iso) return null;
  const d = DateTime.fromISO(iso, { setZone: true });
  return d.isValid ? d.setZone('Asia/Ho_Chi_Minh').toFormat('dd/MM/yyyy HH:mm') : null;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Renders the message of a notification for one recipient. */
export function renderMessage(c: MessageContext): RenderedMessage {
  const t = TEMPLATES[c.kind] ?? FALLBACK;
  const due = vnDateTime(c.dueAt);
  const rows: Array<[string, string]> = t.facts?.(c, due) ?? [
    ['Mã hồ sơ', c.reference],
    ['Bước xử lý', c.step === null ? 'không xác định' : stageLabel(c.step)],
    ['Thời hạn', due ? `${due} (giờ Việt Nam)` : 'không có'],
  ];
  const custom = t.linkText?.(c);
  const linkText = custom ?? `Xem hồ sơ ${c.reference}`;
  const linkLead = custom ?? 'Xem hồ sơ';
  const greeting = c.recipientName ? `Kính gửi đồng chí ${c.recipientName},` : 'Kính gửi đồng chí,';
  const footer =
    'Thư này được gửi tự động bởi hệ thống quản lý khiếu nại, tố cáo (kntc-flow). Vui lòng không trả lời thư này.';
  const text = [
    greeting,
    '',
    t.lead(c),
    '',
    ...rows.map(([k, v]) => `${k}: ${v}`),
    '',
    t.action,
    '',
    `${linkLead}: ${c.link}`,
    '',
    '--',
    footer,
    '',
  ].join('\n');
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body style="font-family:sans-serif">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(t.lead(c))}</p>`,
    '<table cellpadding="4">',
    ...rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    `<p>${escapeHtml(t.action)}</p>`,
    `<p><a href="${escapeHtml(c.link)}">${escapeHtml(linkText)}</a></p>`,
    `<hr><p style="color:#666;font-size:small">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: `[KNTC] ${t.subject(c)}`, text, html };
}

/** The short text of an SMS (≤ 160 characters where the step allows it): kind, reference, due date, link. */
export function renderSms(c: MessageContext): string {
  const t = TEMPLATES[c.kind] ?? FALLBACK;
  const due = vnDateTime(c.dueAt);
  return `KNTC: ${t.subject(c)}${due ? `. Hạn: ${due}` : ''}. ${c.link}`;
}
