/**
 * The words of the published-decisions screens (ADR 0043), Vietnamese first, English available — kept beside
 * the shared dictionary (i18n.ts) so that these screens add one file; the language is the console's own.
 */
import { useT } from './i18n.js';

const vi = {
  title: 'Quyết định, kết luận đã công khai',
  help:
    'Quyết định giải quyết khiếu nại và kết luận nội dung tố cáo do cơ quan có thẩm quyền công khai ' +
    '(Luật Khiếu nại Điều 41; Luật Tố cáo Điều 40). Thông tin cá nhân đã được che; danh tính người tố cáo không bao giờ ' +
    'được công khai.',
  kind: 'Loại văn bản',
  kindAll: 'Tất cả',
  kind_complaint_decision: 'Quyết định giải quyết khiếu nại',
  kind_denunciation_conclusion: 'Kết luận nội dung tố cáo',
  year: 'Năm ban hành',
  number: 'Số văn bản',
  issuedOn: 'Ngày ban hành',
  publishedAt: 'Ngày đăng',
  minimumUntil: 'Đăng ít nhất đến hết ngày',
  legalBasis: 'Căn cứ',
  more: 'Xem thêm',
  none: 'Chưa có văn bản nào được công khai.',
  back: '← Danh sách',
  read: 'Xem toàn văn',
  text: 'Nội dung (đã che thông tin cá nhân)',
  // Officer's panel on the case page.
  panel: 'Công khai quyết định / kết luận',
  panelHelp:
    'Dán toàn văn đã ban hành. Hệ thống che tên, địa chỉ, số giấy tờ, điện thoại, thư điện tử của các bên; ' +
    'kiểm tra bản xem trước rồi mới đăng. Bản gốc không được lưu.',
  fullText: 'Toàn văn quyết định / kết luận',
  extraTerms: 'Che thêm (mỗi dòng một cụm từ)',
  preview: 'Xem trước bản đã che',
  replaced: 'Đã thay thế',
  publish: 'Đăng công khai bản này',
  published: 'Đã đăng',
  withdrawn: 'Đã gỡ',
  withdraw: 'Gỡ xuống',
  reason: 'Lý do gỡ',
  required: 'Bắt buộc công khai',
  optional: 'Không bắt buộc (chưa xác định)',
  publications: 'Các lần công khai',
};
type WordKey = keyof typeof vi;
const en: Record<WordKey, string> = {
  title: 'Published decisions and conclusions',
  help:
    'Complaint decisions and denunciation conclusions published by the competent agency (Law on Complaints Art 41; ' +
    "Law on Denunciations Art 40). Personal data is redacted; a denouncer's identity is never published.",
  kind: 'Document type',
  kindAll: 'All',
  kind_complaint_decision: 'Complaint decision',
  kind_denunciation_conclusion: 'Denunciation conclusion',
  year: 'Year issued',
  number: 'Number',
  issuedOn: 'Issued on',
  publishedAt: 'Published',
  minimumUntil: 'Posted at least until',
  legalBasis: 'Legal basis',
  more: 'More',
  none: 'Nothing published yet.',
  back: '← List',
  read: 'Read the full text',
  text: 'Text (personal data redacted)',
  panel: 'Publish the decision / conclusion',
  panelHelp:
    "Paste the full text as issued. The parties' names, addresses, ID numbers, phones and emails are redacted; " +
    'review the preview, then publish. The original is not stored.',
  fullText: 'Full text of the decision / conclusion',
  extraTerms: 'Also hide (one phrase per line)',
  preview: 'Preview the redacted text',
  replaced: 'Replaced',
  publish: 'Publish this text',
  published: 'Published',
  withdrawn: 'Withdrawn',
  withdraw: 'Withdraw',
  reason: 'Reason for withdrawal',
  required: 'Publication required',
  optional: 'Not required (UNCONFIRMED)',
  publications: 'Publications',
};

/** `w('title')` in the console's current language, plus its formatters. */
export function useWords() {
  const { lang, fmt } = useT();
  return { w: (k: WordKey) => (lang === 'en' ? en[k] : vi[k]), fmt, lang };
}
