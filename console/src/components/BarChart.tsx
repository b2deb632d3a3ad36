/**
 * A horizontal bar chart in plain SVG (no chart library, no inline styles: the CSP allows none): one bar per
 * label, its value written at its end, a bar with `href` links (a drill-down). A labelled group (its links stay
 * reachable by keyboard); the same numbers stand in the table next to it.
 */
import { Link } from 'react-router';

export interface Bar {
  label: string;
  value: number;
  href?: string | undefined;
}

const ROW = 28;
const LABEL_W = 220;
const CHART_W = 640;

export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = CHART_W - LABEL_W - 60;
  const height = bars.length * ROW + 8;
  const cut = (s: string) => (s.length > 30 ? `${s.slice(0, 29)}…` : s);
  return (
    <svg
      className="bar-chart"
      viewBox={`0 0 ${CHART_W} ${height}`}
      width="100%"
      role="group"
      aria-label={title}
      data-testid="bar-chart"
    >
      <title>{title}</title>
      {bars.map((b, i) => {
        const y = i * ROW + 4;
        const w = Math.round((b.value / max) * plot);
        const bar = (
          <>
            <rect x={LABEL_W} y={y + 4} width={Math.max(w, 1)} height={ROW - 10} fill="#1c4e80" rx="2" />
            <text x={LABEL_W + Math.max(w, 1) + 6} y={y + ROW / 2 + 4} fontSize="13" fill="#1a1b1e">
              {b.value}
            </text>
          </>
        );
        return (
          <g key={`${b.label}-${i}`} data-bar={b.label}>
            <text x={LABEL_W - 8} y={y + ROW / 2 + 4} fontSize="13" textAnchor="end" fill="#1a1b1e">
              {cut(b.label)}
            </text>
            {b.href ? (
              <Link to={b.href} aria-label={`${b.label}: ${b.value}`}>
                {bar}
              </Link>
            ) : (
              bar
            )}
          </g>
        );
      })}
    </svg>
  );
}
