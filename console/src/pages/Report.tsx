/**
 * One stored report: status, deadline, its versions; a version's figures form by form (each case figure links to
 * the case search with the same filter: the cell's `drillDown`), a bar chart of one figure across the units, the
 * free-text sections (review), submit, reopen with a reason, and the XLSX / PDF / CSV download of a form.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, newKey, ok, saveAttachment } from '../api.js';
import { BarChart } from '../components/BarChart.js';
import { drillTo } from '../drill.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { useT, type Key } from '../i18n.js';
import { hasRole, useSession } from '../session.js';
import { statusColour } from './Reports.js';

/** The computed forms of a version (the API's `snapshot`, a ReportBundle: reports/types.ts ReportSnapshot). */
interface Snapshot {
  forms: Array<{
    form: { code: string; version: number; title: string; circular: string };
    agencyName: string;
    columns: Array<{ no: number; label: string; manual?: boolean }>;
    rows: Array<{
      code: string;
      label: string;
      cells: Record<string, { value: number | null; drillDown?: string; note?: string; unconfirmed?: boolean }>;
    }>;
    checks: Array<{ rule: string; ok: boolean; detail: string }>;
  }>;
}

/** The console page for an API drill-down link (the case search, or the list of the figure's records). */
export { drillTo };

export function Component() {
  const { id = '' } = useParams();
  const { t, fmt } = useT();
  const { claims } = useSession();
  const [params, setParams] = useSearchParams();
  const qc = useQueryClient();
  const report = useQuery({
    queryKey: ['report', id],
    queryFn: async () => ok(await api().GET('/v1/reports/{id}', { params: { path: { id } } })),
  });
  const r = report.data;
  const version = Number(params.get('v')) || r?.currentVersion || 0;
  const snap = useQuery({
    queryKey: ['report', id, 'v', version],
    enabled: version > 0,
    queryFn: async () =>
      ok(await api().GET('/v1/reports/{id}/versions/{version}', { params: { path: { id, version } } })),
  });
  const bundle = snap.data?.snapshot as Snapshot | undefined;
  const forms = bundle?.forms ?? [];
  const formCode = params.get('form') ?? forms[0]?.form.code ?? '';
  const form = forms.find((f) => f.form.code === formCode) ?? forms[0];
  const setParam = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    p.set(k, v);
    setParams(p, { replace: true });
  };
  const refresh = () => qc.invalidateQueries({ queryKey: ['report', id] });
  const download = useMutation({
    meta: { reads: true },
    mutationFn: async (format: 'xlsx' | 'pdf' | 'csv') =>
      saveAttachment(
        await api().GET('/v1/reports/{id}/versions/{version}/export', {
          params: { path: { id, version }, query: { format, ...(form ? { form: form.form.code } : {}) } },
          parseAs: 'blob',
        }),
        `${id}-v${version}.${format}`,
      ),
  });
  const own = claims?.agency === r?.agencyId;
  const mayWrite = own && hasRole(claims, 'officer', 'supervisor', 'admin');
  const mayReopen = hasRole(claims, 'supervisor', 'admin');
  return (
    <QueryState q={report}>
      {r && (
        <Stack>
          <Title order={1} size="h2">
            {t('reports')}: {r.agencyId} · {r.period}
          </Title>
          <Group gap="xs" data-testid="report-head">
            <Badge color={statusColour(r.status)} data-testid="report-status">
              {t(`rs_${r.status}` as Key)}
            </Badge>
            <Text size="sm">
              {t(`kind_${r.kind}` as Key)} · {fmt.date(r.periodFrom)}–{fmt.date(r.periodTo)} · {t('dueOn')}{' '}
              {fmt.date(r.dueOn)} {r.overdue && <Badge color="red">{t('overdue')}</Badge>} · {r.regime}
            </Text>
          </Group>
          <Card withBorder>
            <Group align="end" gap="sm">
              <NativeSelect
                label={t('version')}
                value={String(version)}
                onChange={(e) => setParam('v', e.currentTarget.value)}
                data={r.versions.map((v) => ({
                  value: String(v.version),
                  label: `v${v.version} · ${fmt.dateTime(v.computedAt)}${v.submittedAt ? ` · ${t('rs_submitted')}` : ''}`,
                }))}
              />
              {forms.length > 0 && (
                <NativeSelect
                  label={t('formCode')}
                  value={form?.form.code ?? ''}
                  onChange={(e) => setParam('form', e.currentTarget.value)}
                  data={forms.map((f) => ({ value: f.form.code, label: `${f.form.code} — ${f.form.title}` }))}
                />
              )}
              <Button variant="default" onClick={() => download.mutate('xlsx')} loading={download.isPending}>
                {t('download')} XLSX
              </Button>
              <Button variant="default" onClick={() => download.mutate('pdf')} loading={download.isPending}>
                {t('download')} PDF
              </Button>
              <Button variant="default" onClick={() => download.mutate('csv')} loading={download.isPending}>
                {t('download')} CSV
              </Button>
            </Group>
            <ProblemAlert error={download.error} />
            <Versions versions={r.versions} />
          </Card>
          <QueryState q={snap}>{form && <Figures form={form} />}</QueryState>
          <Sections
            id={id}
            status={r.status}
            version={r.currentVersion}
            sections={r.sections}
            mayWrite={mayWrite}
            mayReopen={mayReopen}
            onChange={refresh}
          />
        </Stack>
      )}
    </QueryState>
  );
}

