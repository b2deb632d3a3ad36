/**
 * Minimal typings for the untyped BPMN libraries (bpmn-moddle ships element types only,
 * bpmn-auto-layout none). Only what processes/bpmn uses.
 */
declare module 'bpmn-moddle' {
  /** A moddle element: typed properties are accessed by name, as in the BPMN meta-model. */
  export interface ModdleElement {
    readonly $type: string;
    $parent?: ModdleElement;
    $attrs?: Record<string, string>;
    // Properties follow the BPMN meta-model and the kntc descriptor; moddle has no static types.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    [property: string]: any;
  }
  export interface ParseWarning {
    message: string;
    element?: ModdleElement;
    property?: string;
    value?: unknown;
    error?: Error;
  }
  export interface FromXmlResult {
    rootElement: ModdleElement;
    warnings: ParseWarning[];
    elementsById: Record<string, ModdleElement>;
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    create(type: string, properties?: Record<string, unknown>): ModdleElement;
    fromXML(xml: string, typeName?: string): Promise<FromXmlResult>;
    toXML(element: ModdleElement, options?: { format?: boolean; preamble?: boolean }): Promise<{ xml: string }>;
  }
}

declare module 'bpmn-auto-layout' {
  /** Lays out the first process of a BPMN XML document, replacing its diagram interchange. */
  export function layoutProcess(xml: string): Promise<string>;
}
