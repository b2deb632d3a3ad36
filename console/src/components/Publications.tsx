/**
 * The officer's publication panel on the case page (ADR 0043): paste the decision or conclusion as issued, preview
 * the redacted text the API returns (what was replaced, by label only), publish exactly that text (its sha256),
 * and withdraw a publication with a reason. The API decides who may (officer, supervisor, admin of the case's
 * agency or above) and refuses what it cannot do (409/422 shown as worded).
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, newKey, ok } from '../api.js';
import { useWords } from '../decision-words.js';
import { ProblemAlert } from './Problem.js';
import '../decisions.css';

export function Publications({ caseId }: { caseId: string }) {
  const { w, fmt } = useWords();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [extra, setExtra] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(newKey);
  const list = useQuery({
    queryKey: ['publications', caseId],
    queryFn: async () => ok(await api().GET('/v1/cases/{id}/publications', { params: { path: { id: caseId } } })).items,
  });
  const input = () => ({
    text,
    ...(extra.trim()
      ? {
          extraTerms: extra
            .split('\n')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
  });
  const preview = useMutation({
    meta: { reads: true }, // nothing stored
    mutationFn: async () =>
      ok(
        await api().POST('/v1/cases/{id}/publications/preview', {
          params: { path: { id: caseId } },
          body: input(),
        }),
      ),
  });
  const publish = useMutation({
    mutationFn: async (sha: string) =>
      ok(
        await api().POST('/v1/cases/{id}/publications', {
          params: { path: { id: caseId }, header: { 'Idempotency-Key': key } },
          body: { ...input(), reviewedSha256: sha },
        }),
      ),
    onSuccess: async () => {
      preview.reset();
      setText('');
      setExtra('');
      setKey(newKey());
      await qc.invalidateQueries({ queryKey: ['publications', caseId] });
    },
  });
  const withdraw = useMutation({
    mutationFn: async (id: string) =>
      ok(
        await api().POST('/v1/cases/{id}/publications/{publicationId}/withdraw', {
          params: { path: { id: caseId, publicationId: id } },
          body: { reason },
        }),
      ),
    onSuccess: async () => {
      setReason('');
      await qc.invalidateQueries({ queryKey: ['publications', caseId] });
    },
  });
  const p = preview.data;
  const items = list.data ?? [];
  return (
    <Card withBorder data-testid="publications">
      <Title order={2} size="h4" mb="xs">
        {w('panel')}
      </Title>
      {items.length > 0 && (
        <Stack gap="xs" mb="sm">
          <Text fw={600}>{w('publications')}</Text>
          {items.map((x) => (
            <Group key={x.id} gap="xs" data-publication={x.id}>
              <Badge color={x.status === 'published' ? 'green' : 'gray'}>
                {x.status === 'published' ? w('published') : w('withdrawn')}
              </Badge>
              <Text size="sm">
                {x.title} {x.decisionNumber ?? ''} · {fmt.dateTime(x.publishedAt)}
                {x.withdrawnReason ? ` · ${x.withdrawnReason}` : ''}
              </Text>
              {x.status === 'published' && (
                <>
                  <Anchor component={Link} to={`/decisions/${x.id}`} size="sm">
                    {w('read')}
                  </Anchor>
                  <TextInput
                    size="xs"
                    aria-label={w('reason')}
                    placeholder={w('reason')}
                    value={reason}
                    onChange={(e) => setReason(e.currentTarget.value)}
                  />
                  <Button
                    size="xs"
                    color="red"
                    variant="light"
                    disabled={!reason.trim()}
                    loading={withdraw.isPending}
                    onClick={() => withdraw.mutate(x.id)}
                  >
                    {w('withdraw')}
                  </Button>
                </>
              )}
            </Group>
          ))}
          <ProblemAlert error={withdraw.error} />
        </Stack>
      )}
      <Text size="sm" mb="xs">
        {w('panelHelp')}
      </Text>
      <Stack gap="xs">
        <Textarea
          label={w('fullText')}
          autosize
          minRows={4}
          maxRows={14}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            preview.reset();
          }}
        />
        <Textarea
          label={w('extraTerms')}
          autosize
          minRows={1}
          maxRows={5}
          value={extra}
          onChange={(e) => {
            setExtra(e.currentTarget.value);
            preview.reset();
          }}
        />
        <Group>
          <Button variant="light" disabled={!text.trim()} loading={preview.isPending} onClick={() => preview.mutate()}>
            {w('preview')}
          </Button>
        </Group>
        <ProblemAlert error={preview.error} />
        {p && (
          <Stack gap="xs" data-testid="publication-preview">
            <Group gap="xs">
              <Text fw={600}>
                {p.title} {p.decisionNumber ?? ''} · {fmt.date(p.issuedOn)}
              </Text>
              <Badge color={p.required ? 'blue' : 'gray'}>{p.required ? w('required') : w('optional')}</Badge>
            </Group>
            <Text size="sm">
              {w('legalBasis')}: {p.legalBasis}
            </Text>
            {p.replacements.length > 0 && (
              <div>
                <Text size="sm">{w('replaced')}:</Text>
                <List size="sm">
                  {p.replacements.map((r) => (
                    <List.Item key={`${r.kind}${r.label}`}>
                      {r.label} × {r.count}
                    </List.Item>
                  ))}
                </List>
              </div>
            )}
            <Alert color="blue" className="decision-text" data-testid="redacted-text">
              {p.redactedText}
            </Alert>
            <Group>
              <Button loading={publish.isPending} onClick={() => publish.mutate(p.textSha256)}>
                {w('publish')}
              </Button>
            </Group>
          </Stack>
        )}
        <ProblemAlert error={publish.error} />
      </Stack>
    </Card>
  );
}
