/**
 * Where a page load's main-thread time goes (bench/console.ts, `BENCH_CONSOLE_PROFILE=1`): reads a Chromium trace
 * (devtools.timeline) and sums the renderer main thread's self time by kind of work from navigation start to the
 * frame that paints the data, and the time that thread was idle (waiting on the network or the API).
 */

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  cat: string;
  args?: { name?: string; data?: { url?: string; documentLoaderURL?: string; frame?: string } };
}

/** The kind of work an event's self time counts as. */
function kindOf(name: string): string {
  if (name === 'ParseHTML') return 'html';
  if (name === 'ParseAuthorStyleSheet') return 'css parse';
  if (/^(UpdateLayoutTree|RecalculateStyles|Document::updateStyleAndLayoutTree|StyleRecalc)/.test(name))
    return 'style recalc';
  if (/^(Layout|UpdateLayerTree|PrePaint|LayoutShift|IntersectionObserverController)/.test(name)) return 'layout';
  if (/^(Paint|PaintImage|Layerize|Commit|RasterTask|CompositeLayers|UpdateLayer|PaintSetup)/.test(name))
    return 'paint';
  if (/GC|GCEvent|BlinkGC|V8\.GC/i.test(name)) return 'gc';
  if (
    /^(v8\.compile|v8\.compileModule|V8\.Compile|v8\.parseOnBackground|v8\.produceCache|v8\.produceModuleCache)/i.test(
      name,
    )
  )
    return 'js compile';
  if (
    /^(EvaluateScript|v8\.evaluateModule|v8\.run|FunctionCall|RunMicrotasks|TimerFire|FireAnimationFrame|EventDispatch|v8\.callFunction|V8\.Execute|XHRReadyStateChange|ResourceReceivedData|HandlePostMessage|v8\.callModuleMethod|ProfileCall)/.test(
      name,
    )
  )
    return 'js run';
  return 'other';
}

export interface MainThreadProfile {
  /** ms of main-thread self time by kind, navigation start → painted. */
  byKind: Record<string, number>;
  busy: number;
  window: number;
  /** The scripts whose compile + evaluation took longest (ms, self time of their top events). */
  scripts: Array<[string, number]>;
}

export function profileMainThread(traceJson: Buffer | string, pageUrl: string, paintedMs: number): MainThreadProfile {
  const parsed = JSON.parse(String(traceJson)) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const navs = events.filter(
    (e) =>
      e.name === 'navigationStart' &&
      mains.has(`${e.pid}:${e.tid}`) &&
      (e.args?.data?.documentLoaderURL ?? '').includes(pageUrl),
  );
  const nav = navs[navs.length - 1];
  if (!nav) return { byKind: {}, busy: 0, window: paintedMs, scripts: [] };
  const start = nav.ts;
  const end = nav.ts + paintedMs * 1000;
  // Complete events on that thread (B/E pairs turned into complete events).
  const mine = events.filter((e) => e.pid === nav.pid && e.tid === nav.tid);
  const complete: TraceEvent[] = [];
  const open: TraceEvent[] = [];
  for (const e of mine.sort((a, b) => a.ts - b.ts)) {
    if (e.ph === 'X' && e.dur !== undefined) complete.push(e);
    else if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      if (b) complete.push({ ...b, ph: 'X', dur: e.ts - b.ts });
    }
  }
  const inWin = complete
    .filter((e) => e.ts < end && e.ts + e.dur! > start)
    .map((e) => ({ ...e, s: Math.max(e.ts, start), f: Math.min(e.ts + e.dur!, end) }))
    .sort((a, b) => a.s - b.s || b.f - a.f);
  const byKind: Record<string, number> = {};
  const scripts = new Map<string, number>();
  const names = new Map<string, number>();
  type Node = (typeof inWin)[number] & { self: number; url?: string };
  const stack: Node[] = [];
  let busy = 0;
  const close = (n: Node) => {
    const k = n.name === 'RunTask' || n.name === 'ThreadControllerImpl::RunTask' ? 'other' : kindOf(n.name);
    byKind[k] = (byKind[k] ?? 0) + n.self / 1000;
    if (process.env.BENCH_CONSOLE_PROFILE === 'names') names.set(n.name, (names.get(n.name) ?? 0) + n.self / 1000);
    if ((k === 'js compile' || k === 'js run') && n.url) scripts.set(n.url, (scripts.get(n.url) ?? 0) + n.self / 1000);
  };
  for (const e of inWin) {
    while (stack.length && stack[stack.length - 1]!.f <= e.s) close(stack.pop()!);
    const parent = stack[stack.length - 1];
    const n: Node = { ...e, self: e.f - e.s, url: e.args?.data?.url || parent?.url };
    if (parent) parent.self -= n.f - n.s;
    else busy += n.f - n.s;
    stack.push(n);
  }
  while (stack.length) close(stack.pop()!);
  if (names.size)
    console.error(
      [...names]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 25)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(', '),
    );
  const short = (u: string) => u.replace(/^https?:\/\/[^/]+/, '').replace(/-[\w-]{8}\.js$/, '.js');
  return {
    byKind,
    busy: busy / 1000,
    window: paintedMs,
    scripts: [...scripts]
      .map(([u, ms]) => [short(u), ms] as [string, number])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6),
  };
}

/** One line: busy / idle and the kinds of work, largest first. */
export function formatProfile(p: MainThreadProfile): string {
  const kinds = Object.entries(p.byKind)
    .filter(([, ms]) => ms >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([k, ms]) => `${k} ${ms.toFixed(0)}`)
    .join(', ');
  const scripts = p.scripts.map(([u, ms]) => `${u} ${ms.toFixed(0)}`).join(', ');
  return `main thread busy ${p.busy.toFixed(0)} of ${p.window.toFixed(0)} ms (idle ${(p.window - p.busy).toFixed(0)}): ${kinds}\n      scripts: ${scripts}`;
}
