/**
 * Per-step counts of the open cases pinned to one definition version (the supervisor's heatmap on the
 * process diagram): how many wait at each step, how many of them are overdue or at risk, and how many
 * open cases recorded a breach of a limit at that step. Read model only (`cases` + `case_states`),
 * always restricted to a list of agencies (the caller's subtree).
 */
import type { Db } from './knex.js';

export interface HeatmapNode {
  nodeId: string;
  /** Open cases with a token resting on this step. */
  waiting: number;
  /** Of those, overdue (a limit ran out) and at risk (a warning rung fired). */
  overdue: number;
  atRisk: number;
  /** Open cases that recorded a breach of a limit at this step (still waiting there or moved on). */
  breached: number;
}

export interface Heatmap {
  /** Open cases pinned to the version, in the agencies given. */
  openCases: number;
  nodes: HeatmapNode[];
}

const OPEN = `COALESCE(cs.status, 'running') NOT IN ('completed', 'cancelled') AND c.status <> 'closed'`;

export function createDefinitionHeatmap(db: Db) {
  return {
    async counts(key: string, version: number, agencies: readonly string[]): Promise<Heatmap> {
      const base = `FROM cases c JOIN case_states cs ON cs.case_id = c.id
        WHERE c.definition_key = ? AND c.definition_version = ? AND c.agency_id = ANY(?) AND ${OPEN}`;
      const args = [key, version, [...agencies]];
      const [total, waiting, breached] = await Promise.all([
        db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n ${base}`, args),
        db.raw<{ rows: Array<{ node_id: string; waiting: string; overdue: string; at_risk: string }> }>(
          `SELECT n->>'nodeId' AS node_id, count(DISTINCT c.id) AS waiting,
                  count(DISTINCT c.id) FILTER (WHERE cs.overdue) AS overdue,
                  count(DISTINCT c.id) FILTER (WHERE (cs.state->'flags'->>'at_risk') = 'true') AS at_risk
             ${base.replace('WHERE', `CROSS JOIN LATERAL jsonb_array_elements(COALESCE(cs.state->'currentNodes', '[]'::jsonb)) n WHERE`)}
            GROUP BY 1`,
          args,
        ),
        db.raw<{ rows: Array<{ node_id: string; n: string }> }>(
          `SELECT b->>'nodeId' AS node_id, count(DISTINCT c.id) AS n
             ${base.replace('WHERE', `CROSS JOIN LATERAL jsonb_array_elements(COALESCE(cs.state->'breaches', '[]'::jsonb)) b WHERE`)}
              AND b->>'status' = 'breached'
            GROUP BY 1`,
          args,
        ),
      ]);
      const nodes = new Map<string, HeatmapNode>();
      const at = (id: string) => {
        let n = nodes.get(id);
        if (!n) nodes.set(id, (n = { nodeId: id, waiting: 0, overdue: 0, atRisk: 0, breached: 0 }));
        return n;
      };
      for (const r of waiting.rows) {
        Object.assign(at(r.node_id), {
          waiting: Number(r.waiting),
          overdue: Number(r.overdue),
          atRisk: Number(r.at_risk),
        });
      }
      for (const r of breached.rows) at(r.node_id).breached = Number(r.n);
      return {
        openCases: Number(total.rows[0]?.n ?? 0),
        nodes: [...nodes.values()].sort((a, b) => b.waiting - a.waiting || a.nodeId.localeCompare(b.nodeId)),
      };
    },
  };
}
