/**
 * Vietnamese display names of the stages a built-in case can be at: the node names of the built-in
 * definitions (processes/builtin/index.ts BUILTIN_DEFINITIONS and mass.ts MASS_MATTER_DEFINITIONS), keyed by
 * the exact English name, plus the synthetic stages (`starting`, `received`, `running`, `cancelled`,
 * `completed:<outcome>`; workflows/engine/runtime/view.ts stageOf, api/services/case-start.ts).
 *
 * The node names themselves are part of the versioned, hashed definitions replayed from stored histories:
 * they are never edited. A renamed or added node gets its label here (test/unit/builtin/labels-vi.test.ts
 * fails until it has one). Terms follow shared/domain/lifecycle-spec.md and the laws (Luật Khiếu nại,
 * Luật Tố cáo, Luật Tiếp công dân) in shared/domain/sources.
 *
 * No imports: safe in workflow code, the API and the console alike.
 */

/** Languages a stage label exists in (the English stage is the node name itself). */
export type StageLocale = 'vi';

/** The built-in node names (user/service tasks, call activities, events) in Vietnamese. */
export const NODE_LABELS_VI: Readonly<Record<string, string>> = {
  // ---- Start events ------------------------------------------------------------------------------------------
  'Letter or visit received': 'Tiếp nhận đơn, tiếp công dân',
  'Complaint received (first instance)': 'Tiếp nhận khiếu nại lần đầu',
  'Second complaint received': 'Tiếp nhận khiếu nại lần hai',
  'Denunciation received': 'Tiếp nhận tố cáo',
  'Petition / feedback received': 'Tiếp nhận kiến nghị, phản ánh',
  'A statutory deadline was breached': 'Vi phạm thời hạn luật định',
  'A breach was superseded by a legal event decided within the limit':
    'Vi phạm thời hạn không còn: sự kiện pháp lý đã được quyết định trong hạn',

  // ---- Letters and citizen reception (xử lý đơn, tiếp công dân) ----------------------------------------------
  'Register the letter or visit (sổ tiếp nhận)': 'Vào sổ tiếp nhận đơn, tiếp công dân',
  'Classify the letter and check eligibility': 'Phân loại đơn và kiểm tra điều kiện xử lý',
  'Check the representatives (TCD Art 29)': 'Kiểm tra người đại diện (Điều 29 Luật Tiếp công dân)',
  'Ask the signers to appoint representatives in writing':
    'Đề nghị những người đứng tên trong đơn cử người đại diện bằng văn bản',
  'Compute the complaint limitation (KN Art 9)': 'Tính thời hiệu khiếu nại (Điều 9 Luật Khiếu nại)',
  'Anonymous information: inspect within powers, pass on, or archive (TC Art 25)':
    'Thông tin tố cáo nặc danh: thanh tra, kiểm tra theo thẩm quyền, chuyển cơ quan có thẩm quyền hoặc lưu đơn (Điều 25 Luật Tố cáo)',
  'Transfer the denunciation to the competent body (5 WD)':
    'Chuyển đơn tố cáo đến cơ quan có thẩm quyền (05 ngày làm việc)',
  'Head issues the written refusal notice (Mẫu 01/TCD)':
    'Thủ trưởng ban hành thông báo từ chối tiếp công dân (Mẫu 01/TCD)',
  'Head reviews a final decision with new facts or signs of illegality':
    'Thủ trưởng xem xét lại quyết định giải quyết khiếu nại đã có hiệu lực pháp luật có tình tiết mới hoặc dấu hiệu vi phạm pháp luật',
  'Tell the citizen the outcome (in person or in writing)':
    'Thông báo kết quả xử lý đơn cho công dân (trực tiếp hoặc bằng văn bản)',
  'Start the linked complaint case': 'Lập hồ sơ giải quyết khiếu nại',
  'Start the linked denunciation case': 'Lập hồ sơ giải quyết tố cáo',
  'Start the linked petition case': 'Lập hồ sơ xử lý kiến nghị, phản ánh',
  'Archive retention (1 year) ends': 'Chờ hết thời hạn lưu đơn (01 năm)',
  'Head decides on destroying the archived letter': 'Thủ trưởng quyết định tiêu hủy đơn đã lưu',

  // ---- Complaints (khiếu nại) --------------------------------------------------------------------------------
  'Check the representatives (number and who)': 'Kiểm tra người đại diện (số lượng, tư cách)',
  'Ask the signers to appoint their representatives in writing (acceptance waits)':
    'Đề nghị những người đứng tên trong đơn cử người đại diện bằng văn bản (chưa thụ lý)',
  'Warn: stricter acceptance unit applied': 'Cảnh báo: áp dụng cách tính thời hạn thụ lý chặt hơn',
  'Accept or refuse the complaint (thụ lý)': 'Thụ lý hoặc không thụ lý khiếu nại',
  'Accept or refuse the complaint (thụ lý) — working-day count':
    'Thụ lý hoặc không thụ lý khiếu nại (tính theo ngày làm việc)',
  'Verify the complaint (xác minh)': 'Xác minh nội dung khiếu nại',
  'Invite the parties to the dialogue (đối thoại)': 'Mời các bên tham gia đối thoại',
  'Hold the dialogue and sign the minutes': 'Tổ chức đối thoại và ký biên bản đối thoại',
  'Record the written complexity determination': 'Lập văn bản xác định vụ việc phức tạp',
  'Issue the first-instance complaint decision': 'Ban hành quyết định giải quyết khiếu nại lần đầu',
  'Issue the second-instance complaint decision': 'Ban hành quyết định giải quyết khiếu nại lần hai',
  'Send the decision to the required recipients': 'Gửi quyết định giải quyết khiếu nại đến người nhận theo quy định',
  'Publicly disclose the second-instance decision (công khai)': 'Công khai quyết định giải quyết khiếu nại lần hai',
  'Compute the earliest meeting day (K11a)': 'Tính ngày sớm nhất tổ chức họp công khai quyết định (K11a)',
  'Compute the second-complaint window (K6)': 'Tính thời hạn khiếu nại lần hai (K6)',
  'Record a second complaint or lawsuit against the decision (until it takes legal effect)':
    'Ghi nhận khiếu nại lần hai hoặc khởi kiện đối với quyết định (đến khi quyết định có hiệu lực pháp luật)',
  'Decision takes legal effect': 'Chờ quyết định có hiệu lực pháp luật',
  'Start the linked second-instance case': 'Lập hồ sơ giải quyết khiếu nại lần hai',
  'Inform the forwarding deputy / body of the result':
    'Thông báo kết quả giải quyết cho đại biểu, cơ quan đã chuyển đơn',
  'Head: the complaint was not resolved in time': 'Thủ trưởng: khiếu nại không được giải quyết đúng thời hạn',
  'Citizen window K6 closes': 'Chờ hết thời hạn khiếu nại lần hai (K6)',
  'Citizen window K6_remote closes': 'Chờ hết thời hạn khiếu nại lần hai, vùng sâu, vùng xa (K6)',
  'Citizen window K7 closes': 'Chờ hết thời hiệu khởi kiện vụ án hành chính (K7)',
  'Issue: stay of execution of the contested decision (KN Art 35)':
    'Ban hành quyết định tạm đình chỉ thi hành quyết định hành chính bị khiếu nại (Điều 35 Luật Khiếu nại)',
  'Send: stay of execution of the contested decision (KN Art 35)':
    'Gửi quyết định tạm đình chỉ thi hành quyết định hành chính bị khiếu nại (Điều 35 Luật Khiếu nại)',
  'Lift the stay of execution (as soon as its reason ends; at the latest when the resolution time runs out)':
    'Hủy bỏ quyết định tạm đình chỉ thi hành (ngay khi lý do không còn; chậm nhất khi hết thời hạn giải quyết)',
  'Issue: suspension decision (tạm đình chỉ)': 'Ban hành quyết định tạm đình chỉ việc giải quyết',
  'Send: suspension decision (tạm đình chỉ)': 'Gửi quyết định tạm đình chỉ việc giải quyết',
  'Issue: decision to continue (tiếp tục giải quyết)': 'Ban hành quyết định tiếp tục giải quyết khiếu nại',
  'Send: decision to continue (tiếp tục giải quyết)': 'Gửi quyết định tiếp tục giải quyết khiếu nại',
  'Issue: termination decision (quyết định đình chỉ)': 'Ban hành quyết định đình chỉ việc giải quyết khiếu nại',
  'Send: termination decision (quyết định đình chỉ)': 'Gửi quyết định đình chỉ việc giải quyết khiếu nại',
  'Issue: termination decision (Mẫu 12-KN)': 'Ban hành quyết định đình chỉ việc giải quyết khiếu nại (Mẫu 12-KN)',
  'Send: termination decision (Mẫu 12-KN)': 'Gửi quyết định đình chỉ việc giải quyết khiếu nại (Mẫu 12-KN)',
  'Record: not available before 01/07/2026': 'Ghi nhận: chưa áp dụng trước ngày 01/07/2026',

  // ---- Denunciations (tố cáo) --------------------------------------------------------------------------------
  'Register, classify and check the denunciation (7 WD; 10 WD for several places)':
    'Vào sổ, phân loại, kiểm tra điều kiện thụ lý tố cáo (07 ngày làm việc; 10 ngày làm việc nếu phải kiểm tra ở nhiều địa điểm)',
  'Anonymous information with concrete evidence: inspect or pass on (TC Art 25)':
    'Thông tin tố cáo nặc danh có tài liệu cụ thể: thanh tra, kiểm tra hoặc chuyển cơ quan có thẩm quyền (Điều 25 Luật Tố cáo)',
  'Transfer to the competent body and notify the denouncer':
    'Chuyển đơn tố cáo đến cơ quan có thẩm quyền và thông báo cho người tố cáo',
  'Notify the denouncer (acceptance) and the accused (content)':
    'Thông báo việc thụ lý cho người tố cáo và nội dung tố cáo cho người bị tố cáo',
  'Verify the denunciation (tổ xác minh ≥ 2 members; the accused explains)':
    'Xác minh nội dung tố cáo (tổ xác minh ít nhất 02 người; người bị tố cáo giải trình)',
  'Assess the withdrawal (TC Art 33(3) exceptions)':
    'Xem xét việc rút tố cáo (các trường hợp tại khoản 3 Điều 33 Luật Tố cáo)',
  'Count the extension': 'Tính số lần gia hạn',
  'Issue: extension decision (Mẫu 01)': 'Ban hành quyết định gia hạn giải quyết tố cáo (Mẫu 01)',
  'Send: extension decision (Mẫu 01)': 'Gửi quyết định gia hạn giải quyết tố cáo (Mẫu 01)',
  'Record: extension refused': 'Ghi nhận: không được gia hạn',
  'Issue: decision to continue': 'Ban hành quyết định tiếp tục giải quyết tố cáo',
  'Send: decision to continue': 'Gửi quyết định tiếp tục giải quyết tố cáo',
  'Issue: termination decision': 'Ban hành quyết định đình chỉ việc giải quyết tố cáo',
  'Send: termination decision': 'Gửi quyết định đình chỉ việc giải quyết tố cáo',
  'Issue the conclusion (kết luận nội dung tố cáo)': 'Ban hành kết luận nội dung tố cáo',
  'Send the conclusion (accused, managing body, related parties) and notify the denouncer':
    'Gửi kết luận nội dung tố cáo (người bị tố cáo, cơ quan quản lý, người có liên quan) và thông báo cho người tố cáo',
  'Act on the conclusion (sanction, restore rights, refer)':
    'Xử lý kết luận nội dung tố cáo (xử lý vi phạm, khôi phục quyền, lợi ích hợp pháp, chuyển cơ quan có thẩm quyền)',
  'Publish the conclusion (never revealing the denouncer)':
    'Công khai kết luận nội dung tố cáo (không tiết lộ thông tin người tố cáo)',
  'Report the handling result to the forwarding press/authority':
    'Báo cáo kết quả xử lý cho cơ quan báo chí, cơ quan có thẩm quyền đã chuyển đơn',
  'Higher head reviews the claim of wrongful resolution':
    'Thủ trưởng cấp trên xem xét tố cáo tiếp (cho rằng giải quyết không đúng pháp luật)',
  'Higher head demands a report on the overdue denunciation':
    'Thủ trưởng cấp trên yêu cầu báo cáo về tố cáo quá thời hạn giải quyết',
  "Receive the lower level's report; continue monitoring or take over":
    'Nhận báo cáo của cấp dưới; tiếp tục theo dõi, đôn đốc hoặc trực tiếp giải quyết',
  'Issue the acceptance decision of the higher body': 'Ban hành quyết định thụ lý tố cáo của cơ quan cấp trên',

  // ---- Petitions (kiến nghị, phản ánh) -----------------------------------------------------------------------
  'Accept or transfer the petition': 'Tiếp nhận xử lý hoặc chuyển đơn kiến nghị, phản ánh',
  'Answer the petition / feedback': 'Trả lời kiến nghị, phản ánh',

  // ---- Overdue handling (every lifecycle) --------------------------------------------------------------------
  'Head reviews the overdue case': 'Thủ trưởng xem xét hồ sơ quá hạn',
  'Flag case overdue': 'Đánh dấu hồ sơ quá hạn',
  'Flag case resolution_overdue': 'Đánh dấu hồ sơ quá hạn giải quyết',
  'Clear case flag resolution_overdue': 'Bỏ đánh dấu quá hạn giải quyết',
  'Flag case complex': 'Đánh dấu vụ việc phức tạp',
  'Flag case mass_case': 'Đánh dấu vụ việc đông người',

  // ---- Notifications (service steps) -------------------------------------------------------------------------
  'Notify agency_head, case_officer: deadline_breach': 'Thông báo thủ trưởng, cán bộ xử lý: vi phạm thời hạn',
  'Notify agency_head, case_officer: deadline_breach_superseded':
    'Thông báo thủ trưởng, cán bộ xử lý: vi phạm thời hạn không còn (sự kiện pháp lý trong hạn)',
  'Notify agency_head, case_officer: denunciation_resolution_breach':
    'Thông báo thủ trưởng, cán bộ xử lý: tố cáo quá thời hạn giải quyết',
  'Notify agency_head, case_officer: letter_unprocessed_45_days':
    'Thông báo thủ trưởng, cán bộ xử lý: đơn chưa được xử lý sau 45 ngày',
  'Notify agency_head, complainant_or_representative, same_level_inspectorate: resolution_deadline_breach':
    'Thông báo thủ trưởng, người khiếu nại hoặc người đại diện, thanh tra nhà nước cùng cấp: khiếu nại quá thời hạn giải quyết',
  'Notify agency_head: mass_case_received': 'Thông báo thủ trưởng: tiếp nhận vụ việc đông người',
  'Notify complainant_or_representative: right_to_sue_opened':
    'Thông báo người khiếu nại hoặc người đại diện: quyền khởi kiện vụ án hành chính',

  // ---- Outcomes recorded (service steps) ---------------------------------------------------------------------
  'Outcome: accepted': 'Ghi nhận kết quả: tiếp nhận giải quyết theo thẩm quyền',
  'Outcome: anonymous_handled': 'Ghi nhận kết quả: đã xử lý thông tin tố cáo nặc danh',
  'Outcome: archived': 'Ghi nhận kết quả: lưu đơn',
  'Outcome: guided': 'Ghi nhận kết quả: hướng dẫn',
  'Outcome: not_accepted': 'Ghi nhận kết quả: không thụ lý',
  'Outcome: not_processed': 'Ghi nhận kết quả: không xử lý',
  'Outcome: referred_criminal': 'Ghi nhận kết quả: chuyển cơ quan điều tra, viện kiểm sát',
  'Outcome: reported_to_head': 'Ghi nhận kết quả: báo cáo thủ trưởng',
  'Outcome: transferred': 'Ghi nhận kết quả: chuyển đơn',

  // ---- Case events recorded (service steps) ------------------------------------------------------------------
  'Record case event accepted': 'Ghi nhận sự kiện: thụ lý hoặc tiếp nhận xử lý',
  'Record case event archived': 'Ghi nhận sự kiện: lưu đơn',
  'Record case event conclusionIssued': 'Ghi nhận sự kiện: ban hành kết luận nội dung tố cáo',
  'Record case event continuationIssued': 'Ghi nhận sự kiện: ban hành quyết định tiếp tục giải quyết',
  'Record case event decisionIssued': 'Ghi nhận sự kiện: ban hành quyết định giải quyết khiếu nại',
  'Record case event decisionReceived': 'Ghi nhận sự kiện: người khiếu nại nhận được quyết định giải quyết',
  'Record case event extensionIssued': 'Ghi nhận sự kiện: ban hành quyết định gia hạn',
  'Record case event legalEffect': 'Ghi nhận sự kiện: quyết định có hiệu lực pháp luật',
  'Record case event partialWithdrawal': 'Ghi nhận sự kiện: rút một phần khiếu nại',
  'Record case event refusalGroundsComplete': 'Ghi nhận sự kiện: đủ căn cứ từ chối tiếp công dân',
  'Record case event reportDemanded': 'Ghi nhận sự kiện: yêu cầu báo cáo',
  'Record case event resolutionDeadlineExpired': 'Ghi nhận sự kiện: hết thời hạn giải quyết',
  'Record case event resolved': 'Ghi nhận sự kiện: đã giải quyết hoặc trả lời',
  'Record case event secondComplaintLodged': 'Ghi nhận sự kiện: khiếu nại lần hai',
  'Record case event stayIssued': 'Ghi nhận sự kiện: ban hành quyết định tạm đình chỉ thi hành',
  'Record case event suspensionIssued': 'Ghi nhận sự kiện: ban hành quyết định tạm đình chỉ việc giải quyết',
  'Record case event terminationIssued': 'Ghi nhận sự kiện: ban hành quyết định đình chỉ việc giải quyết',
  'Record case event windowK6Closed': 'Ghi nhận sự kiện: hết thời hạn khiếu nại lần hai (K6)',
  'Record case event windowK6_remoteClosed': 'Ghi nhận sự kiện: hết thời hạn khiếu nại lần hai, vùng sâu, vùng xa (K6)',
  'Record case event windowK7Closed': 'Ghi nhận sự kiện: hết thời hiệu khởi kiện vụ án hành chính (K7)',

  // ---- Documents recorded (service steps) --------------------------------------------------------------------
  'Record document acceptance_notice': 'Lưu văn bản: thông báo thụ lý khiếu nại',
  'Record document anonymous_information_handling': 'Lưu văn bản: xử lý thông tin tố cáo nặc danh',
  'Record document archive_record': 'Lưu văn bản: lưu đơn',
  'Record document complaint_decision_disclosure': 'Lưu văn bản: công khai quyết định giải quyết khiếu nại',
  'Record document complaint_decision_first': 'Lưu văn bản: quyết định giải quyết khiếu nại lần đầu',
  'Record document complaint_decision_first_dispatch': 'Lưu văn bản: gửi quyết định giải quyết khiếu nại lần đầu',
  'Record document complaint_decision_second': 'Lưu văn bản: quyết định giải quyết khiếu nại lần hai',
  'Record document complaint_decision_second_dispatch': 'Lưu văn bản: gửi quyết định giải quyết khiếu nại lần hai',
  'Record document complexity_determination': 'Lưu văn bản: xác định vụ việc phức tạp',
  'Record document conclusion_handling': 'Lưu văn bản: xử lý kết luận nội dung tố cáo',
  'Record document conclusion_publication': 'Lưu văn bản: công khai kết luận nội dung tố cáo',
  'Record document continuation_decision': 'Lưu văn bản: quyết định tiếp tục giải quyết khiếu nại',
  'Record document criminal_referral': 'Lưu văn bản: chuyển hồ sơ sang cơ quan điều tra, viện kiểm sát',
  'Record document denunciation_acceptance_decision': 'Lưu văn bản: quyết định thụ lý tố cáo',
  'Record document denunciation_acceptance_notices': 'Lưu văn bản: thông báo thụ lý tố cáo và nội dung tố cáo',
  'Record document denunciation_conclusion': 'Lưu văn bản: kết luận nội dung tố cáo',
  'Record document denunciation_conclusion_dispatch': 'Lưu văn bản: gửi kết luận nội dung tố cáo',
  'Record document denunciation_continuation_decision': 'Lưu văn bản: quyết định tiếp tục giải quyết tố cáo',
  'Record document denunciation_extension_decision': 'Lưu văn bản: quyết định gia hạn giải quyết tố cáo',
  'Record document denunciation_partial_withdrawal': 'Lưu văn bản: rút một phần nội dung tố cáo',
  'Record document denunciation_refusal_notice': 'Lưu văn bản: thông báo không thụ lý tố cáo',
  'Record document denunciation_suspension_decision': 'Lưu văn bản: quyết định tạm đình chỉ việc giải quyết tố cáo',
  'Record document denunciation_termination_decision': 'Lưu văn bản: quyết định đình chỉ việc giải quyết tố cáo',
  'Record document denunciation_transfer': 'Lưu văn bản: chuyển đơn tố cáo',
  'Record document denunciation_withdrawal_record': 'Lưu văn bản: văn bản, biên bản rút tố cáo',
  'Record document dialogue_invitation': 'Lưu văn bản: giấy mời đối thoại',
  'Record document dialogue_minutes': 'Lưu văn bản: biên bản đối thoại',
  'Record document follow_up_review_notice': 'Lưu văn bản: thông báo kết quả xem xét tố cáo tiếp',
  'Record document guidance_notice': 'Lưu văn bản: văn bản hướng dẫn',
  'Record document letter_outcome_notice': 'Lưu văn bản: thông báo kết quả xử lý đơn',
  'Record document letter_transfer': 'Lưu văn bản: phiếu chuyển đơn',
  'Record document lower_level_report': 'Lưu văn bản: báo cáo của cấp dưới',
  'Record document non_acceptance_notice': 'Lưu văn bản: thông báo không thụ lý khiếu nại',
  'Record document partial_withdrawal_record': 'Lưu văn bản: rút một phần khiếu nại',
  'Record document petition_acceptance_notice': 'Lưu văn bản: thông báo tiếp nhận kiến nghị, phản ánh',
  'Record document petition_response': 'Lưu văn bản: trả lời kiến nghị, phản ánh',
  'Record document petition_transfer': 'Lưu văn bản: chuyển đơn kiến nghị, phản ánh',
  'Record document reception_refusal_notice': 'Lưu văn bản: thông báo từ chối tiếp công dân',
  'Record document report_demand': 'Lưu văn bản: yêu cầu báo cáo',
  'Record document report_to_forwarder': 'Lưu văn bản: báo cáo kết quả cho cơ quan đã chuyển đơn',
  'Record document result_to_forwarder': 'Lưu văn bản: thông báo kết quả cho đại biểu, cơ quan đã chuyển đơn',
  'Record document split_guidance_notice': 'Lưu văn bản: hướng dẫn tách đơn',
  'Record document stay_of_execution_decision': 'Lưu văn bản: quyết định tạm đình chỉ thi hành quyết định bị khiếu nại',
  'Record document stay_of_execution_lifted': 'Lưu văn bản: hủy bỏ quyết định tạm đình chỉ thi hành',
  'Record document supplement_received': 'Lưu văn bản: tài liệu bổ sung',
  'Record document suspension_decision': 'Lưu văn bản: quyết định tạm đình chỉ việc giải quyết khiếu nại',
  'Record document termination_decision': 'Lưu văn bản: quyết định đình chỉ việc giải quyết khiếu nại',
  'Record document withdrawal_record': 'Lưu văn bản: văn bản rút khiếu nại',

  // ---- End events (a token never rests on one; labelled for completeness) ------------------------------------
  'Case closed: accepted linked case started': 'Kết thúc: đơn thuộc thẩm quyền, đã chuyển sang hồ sơ giải quyết',
  'Case closed: anonymous handled': 'Kết thúc: đã xử lý thông tin tố cáo nặc danh',
  'Case closed: answered': 'Kết thúc: đã trả lời kiến nghị, phản ánh',
  'Case closed: archived': 'Kết thúc: lưu đơn',
  'Case closed: concluded': 'Kết thúc: đã kết luận nội dung tố cáo',
  'Case closed: decision challenged': 'Kết thúc: quyết định bị khiếu nại lần hai hoặc bị khởi kiện',
  'Case closed: follow up reviewed': 'Kết thúc: đã xem xét tố cáo tiếp',
  'Case closed: guided': 'Kết thúc: đã hướng dẫn',
  'Case closed: legally effective': 'Kết thúc: quyết định có hiệu lực pháp luật',
  'Case closed: not accepted': 'Kết thúc: không thụ lý',
  'Case closed: not processed': 'Kết thúc: không xử lý',
  'Case closed: overdue monitored': 'Kết thúc: đã theo dõi, đôn đốc vụ việc quá hạn',
  'Case closed: referred criminal': 'Kết thúc: đã chuyển cơ quan điều tra, viện kiểm sát',
  'Case closed: reported to head': 'Kết thúc: đã báo cáo thủ trưởng',
  'Case closed: terminated': 'Kết thúc: đình chỉ việc giải quyết',
  'Case closed: transferred': 'Kết thúc: đã chuyển đơn',
  'Case closed: withdrawn': 'Kết thúc: người khiếu nại rút khiếu nại',

  // ---- Mass matters (mass.ts: delegation-reception, central-gathering) ---------------------------------------
  'Delegation flagged': 'Ghi nhận đoàn đông người',
  'Notify police: security_liaison': 'Thông báo công an: phối hợp giữ gìn an ninh, trật tự',
  'Receive the delegation in person and hold a dialogue': 'Trực tiếp tiếp đại diện đoàn đông người và đối thoại',
  'Receive the delegation in person and hold a dialogue: limit PT24H missed':
    'Tiếp đại diện đoàn đông người và đối thoại: quá thời hạn 24 giờ',
  'Notify the head above: Receive the delegation in person and hold a dialogue missed':
    'Thông báo thủ trưởng cấp trên: quá hạn tiếp đại diện đoàn đông người và đối thoại',
  'Receive the delegation in person and hold a dialogue (escalated to the agency above)':
    'Trực tiếp tiếp đại diện đoàn đông người và đối thoại (chuyển cơ quan cấp trên)',
  'Record the reception session': 'Ghi nhận buổi tiếp công dân',
  'Delegation received': 'Kết thúc: đã tiếp đoàn đông người',
  'Gathering reported': 'Ghi nhận công dân tập trung tại nơi tiếp công dân ở trung ương',
  'Dispatch a competent officer to the central place':
    'Cử cán bộ có thẩm quyền đến nơi công dân tập trung ở trung ương',
  'Dispatch a competent officer to the central place: limit PT4H missed':
    'Cử cán bộ đến nơi công dân tập trung: quá thời hạn 4 giờ',
  'Notify the head above: Dispatch a competent officer to the central place missed':
    'Thông báo thủ trưởng cấp trên: quá hạn cử cán bộ đến nơi công dân tập trung',
  'Dispatch a competent officer to the central place (escalated to the agency above)':
    'Cử cán bộ có thẩm quyền đến nơi công dân tập trung ở trung ương (chuyển cơ quan cấp trên)',
  'Coordinate with the central citizen reception office': 'Phối hợp với Trụ sở tiếp công dân ở trung ương',
  'Coordinate with the central citizen reception office: limit PT12H missed':
    'Phối hợp với Trụ sở tiếp công dân ở trung ương: quá thời hạn 12 giờ',
  'Notify the head above: Coordinate with the central citizen reception office missed':
    'Thông báo thủ trưởng cấp trên: quá hạn phối hợp với Trụ sở tiếp công dân ở trung ương',
  'Coordinate with the central citizen reception office (escalated to the agency above)':
    'Phối hợp với Trụ sở tiếp công dân ở trung ương (chuyển cơ quan cấp trên)',
  'Persuade the citizens and bring them home': 'Vận động, thuyết phục công dân trở về địa phương',
  'Persuade the citizens and bring them home: limit PT72H missed':
    'Vận động, thuyết phục công dân trở về địa phương: quá thời hạn 72 giờ',
  'Notify the head above: Persuade the citizens and bring them home missed':
    'Thông báo thủ trưởng cấp trên: quá hạn vận động công dân trở về địa phương',
  'Persuade the citizens and bring them home (escalated to the agency above)':
    'Vận động, thuyết phục công dân trở về địa phương (chuyển cơ quan cấp trên)',
  'Report to the provincial chairman': 'Báo cáo Chủ tịch Ủy ban nhân dân tỉnh',
  'Report to the provincial chairman: limit PT24H missed': 'Báo cáo Chủ tịch Ủy ban nhân dân tỉnh: quá thời hạn 24 giờ',
  'Notify the head above: Report to the provincial chairman missed':
    'Thông báo thủ trưởng cấp trên: quá hạn báo cáo Chủ tịch Ủy ban nhân dân tỉnh',
  'Report to the provincial chairman (escalated to the agency above)':
    'Báo cáo Chủ tịch Ủy ban nhân dân tỉnh (chuyển cơ quan cấp trên)',
  'Agree a resolution plan for the matter': 'Thống nhất phương án giải quyết vụ việc',
  'Agree a resolution plan for the matter: limit P15D missed':
    'Thống nhất phương án giải quyết vụ việc: quá thời hạn 15 ngày',
  'Notify the head above: Agree a resolution plan for the matter missed':
    'Thông báo thủ trưởng cấp trên: quá hạn thống nhất phương án giải quyết vụ việc',
  'Agree a resolution plan for the matter (escalated to the agency above)':
    'Thống nhất phương án giải quyết vụ việc (chuyển cơ quan cấp trên)',
  'Citizens home, report filed, plan agreed':
    'Kết thúc: công dân đã về địa phương, đã báo cáo, đã thống nhất phương án',
};

