import { describe, expect, it } from 'vitest';
import { maskAddress } from '../../api/routes/notifications.js';
import { loadConfig } from '../../platform/config.js';
import { renderMessage, renderSms, TEMPLATES, vnDateTime, type MessageContext } from '../../notifications/templates.js';

const ctx = (over: Partial<MessageContext> = {}): MessageContext => ({
  kind: 'deadline_breach',
  reference: 'KN-2026-0000123',
  step: 'Thụ lý hoặc từ chối',
  dueAt: '2026-12-03T16:59:59.999Z',
  link: 'https://kntc.example.gov.vn/v1/cases/abc',
  recipientName: 'Trần Thị Bình',
  ...over,
});

describe('notification templates (Vietnamese)', () => {
  it('writes the due instant in Vietnam time as dd/MM/yyyy HH:mm', () => {
    expect(vnDateTime('2026-12-03T16:59:59.999Z')).toBe('03/12/2026 23:59');
    expect(vnDateTime('2027-01-04T23:59:59.999+07:00')).toBe('04/01/2027 23:59');
    expect(vnDateTime('2026-06-30T17:30:00Z')).toBe('01/07/2026 00:30');
    expect(vnDateTime(null)).toBeNull();
    expect(vnDateTime('not a date')).toBeNull();
  });

  it.each(Object.keys(TEMPLATES).filter((k) => !TEMPLATES[k]!.facts))(
    '%s: subject, text and HTML carry the reference, the step, the due date and the link',
    (kind) => {
      const m = renderMessage(ctx({ kind }));
      expect(m.subject).toMatch(/^\[KNTC\] /);
      expect(m.subject).toContain('KN-2026-0000123');
      for (const body of [m.text, m.html]) {
        expect(body).toContain('KN-2026-0000123');
        expect(body).toContain('Thụ lý hoặc từ chối');
        expect(body).toContain('03/12/2026 23:59');
        expect(body).toContain('https://kntc.example.gov.vn/v1/cases/abc');
        expect(body).toContain('Kính gửi đồng chí Trần Thị Bình');
      }
    },
  );

  it('an unknown kind falls back to a general notice; no step or due date is said plainly', () => {
    const m = renderMessage(ctx({ kind: 'something_new', step: null, dueAt: null, recipientName: null }));
    expect(m.subject).toBe('[KNTC] Thông báo về hồ sơ KN-2026-0000123');
    expect(m.text).toContain('Bước xử lý: không xác định');
    expect(m.text).toContain('Thời hạn: không có');
    expect(m.text.startsWith('Kính gửi đồng chí,')).toBe(true);
  });

  it('report_overdue: the agency, the period and the sending deadline, escaped in HTML; SMS one line', () => {
    const c = ctx({
      kind: 'report_overdue',
      reference: '2031-M03',
      step: null,
      dueAt: '2031-03-20T16:59:59.999Z',
      link: 'https://kntc.example.gov.vn/v1/reports/r1',
      agencyName: 'UBND xã <A> & "B"',
    });
    const m = renderMessage(c);
    expect(m.subject).toBe('[KNTC] Chậm gửi báo cáo 2031-M03 của UBND xã <A> & "B"');
    expect(m.text).toContain('UBND xã <A> & "B" chưa gửi báo cáo kỳ 2031-M03 trong thời hạn.');
    expect(m.text).toContain('Hạn gửi: 20/03/2031 23:59 (giờ Việt Nam)');
    expect(m.text).toContain('Xem báo cáo 2031-M03: https://kntc.example.gov.vn/v1/reports/r1');
    expect(m.text).not.toContain('Mã hồ sơ');
    expect(m.html).toContain('UBND xã &lt;A&gt; &amp; &quot;B&quot; chưa gửi báo cáo kỳ 2031-M03');
    expect(m.html).not.toContain('<A>');
    expect(m.html).toContain('<a href="https://kntc.example.gov.vn/v1/reports/r1">Xem báo cáo 2031-M03</a>');
    expect(renderSms(c)).toBe(
      'KNTC: Chậm gửi báo cáo 2031-M03 của UBND xã <A> & "B". Hạn: 20/03/2031 23:59. ' +
        'https://kntc.example.gov.vn/v1/reports/r1',
    );
  });

  it('a built-in step (named in English in its definition) is said by its Vietnamese label; a custom one as it is', () => {
    const m = renderMessage(ctx({ step: 'Accept or refuse the complaint (thụ lý)' }));
    for (const body of [m.text, m.html]) {
      expect(body).toContain('Thụ lý hoặc không thụ lý khiếu nại');
      expect(body).not.toContain('Accept or refuse');
    }
    expect(m.text).toContain('Bước xử lý: Thụ lý hoặc không thụ lý khiếu nại');
    // The case's stage when no task is concerned: a synthetic stage or an outcome reads in Vietnamese too.
    expect(renderMessage(ctx({ step: 'completed:legally_effective' })).text).toContain(
      'Bước xử lý: Đã kết thúc: quyết định có hiệu lực pháp luật',
    );
    expect(renderMessage(ctx({ step: 'Xác minh tại hiện trường' })).text).toContain(
      'Bước xử lý: Xác minh tại hiện trường',
    );
  });

  it('escapes HTML', () => {
    const m = renderMessage(ctx({ step: '<script>x</script> & "q"' }));
    expect(m.html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;');
    expect(m.html).not.toContain('<script>');
  });

  it('an SMS is one short line: subject, due date, link', () => {
    expect(renderSms(ctx())).toBe(
      'KNTC: Quá hạn xử lý hồ sơ KN-2026-0000123. Hạn: 03/12/2026 23:59. https://kntc.example.gov.vn/v1/cases/abc',
    );
  });

  it('masks addresses shown on the case', () => {
    expect(maskAddress('giam-doc@so-tnmt.gov.vn', 'email')).toBe('g***@so-tnmt.gov.vn');
    expect(maskAddress('+84901234567', 'sms')).toBe('+849*****567');
    expect(maskAddress(null, 'inapp')).toBeNull();
  });
});

describe('notification configuration', () => {
  it('defaults: a local mail catcher, no SMS, links to the API, 24 h of retries', () => {
    const n = loadConfig({}).notifications;
    expect(n).toMatchObject({
      smtpUrl: undefined,
      mailCatcher: true,
      mailCatcherSmtpPort: 1025,
      mailCatcherWebPort: 1080,
      smsGatewayUrl: undefined,
      publicBaseUrl: 'http://127.0.0.1:3000',
      retryPeriodS: 86_400,
      retryInitialS: 10,
    });
  });

  it('SMTP_URL turns the catcher off; bad URLs are refused naming the variable', () => {
    const n = loadConfig({
      SMTP_URL: 'smtp://mail.example:25',
      PUBLIC_BASE_URL: 'https://kntc.example.gov.vn/',
      NOTIFY_RETRY_PERIOD: '2h',
    }).notifications;
    expect(n).toMatchObject({
      smtpUrl: 'smtp://mail.example:25',
      mailCatcher: false,
      publicBaseUrl: 'https://kntc.example.gov.vn',
      retryPeriodS: 7200,
    });
    expect(() => loadConfig({ SMTP_URL: 'mail.example' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SMS_GATEWAY_URL: 'ftp://x' })).toThrow(/SMS_GATEWAY_URL/);
    expect(() => loadConfig({ MAIL_CATCHER: 'yes' })).toThrow(/MAIL_CATCHER/);
    expect(() => loadConfig({ NOTIFY_RETRY_PERIOD: 'forever' })).toThrow(/NOTIFY_RETRY_PERIOD/);
  });
  it('a hotspot notification about the hotspot (no case) names its place, sector and level and links to it', () => {
    const link = 'https://kntc.example.gov.vn/v1/hotspots/hs-1';
    const detail = { subject: 'hotspot', sector: 'land', level: 'warning', riseCount: 2, reference: '01/00070' };
    for (const kind of ['hotspot_raised', 'hotspot_level_changed']) {
      const m = renderMessage(ctx({ kind, reference: '01/00070', step: null, dueAt: null, link, detail }));
      expect(m.subject).toContain('01/00070');
      expect(m.subject).not.toContain('hồ sơ');
      expect(m.text).toContain('Mức cảnh báo: cảnh báo');
      expect(m.text).toContain('Lĩnh vực: land');
      expect(m.text).toContain(`Xem điểm nóng tại 01/00070: ${link}`);
      expect(m.html).toContain(`<a href="${link}">Xem điểm nóng tại 01/00070</a>`);
      expect(m.text).not.toMatch(/Mã hồ sơ|Bước xử lý/);
    }
    // About a case: the case's facts and link as before.
    const c = renderMessage(ctx({ kind: 'hotspot_raised' }));
    expect(c.subject).toContain('hồ sơ mới nhất KN-2026-0000123');
    expect(c.text).toContain('Mã hồ sơ: KN-2026-0000123');
    expect(c.text).toContain('Xem hồ sơ: https://kntc.example.gov.vn/v1/cases/abc');
  });
});
