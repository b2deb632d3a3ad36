/**
 * `npm run docs:generate`: writes docs/reference/driving-contract.md, the driving contract of every
 * built-in definition (task ids, form fields, candidate roles, messages, case events, clocks, ends),
 * derived from the definitions themselves (processes/builtin) — never written by hand.
 * test/unit/builtin/driving-contract-doc.test.ts fails when the committed file differs from a fresh one.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_ROLE_OF } from '../processes/builtin/build.js';
import { BUILTIN_DEFINITIONS, caseEventFields } from '../processes/builtin/index.js';
import { LEGAL_MESSAGES } from '../workflows/engine/nodes.js';
import {
  validateDefinition,
  type ClockRule,
  type DefinitionNode,
  type FormField,
  type ProcessDefinition,
} from '../workflows/engine/index.js';

export const DRIVING_CONTRACT_FILE = fileURLToPath(new URL('../docs/reference/driving-contract.md', import.meta.url));

/** Markdown table cell: pipes escaped, no line breaks. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (s: string): string => `\`${s}\``;
const anchor = (d: ProcessDefinition): string => `${d.key}-v${d.version}`;

function table(head: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['(none)'];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** One form field: name (`*` required), type, enum values, date bounds. */
function field(f: FormField): string {
  const type = f.type === 'array' ? `array of ${f.itemType ?? '?'}` : f.type;
  const values = f.values ? `: ${f.values.join(', ')}` : '';
  const bounds = [
    ...(f.notBefore ? [`≥ ${f.notBefore.join(', ')}`] : []),
    ...(f.notAfter ? [`≤ ${f.notAfter.join(', ')}`] : []),
  ];
  return `${code(f.name)}${f.required ? '*' : ''} ${type}${values}${bounds.length ? ` (${bounds.join('; ')})` : ''}`;
}

/** The clock rule a node carries: a user task's due rule or a timer event's clock. */
function clockOf(n: DefinitionNode): ClockRule | undefined {
  if (n.type === 'userTask') return n.due;
  if (
    (n.type === 'boundaryEvent' || n.type === 'intermediateCatchEvent') &&
    n.trigger.kind === 'timer' &&
    'ruleId' in n.trigger.timer
  ) {
    return n.trigger.timer;
  }
  return undefined;
}

function clockText(r: ClockRule): { length: string; suspension: string; extension: string } {
  const suspension = r.suspensionBasis
    ? `${r.suspensionBasis}${r.suspendableFrom ? ` (from ${r.suspendableFrom})` : ''}`
    : '—';
  const e = r.extension;
  let extension = '—';
  if (e) {
    extension = `≤ ${e.maxExtensions} × ${e.maxAmountEach} (${e.legalBasis})`;
    if (e.byLevel) {
      const levels = e.byLevel.levels
        .map((l) => `${l.value}: ${l.maxExtensions} × ${l.maxAmountEach} (${l.legalBasis})`)
        .join('; ');
      extension += `; by ${code(e.byLevel.variable)}: ${levels}; otherwise none (${e.byLevel.otherwise})`;
    }
    if (e.preset) extension += `; preset ${e.preset} over ${code(e.presetVariable ?? '?')}`;
  }
  const rungs = (r.rungs ?? []).map((g) => `${g.name} ${g.daysBefore}`).join(', ');
  return { length: `${r.amount} ${r.unit}${rungs ? ` (rungs: ${rungs})` : ''}`, suspension, extension };
}

