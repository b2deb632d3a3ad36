import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashDefinition, validateDefinition } from '../../../workflows/engine/index.js';
import { fromBpmnXml, toBpmnXml } from '../../../processes/bpmn/index.js';
import { validDefinition } from './random-definitions.js';

describe('random valid definitions (fast-check)', () => {
  it('validate', () => {
    fc.assert(
      fc.property(validDefinition, (def) => {
        const result = validateDefinition(def);
        expect(result.ok ? [] : result.errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trip through BPMN XML unchanged (same content hash)', async () => {
    await fc.assert(
      fc.asyncProperty(validDefinition, async (input) => {
        const result = validateDefinition(input);
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        const back = await fromBpmnXml(await toBpmnXml(result.definition));
        expect(back.ok ? [] : back.errors).toEqual([]);
        if (!back.ok) return;
        expect(back.definition).toEqual(result.definition);
        expect(hashDefinition(back.definition)).toBe(hashDefinition(result.definition));
      }),
      { numRuns: 60 },
    );
  });

  it('become invalid when any one flow is removed, and the error names an element', () => {
    fc.assert(
      fc.property(validDefinition, fc.nat(), (def, pick) => {
        const flows = [...def.flows];
        flows.splice(pick % flows.length, 1);
        const result = validateDefinition({ ...def, flows });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.some((e) => e.elementId !== undefined)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('become invalid when any one node is given a duplicate id', () => {
    fc.assert(
      fc.property(validDefinition, fc.nat(), (def, pick) => {
        const nodes = structuredClone(def.nodes);
        const target = nodes[pick % nodes.length]!;
        const other = nodes.find((n) => n.id !== target.id)!;
        target.id = other.id;
        const result = validateDefinition({ ...def, nodes });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((e) => e.elementId)).toContain(other.id);
      }),
      { numRuns: 200 },
    );
  });
});