/** The outcomes of the built-in end events, as `completed:<outcome>` reads them (`none`: no end event reached). */
export const OUTCOME_LABELS_VI: Readonly<Record<string, string>> = {
  none: 'Đã kết thúc',
  accepted_linked_case_started: 'Đã kết thúc: đơn thuộc thẩm quyền, đã chuyển sang hồ sơ giải quyết',
  anonymous_handled: 'Đã kết thúc: đã xử lý thông tin tố cáo nặc danh',
  answered: 'Đã kết thúc: đã trả lời kiến nghị, phản ánh',
  archived: 'Đã kết thúc: lưu đơn',
  breach_already_escalated: 'Đã kết thúc: vi phạm thời hạn đã được báo cáo',
  breach_superseded: 'Đã kết thúc: vi phạm thời hạn không còn (sự kiện pháp lý trong hạn)',
  complexity_recorded: 'Đã kết thúc: đã xác định vụ việc phức tạp',
  concluded: 'Đã kết thúc: đã kết luận nội dung tố cáo',
  continuation_recorded: 'Đã kết thúc: đã tiếp tục giải quyết',
  decision_challenged: 'Đã kết thúc: quyết định bị khiếu nại lần hai hoặc bị khởi kiện',
  event_not_applicable: 'Đã kết thúc: sự kiện pháp lý không áp dụng',
  extension_granted: 'Đã kết thúc: đã gia hạn giải quyết',
  extension_refused: 'Đã kết thúc: không được gia hạn',
  follow_up_reviewed: 'Đã kết thúc: đã xem xét tố cáo tiếp',
  guided: 'Đã kết thúc: đã hướng dẫn',
  legally_effective: 'Đã kết thúc: quyết định có hiệu lực pháp luật',
  not_accepted: 'Đã kết thúc: không thụ lý',
  not_processed: 'Đã kết thúc: không xử lý',
  overdue_monitored: 'Đã kết thúc: đã theo dõi, đôn đốc vụ việc quá hạn',
  overdue_reviewed: 'Đã kết thúc: thủ trưởng đã xem xét vụ việc quá hạn',
  partial_withdrawal_recorded: 'Đã kết thúc: đã ghi nhận rút một phần',
  received: 'Đã kết thúc: đã tiếp đoàn đông người',
  referred_criminal: 'Đã kết thúc: đã chuyển cơ quan điều tra, viện kiểm sát',
  reported_to_head: 'Đã kết thúc: đã báo cáo thủ trưởng',
  resolved: 'Đã kết thúc: đã giải quyết',
  stay_lifted: 'Đã kết thúc: đã hủy bỏ tạm đình chỉ thi hành',
  supplement_recorded: 'Đã kết thúc: đã nhận tài liệu bổ sung',
  suspension_recorded: 'Đã kết thúc: đã tạm đình chỉ việc giải quyết',
  terminated: 'Đã kết thúc: đình chỉ việc giải quyết',
  transferred: 'Đã kết thúc: đã chuyển đơn',
  window_closed: 'Đã kết thúc: hết thời hạn khiếu nại, khởi kiện',
  window_opened: 'Đã kết thúc: đã thông báo quyền khởi kiện',
  withdrawn: 'Đã kết thúc: người khiếu nại rút khiếu nại',
};

