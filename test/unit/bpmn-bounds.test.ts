import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBpmnBounds, MAX_BPMN_DEPTH, MAX_BPMN_ELEMENTS } from '../../processes/bpmn/bounds.js';

const doc = (inner: string) =>
  `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="x"><!-- <a><a> --><bpmn:process id="p">${inner}</bpmn:process></bpmn:definitions>`;

describe('BPMN bounds before parsing', () => {
  it('every exported diagram of the repository is within the bounds', () => {
    const dir = new URL('../../docs/diagrams/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.bpmn'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(checkBpmnBounds(readFileSync(new URL(f, dir), 'utf8')), f).toBeNull();
  });

  it('counts elements and depth, skipping comments, CDATA and quoted ">"', () => {
    expect(checkBpmnBounds(doc('<bpmn:task name="a > b" /><![CDATA[<x><x>]]>'))).toBeNull();
    expect(checkBpmnBounds(doc('<t/>'.repeat(MAX_BPMN_ELEMENTS)))?.bound).toBe('elements');
    const deep = '<a>'.repeat(MAX_BPMN_DEPTH) + '</a>'.repeat(MAX_BPMN_DEPTH);
    expect(checkBpmnBounds(doc(deep))?.bound).toBe('depth');
    expect(checkBpmnBounds(doc('x'), { bytes: 10, elements: 100, depth: 10 })?.bound).toBe('size');
  });
});
