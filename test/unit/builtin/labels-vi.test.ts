/**
 * The Vietnamese stage labels (processes/builtin/labels-vi.ts) cover every stage a built-in case can show: each
 * named non-gateway node of every built-in definition (statutory lifecycles and mass matters), each
 * `completed:<outcome>` of their end events, and the synthetic stages. A definition that gains a node or an
 * outcome fails here until the table has its label.
 */
import { describe, expect, it } from 'vitest';
import type { ProcessDefinitionInput } from '../../../workflows/engine/index.js';
import { buildView } from '../../../workflows/engine/runtime/index.js';
import { BUILTIN_DEFINITIONS } from '../../../processes/builtin/index.js';
import { MASS_MATTER_DEFINITIONS } from '../../../processes/builtin/mass.js';
import {
  NODE_LABELS_VI,
  OUTCOME_LABELS_VI,
  SYNTHETIC_STAGE_LABELS_VI,
  nodeLabel,
  stageLabel,
} from '../../../processes/builtin/labels-vi.js';
import { Driver } from './driver.js';

const ALL: readonly ProcessDefinitionInput[] = [...BUILTIN_DEFINITIONS, ...MASS_MATTER_DEFINITIONS];
const isGateway = (type: string) => type === 'exclusiveGateway' || type === 'parallelGateway';
const has = (table: Readonly<Record<string, string>>, key: string) => Object.hasOwn(table, key);

const namedNodes = ALL.flatMap((d) =>
  d.nodes
    .filter((n) => !isGateway(n.type) && n.name !== undefined)
    .map((n) => ({ where: `${d.key} v${d.version} ${n.type} ${n.id}`, name: n.name! })),
);
const outcomes = [
  ...new Set(ALL.flatMap((d) => d.nodes.flatMap((n) => (n.type === 'endEvent' ? [n.outcome] : [])))),
].sort();

