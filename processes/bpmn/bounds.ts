/**
 * Cheap bounds of a BPMN 2.0 XML document, checked before it is parsed (issue 11.5): one linear
 * pass over the text counts the elements and their nesting, so that a document too large or too
 * deep for an import is refused in milliseconds instead of occupying a parser for seconds.
 * The built-in lifecycles are ≤ 360 kB, ≤ 4,000 elements and ≤ 10 levels deep (with their diagrams).
 */

/** Largest BPMN document imported (bytes of UTF-8). */
export const MAX_BPMN_BYTES = 2 * 1024 * 1024;
/** Most XML elements in one document (process elements, extensions and diagram shapes together). */
export const MAX_BPMN_ELEMENTS = 20_000;
/** Deepest element nesting. */
export const MAX_BPMN_DEPTH = 64;

/** Why a document is refused before parsing: `size` (HTTP 413) or `elements` / `depth` (HTTP 422). */
export interface BpmnBoundsViolation {
  bound: 'size' | 'elements' | 'depth';
  message: string;
}

/**
 * Counts elements and nesting in one pass (comments, CDATA, processing instructions and quoted
 * attribute values skipped); stops at the first bound exceeded. Not a validator: malformed XML
 * within the bounds is left to the parser.
 */
export function checkBpmnBounds(
  xml: string,
  limits = { bytes: MAX_BPMN_BYTES, elements: MAX_BPMN_ELEMENTS, depth: MAX_BPMN_DEPTH },
): BpmnBoundsViolation | null {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > limits.bytes)
    return { bound: 'size', message: `the BPMN document is ${bytes} bytes; at most ${limits.bytes} are imported` };
  let elements = 0;
  let depth = 0;
  let i = xml.indexOf('<');
  while (i >= 0 && i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      i = skipTo(xml, '-->', i + 4);
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      i = skipTo(xml, ']]>', i + 9);
      continue;
    }
    if (xml.startsWith('<?', i)) {
      i = skipTo(xml, '?>', i + 2);
      continue;
    }
    if (xml.startsWith('<!', i)) {
      i = skipTo(xml, '>', i + 2);
      continue;
    }
    if (xml[i + 1] === '/') {
      depth = Math.max(0, depth - 1);
      i = skipTo(xml, '>', i + 2);
      continue;
    }
    // An opening tag: find its end outside quoted attribute values.
    let j = i + 1;
    let quote = '';
    for (; j < xml.length; j++) {
      const ch = xml[j]!;
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '>') break;
    }
    elements += 1;
    if (elements > limits.elements)
      return { bound: 'elements', message: `the BPMN document has more than ${limits.elements} XML elements` };
    if (xml[j - 1] !== '/') {
      depth += 1;
      if (depth > limits.depth)
        return { bound: 'depth', message: `the BPMN document nests elements more than ${limits.depth} deep` };
    }
    i = xml.indexOf('<', j + 1);
  }
  return null;
}

function skipTo(xml: string, end: string, from: number): number {
  const k = xml.indexOf(end, from);
  return k < 0 ? -1 : xml.indexOf('<', k + end.length);
}