function renderDefinition(d: ProcessDefinition): string[] {
  const out: string[] = [];
  out.push(`## ${d.key} v${d.version}`, '');
  out.push(
    `${d.name}. Case type ${code(d.caseType)}; cases received from ${d.effectiveFrom}${d.effectiveTo ? ` until ${d.effectiveTo} (exclusive)` : ''}.`,
  );
  if (d.legalBasis) out.push(`Legal basis: ${d.legalBasis}.`);
  out.push('');

  const tasks = d.nodes.filter((n) => n.type === 'userTask');
  out.push(`### Tasks (${tasks.length})`, '');
  out.push(
    'Complete with `POST /v1/tasks/{id}/complete`; `*` = required field; a listed event is dated by that field.',
    '',
  );
  out.push(
    ...table(
      ['task', 'name', 'candidate roles', 'scope', 'due', 'form fields', 'dates event'],
      tasks.map((t) => [
        code(t.id),
        t.name,
        t.candidateRoles.join(', '),
        t.agencyScope,
        t.due ? t.due.ruleId : '—',
        t.form.fields.length ? t.form.fields.map(field).join('<br>') : '—',
        caseEventFields(d, t.id)
          .map((e) => `${e.event} ← ${e.field}`)
          .join(', ') || '—',
      ]),
    ),
    '',
  );

  const listeners = new Map<string, { interrupting: string[]; nonInterrupting: string[] }>();
  for (const n of d.nodes) {
    if ((n.type === 'boundaryEvent' || n.type === 'intermediateCatchEvent') && n.trigger.kind === 'message') {
      const entry = listeners.get(n.trigger.messageName) ?? { interrupting: [], nonInterrupting: [] };
      if (n.type === 'boundaryEvent') (n.interrupting ? entry.interrupting : entry.nonInterrupting).push(n.attachedTo);
      else entry.interrupting.push(`${n.id} (catch event)`);
      listeners.set(n.trigger.messageName, entry);
    }
  }
  out.push('### Messages', '');
  out.push(
    ...table(
      ['message', 'interrupts', 'caught without interrupting'],
      [...listeners.keys()].sort().map((m) => {
        const l = listeners.get(m)!;
        return [code(m), l.interrupting.map(code).join(', ') || '—', l.nonInterrupting.map(code).join(', ') || '—'];
      }),
    ),
    '',
  );

  const recorders = new Map<string, { nodes: string[]; on: Set<string> }>([
    ['received', { nodes: [], on: new Set(['the receipt date given at case start']) }],
  ]);
  for (const n of d.nodes) {
    if (n.type === 'serviceTask' && n.activity === 'recordCaseEvent' && n.input.event) {
      const event = JSON.parse(n.input.event) as string;
      const entry = recorders.get(event) ?? { nodes: [], on: new Set<string>() };
      entry.nodes.push(n.id);
      entry.on.add(n.input.on && n.input.on !== 'null' ? n.input.on : 'the day it is reached');
      recorders.set(event, entry);
    }
  }
  const clocks = new Map<string, { rule: ClockRule; nodes: string[] }[]>();
  for (const n of d.nodes) {
    const rule = clockOf(n);
    if (!rule) continue;
    const variants = clocks.get(rule.ruleId) ?? [];
    const same = variants.find((v) => JSON.stringify(v.rule) === JSON.stringify(rule));
    if (same) same.nodes.push(n.id);
    else variants.push({ rule, nodes: [n.id] });
    clocks.set(rule.ruleId, variants);
  }
  const rules = [...clocks.values()].flat();
  out.push('### Case events', '');
  out.push(
    ...table(
      ['event', 'recorded by', 'dated by', 'clocks counting from it'],
      [...recorders.keys()].sort().map((e) => {
        const r = recorders.get(e)!;
        const from = [...new Set(rules.filter((c) => c.rule.from === e).map((c) => c.rule.ruleId))];
        return [code(e), r.nodes.map(code).join(', ') || 'case start', [...r.on].join(', '), from.join(', ') || '—'];
      }),
    ),
    '',
  );

  out.push('### Clocks', '');
  out.push(
    ...table(
      ['rule', 'length', 'from', 'legal basis', 'suspension', 'extension', 'follows', 'carried by'],
      rules.map(({ rule, nodes }) => {
        const t = clockText(rule);
        return [
          rule.ruleId,
          t.length,
          rule.from,
          rule.legalBasis,
          t.suspension,
          t.extension,
          rule.follows ?? '—',
          nodes.map(code).join(', '),
        ];
      }),
    ),
    '',
  );

  const ends = d.nodes.filter((n) => n.type === 'endEvent');
  out.push('### Ends', '');
  out.push(
    ...table(
      ['end', 'outcome', 'kind', 'legal basis'],
      ends.map((e) => [
        code(e.id),
        e.outcome,
        e.terminate ? 'terminate (ends the case)' : 'plain (ends its branch)',
        e.legalBasis ?? '—',
      ]),
    ),
    '',
  );

  const activities = [...new Set(d.nodes.flatMap((n) => (n.type === 'serviceTask' ? [n.activity] : [])))].sort();
  const calls = d.nodes.flatMap((n) =>
    n.type === 'callActivity' ? [`${code(n.id)} → ${n.calledKey}${n.wait ? '' : ' (not awaited)'}`] : [],
  );
  out.push('### Activities, linked cases, variables', '');
  out.push(`Activities: ${activities.map(code).join(', ') || '—'}.`, '');
  out.push(`Linked cases: ${calls.join(', ') || '—'}.`, '');
  const vars = Object.entries(d.variables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${code(k)} = ${JSON.stringify(v)}`);
  out.push(`Variable defaults: ${vars.join(', ') || '—'}.`, '');
  return out;
}

/** The text of docs/reference/driving-contract.md for the current built-in definitions. */
export function renderDrivingContract(): string {
  const defs = BUILTIN_DEFINITIONS.map((input) => {
    const r = validateDefinition(input);
    if (!r.ok) throw new Error(`${input.key} v${input.version}: ${JSON.stringify(r.errors.slice(0, 3))}`);
    return r.definition;
  });
  const out: string[] = [
    '# Driving contract of the built-in lifecycles',
    '',
    '<!-- Generated by `npm run docs:generate` (scripts/generate-contract.ts) from processes/builtin.',
    '     Do not edit: test/unit/builtin/driving-contract-doc.test.ts fails when this file is stale. -->',
    '',
    'What a client or a test must know to drive each built-in definition: the user tasks to complete',
    '(ids, candidate roles, agency scope, due rule, form fields), the messages each step reacts to, the',
    'case events its clocks count from and how they are dated, its statutory clocks and its ends. The',
    'decision behind these conventions is ADR 0007 (docs/decisions/0007-builtin-lifecycles.md).',
    '',
    '- **Candidate roles** list the functional role(s) and then the API role they map to:',
    `  ${Object.entries(API_ROLE_OF)
      .map(([f, a]) => `${f} → ${a}`)
      .join(', ')}.`,
    '  **Scope** is the agency the task is routed to, relative to the case (ADR 0010).',
    '- **Legal events** are messages (`POST /v1/cases/{id}/events/...`, see /docs). The engine knows',
    `  ${LEGAL_MESSAGES.map(code).join(', ')}; definitions add their own (e.g. \`terminate\`).`,
    '  `suspend`, `resume` and `extend` also act on every running clock that allows them (the Clocks',
    '  table: suspension, extension, follows), whether or not a step catches the message; any other',
    '  message is refused (409) unless a step of the case is waiting for it.',
    '- **Dates** are `YYYY-MM-DD` (Vietnam); a date field bound `≥ x` / `≤ x` names `today`, another',
    '  field, a case variable or a case event. Clock lengths follow BLDS 2015 Art 147-148 on the agency calendar.',
    '',
    '| definition | case type | received from | until (exclusive) | tasks |',
    '|---|---|---|---|---|',
    ...defs.map(
      (d) =>
        `| [${d.key} v${d.version}](#${anchor(d)}) | ${code(d.caseType)} | ${d.effectiveFrom} | ${d.effectiveTo ?? '—'} | ${d.nodes.filter((n) => n.type === 'userTask').length} |`,
    ),
    '',
  ];
  for (const d of defs) out.push(...renderDefinition(d));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const text = renderDrivingContract();
  fs.mkdirSync(new URL('../docs/reference/', import.meta.url), { recursive: true });
  fs.writeFileSync(DRIVING_CONTRACT_FILE, text);
  console.log(`wrote ${DRIVING_CONTRACT_FILE} (${text.split('\n').length} lines)`);
}