function Versions({
  versions,
}: {
  versions: Array<{
    version: number;
    cause: string;
    computedAt: string;
    reopenReason: string | null;
    submittedAt: string | null;
    submittedBy: { id: string } | null;
    sha256: string | null;
  }>;
}) {
  const { t, fmt } = useT();
  return (
    <div className="table-wrap">
      <Table mt="sm" data-testid="versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('version')}</Table.Th>
            <Table.Th>{t('computedAt')}</Table.Th>
            <Table.Th>{t('submittedBy')}</Table.Th>
            <Table.Th>{t('reason')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v) => (
            <Table.Tr key={v.version}>
              <Table.Td>v{v.version}</Table.Td>
              <Table.Td>{fmt.dateTime(v.computedAt)}</Table.Td>
              <Table.Td>
                {v.submittedAt ? `${v.submittedBy?.id ?? ''} · ${fmt.dateTime(v.submittedAt)}` : '—'}
                {v.sha256 && (
                  <Text size="xs" className="hash">
                    sha256 {v.sha256.slice(0, 16)}…
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{v.reopenReason ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** A form's table (units × columns) and a bar chart of one column across the units (total row left out). */
function Figures({ form }: { form: Snapshot['forms'][number] }) {
  const { t } = useT();
  const numeric = form.columns.filter((c) => !c.manual && form.rows.some((r) => r.cells[String(c.no)]?.value != null));
  const [col, setCol] = useState<number | undefined>(undefined);
  const chartCol = numeric.find((c) => c.no === col) ?? numeric[0];
  const units = form.rows.filter((r) => r.code !== 'total');
  return (
    <>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          {t('figures')}: {form.form.code} — {form.form.title}
        </Title>
        <Text size="xs" mb="sm">
          {form.form.circular} · {form.agencyName}
        </Text>
        <div className="table-wrap">
          <Table striped withColumnBorders data-testid="figures" className="figures">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rowHeading')}</Table.Th>
                {form.columns.map((c) => (
                  <Table.Th key={c.no} title={c.label}>
                    ({c.no}) {c.label.length > 40 ? `${c.label.slice(0, 40)}…` : c.label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {form.rows.map((row) => (
                <Table.Tr key={row.code} data-row={row.code}>
                  <Table.Th scope="row">{row.label}</Table.Th>
                  {form.columns.map((c) => {
                    const cell = row.cells[String(c.no)];
                    const v = cell?.value;
                    return (
                      <Table.Td key={c.no} data-col={c.no}>
                        {v == null ? (
                          '—'
                        ) : cell?.drillDown ? (
                          <Anchor component={Link} to={drillTo(cell.drillDown)} title={t('drillDown')}>
                            {v}
                          </Anchor>
                        ) : (
                          v
                        )}
                        {cell?.unconfirmed && (
                          <Badge ml={4} size="xs" color="dark" variant="outline" data-testid="unconfirmed">
                            UNCONFIRMED
                          </Badge>
                        )}
                        {cell?.note && (
                          <Text size="xs" c="dimmed" data-testid="cell-note">
                            {cell.note}
                          </Text>
                        )}
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {form.checks.some((c) => !c.ok) && (
          <Alert color="yellow" mt="sm" title={t('checks')}>
            {form.checks
              .filter((c) => !c.ok)
              .map((c) => (
                <div key={c.rule}>{c.detail}</div>
              ))}
          </Alert>
        )}
      </Card>
      {chartCol && units.length > 0 && (
        <Card withBorder>
          <Group align="end" mb="sm">
            <Title order={2} size="h4">
              {t('chart')}
            </Title>
            <NativeSelect
              label={t('column')}
              value={String(chartCol.no)}
              onChange={(e) => setCol(Number(e.currentTarget.value))}
              data={numeric.map((c) => ({ value: String(c.no), label: `(${c.no}) ${c.label.slice(0, 60)}` }))}
            />
          </Group>
          <BarChart
            title={`(${chartCol.no}) ${chartCol.label}`}
            bars={units.map((u) => ({
              label: u.label,
              value: u.cells[String(chartCol.no)]?.value ?? 0,
              href: u.cells[String(chartCol.no)]?.drillDown
                ? drillTo(u.cells[String(chartCol.no)]!.drillDown!)
                : undefined,
            }))}
          />
        </Card>
      )}
    </>
  );
}

/** Review (the free-text sections), submit the current version, reopen a submitted one with a reason. */
function Sections(props: {
  id: string;
  status: string;
  version: number;
  sections: { assessment?: string; proposals?: string };
  mayWrite: boolean;
  mayReopen: boolean;
  onChange: () => void;
}) {
  const { t } = useT();
  const { id } = props;
  const [assessment, setAssessment] = useState(props.sections.assessment ?? '');
  const [proposals, setProposals] = useState(props.sections.proposals ?? '');
  const [reason, setReason] = useState('');
  const submitted = props.status === 'submitted';
  const save = useMutation({
    mutationFn: async () =>
      ok(
        await api().PUT('/v1/reports/{id}/sections', {
          params: { path: { id }, header: { 'Idempotency-Key': newKey() } },
          body: { assessment, proposals },
        }),
      ),
    onSuccess: props.onChange,
  });
  const submit = useMutation({
    mutationFn: async () =>
      ok(
        await api().POST('/v1/reports/{id}/submit', {
          params: { path: { id }, header: { 'Idempotency-Key': newKey() } },
          body: { version: props.version },
        }),
      ),
    onSuccess: props.onChange,
  });
  const reopen = useMutation({
    mutationFn: async () =>
      ok(
        await api().POST('/v1/reports/{id}/reopen', {
          params: { path: { id }, header: { 'Idempotency-Key': newKey() } },
          body: { reason },
        }),
      ),
    onSuccess: () => {
      setReason('');
      props.onChange();
    },
  });
  return (
    <Card withBorder>
      <Stack>
        <Textarea
          label={t('assessment')}
          autosize
          minRows={2}
          value={assessment}
          readOnly={!props.mayWrite || submitted}
          onChange={(e) => setAssessment(e.currentTarget.value)}
        />
        <Textarea
          label={t('proposals')}
          autosize
          minRows={2}
          value={proposals}
          readOnly={!props.mayWrite || submitted}
          onChange={(e) => setProposals(e.currentTarget.value)}
        />
        {props.mayWrite && !submitted && (
          <Group>
            <Button variant="default" onClick={() => save.mutate()} loading={save.isPending}>
              {t('saveSections')}
            </Button>
            <Button onClick={() => submit.mutate()} loading={submit.isPending}>
              {t('submitReport')}
            </Button>
            {save.isSuccess && <Text role="status">{t('saved')}</Text>}
          </Group>
        )}
        <ProblemAlert error={save.error ?? submit.error} />
        {submit.data && (
          <Alert color="green" role="status" data-testid="submitted">
            {t('rs_submitted')} v{submit.data.version} · sha256 {submit.data.sha256.slice(0, 16)}…
          </Alert>
        )}
        {props.mayReopen && submitted && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              reopen.mutate();
            }}
          >
            <Group align="end">
              <Textarea
                label={t('reason')}
                required
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                className="grow"
              />
              <Button type="submit" color="orange" loading={reopen.isPending}>
                {t('reopenReport')}
              </Button>
            </Group>
          </form>
        )}
        <ProblemAlert error={reopen.error} />
      </Stack>
    </Card>
  );
}
