/**
 * The BPMN diagram of a definition version (bpmn-js NavigatedViewer). This module and bpmn-js are loaded only
 * where a diagram is shown (React.lazy in DiagramLazy.tsx): they are not in the initial bundle.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { useEffect, useRef, useState } from 'react';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

export interface DiagramProps {
  xml: string;
  /** Classes per element id (current, completed, heat-1…3, breach). */
  marks?: Record<string, string[]>;
  /** Small labels per element id (e.g. the number of cases waiting). */
  badges?: Record<string, { text: string; breach?: boolean; title?: string }>;
  label: string;
}

interface Canvas {
  zoom(v: string): void;
  addMarker(id: string, cls: string): void;
}
interface Overlays {
  add(id: string, o: { position: { top: number; right: number }; html: HTMLElement }): void;
}
interface Registry {
  get(id: string): unknown;
}

export default function Diagram({ xml, marks = {}, badges = {}, label }: DiagramProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    const viewer = new NavigatedViewer({ container: ref.current });
    let alive = true;
    viewer
      .importXML(xml)
      .then(() => {
        if (!alive) return;
        const canvas = viewer.get('canvas') as Canvas;
        const registry = viewer.get('elementRegistry') as Registry;
        const overlays = viewer.get('overlays') as Overlays;
        canvas.zoom('fit-viewport');
        for (const [id, classes] of Object.entries(marks)) {
          if (registry.get(id)) for (const c of classes) canvas.addMarker(id, c);
        }
        for (const [id, b] of Object.entries(badges)) {
          if (!registry.get(id)) continue;
          const el = document.createElement('span');
          el.className = b.breach ? 'heat-badge breach' : 'heat-badge';
          el.textContent = b.text;
          if (b.title) el.title = b.title;
          el.dataset.node = id;
          overlays.add(id, { position: { top: -10, right: 10 }, html: el });
        }
      })
      .catch((e: Error) => alive && setError(e.message));
    return () => {
      alive = false;
      viewer.destroy();
    };
  }, [xml, JSON.stringify(marks), JSON.stringify(badges)]);
  return (
    <>
      <div ref={ref} className="diagram" role="region" aria-label={label} data-testid="diagram" />
      {error && <p role="alert">{error}</p>}
    </>
  );
}