/**
 * The stages no node names: before the workflow's first projection (`starting`; `received`, set when the case
 * is created), a run with no token (`running`), a cancelled workflow (`cancelled`).
 */
export const SYNTHETIC_STAGE_LABELS_VI: Readonly<Record<string, string>> = {
  starting: 'Đang khởi tạo hồ sơ',
  received: 'Đã tiếp nhận',
  running: 'Đang xử lý',
  cancelled: 'Đã hủy',
};

/** The prefix of a completed case's stage (`completed:<outcome>`, workflows/engine/runtime/view.ts stageOf). */
export const COMPLETED_PREFIX = 'completed:';

const nodes = new Map(Object.entries(NODE_LABELS_VI));
const outcomes = new Map(Object.entries(OUTCOME_LABELS_VI));
const synthetic = new Map(Object.entries(SYNTHETIC_STAGE_LABELS_VI));

/**
 * The display name of a case's stage: the Vietnamese label of a built-in node name or synthetic stage; a
 * completed case whose outcome has no label reads "Đã kết thúc (<outcome>)"; anything else (a node of a
 * custom definition, authored in Vietnamese) is returned as it is.
 */
export function stageLabel(stage: string, locale: StageLocale = 'vi'): string {
  void locale; // one locale today; the parameter keeps call sites stable when another is added
  if (stage.startsWith(COMPLETED_PREFIX)) {
    const outcome = stage.slice(COMPLETED_PREFIX.length);
    return outcomes.get(outcome === '' ? 'none' : outcome) ?? `${OUTCOME_LABELS_VI.none} (${outcome})`;
  }
  return nodes.get(stage) ?? synthetic.get(stage) ?? stage;
}

/**
 * The display name of a node (a user task's name is its node's name): the Vietnamese label of a built-in node
 * name; any other name (a custom definition's, authored in Vietnamese) as it is. Unlike `stageLabel` it never
 * reads a name as a synthetic stage or a `completed:<outcome>`.
 */
export function nodeLabel(name: string, locale: StageLocale = 'vi'): string {
  void locale;
  return nodes.get(name) ?? name;
}