describe('Vietnamese stage labels of the built-in definitions', () => {
  it('every named non-gateway node of every built-in has a label', () => {
    expect(namedNodes.length).toBeGreaterThan(100);
    const missing = namedNodes.filter((n) => !has(NODE_LABELS_VI, n.name)).map((n) => `${n.where}: ${n.name}`);
    expect(missing).toEqual([]);
  });

  it('an unnamed node is one no token rests on (a boundary or end event): its id is never a stage', () => {
    const unnamed = ALL.flatMap((d) =>
      d.nodes
        .filter((n) => !isGateway(n.type) && n.name === undefined)
        .map((n) => ({ where: `${d.key} v${d.version} ${n.id}`, type: n.type })),
    );
    expect(unnamed.filter((n) => n.type !== 'boundaryEvent' && n.type !== 'endEvent')).toEqual([]);
  });

  it('no label is left for a name no built-in has (a typo or a removed node)', () => {
    const names = new Set(namedNodes.map((n) => n.name));
    expect(Object.keys(NODE_LABELS_VI).filter((k) => !names.has(k))).toEqual([]);
    expect(Object.keys(OUTCOME_LABELS_VI).filter((o) => o !== 'none' && !outcomes.includes(o))).toEqual([]);
  });

  it('every completed:<outcome> the built-ins can reach, and every synthetic stage, has a label', () => {
    expect(outcomes.length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => !has(OUTCOME_LABELS_VI, o))).toEqual([]);
    // `none`: a run that reached no end event; `starting`: before the first projection (buildView without a
    // state); `received`: the case row at creation; `running` and `cancelled`: RunState.status without a token.
    const synthetic = [
      'completed:none',
      buildView('c', 'p', undefined, (id) => id).stage,
      'received',
      'running',
      'cancelled',
    ];
    for (const s of synthetic) expect(stageLabel(s), s).not.toBe(s);
    expect(Object.keys(SYNTHETIC_STAGE_LABELS_VI).sort()).toEqual(['cancelled', 'received', 'running', 'starting']);
  });

  it('labels are Vietnamese and differ from the English name', () => {
    for (const [en, vi] of Object.entries(NODE_LABELS_VI)) {
      expect(vi.trim(), en).toBe(vi);
      expect(vi, en).not.toBe(en);
      expect(vi, en).toMatch(/[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]/i);
    }
  });

  it('spot checks: legal terms', () => {
    expect(stageLabel('Accept or refuse the complaint (thụ lý)')).toBe('Thụ lý hoặc không thụ lý khiếu nại');
    expect(stageLabel('Verify the complaint (xác minh)')).toBe('Xác minh nội dung khiếu nại');
    expect(stageLabel('Invite the parties to the dialogue (đối thoại)')).toBe('Mời các bên tham gia đối thoại');
    expect(stageLabel('Issue the first-instance complaint decision')).toBe(
      'Ban hành quyết định giải quyết khiếu nại lần đầu',
    );
    expect(stageLabel('Issue the second-instance complaint decision')).toBe(
      'Ban hành quyết định giải quyết khiếu nại lần hai',
    );
    expect(stageLabel('Issue the conclusion (kết luận nội dung tố cáo)')).toBe('Ban hành kết luận nội dung tố cáo');
    expect(stageLabel('Issue: suspension decision (tạm đình chỉ)')).toBe(
      'Ban hành quyết định tạm đình chỉ việc giải quyết',
    );
    expect(stageLabel('Send: termination decision')).toBe('Gửi quyết định đình chỉ việc giải quyết tố cáo');
    expect(stageLabel('Issue: extension decision (Mẫu 01)')).toBe(
      'Ban hành quyết định gia hạn giải quyết tố cáo (Mẫu 01)',
    );
    expect(stageLabel('Transfer the denunciation to the competent body (5 WD)')).toBe(
      'Chuyển đơn tố cáo đến cơ quan có thẩm quyền (05 ngày làm việc)',
    );
    expect(stageLabel('completed:legally_effective')).toBe('Đã kết thúc: quyết định có hiệu lực pháp luật');
    expect(stageLabel('completed:terminated')).toBe('Đã kết thúc: đình chỉ việc giải quyết');
    expect(stageLabel('starting')).toBe('Đang khởi tạo hồ sơ');
    expect(stageLabel('cancelled')).toBe('Đã hủy');
  });

  it('a name not in the table (a custom definition, authored in Vietnamese) is shown as it is', () => {
    expect(stageLabel('Xác minh tại hiện trường')).toBe('Xác minh tại hiện trường');
    expect(stageLabel('verify')).toBe('verify');
    // No prototype key reads as a label.
    expect(stageLabel('constructor')).toBe('constructor');
    expect(stageLabel('toString')).toBe('toString');
    // An outcome of a custom definition: still "completed", with its identifier.
    expect(stageLabel('completed:da_xong')).toBe('Đã kết thúc (da_xong)');
    expect(stageLabel('completed:')).toBe('Đã kết thúc');
  });

  it('nodeLabel: a task (node) name in Vietnamese; never a synthetic stage or an outcome; other names as they are', () => {
    expect(nodeLabel('Accept or refuse the complaint (thụ lý)')).toBe('Thụ lý hoặc không thụ lý khiếu nại');
    for (const n of namedNodes) expect(nodeLabel(n.name), n.where).toBe(NODE_LABELS_VI[n.name]);
    // A custom definition's task named like a synthetic stage keeps its name.
    for (const s of ['starting', 'received', 'running', 'cancelled', 'completed:accepted', 'constructor'])
      expect(nodeLabel(s)).toBe(s);
    expect(nodeLabel('Xác minh tại hiện trường')).toBe('Xác minh tại hiện trường');
  });

  it('the stage a running built-in case shows reads in Vietnamese (the view the workflow projects)', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    const graph = d.runner.graph;
    const nodeName = (id: string) => graph.node(id).name ?? id;
    const isWork = (id: string) => ['userTask', 'serviceTask', 'callActivity'].includes(graph.node(id).type);
    const stage = () => buildView('case-1', 'p', d.runner.state, nodeName, undefined, isWork).stage;
    expect(stage()).toBe('Accept or refuse the complaint (thụ lý)');
    expect(stageLabel(stage())).toBe('Thụ lý hoặc không thụ lý khiếu nại');
    d.complete('accept', {
      acceptanceDecision: 'refuse',
      refusalGround: 'time_barred',
      acceptanceNoticeOn: '2026-07-03',
    });
    expect(stage()).toBe('completed:not_accepted');
    expect(stageLabel(stage())).toBe('Đã kết thúc: không thụ lý');
  });
});
