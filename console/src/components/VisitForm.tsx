/**
 * Records a visit of a reception session: the visitors (and a delegation's representatives; sent to the API,
 * which encrypts them — a denouncer's identity is never shown back here), the number of people, the content,
 * the outcome (a refusal with its ground; a transfer with its target; a received letter starts its case), and,
 * before saving, the matters the API suggests for it (the officer links one or none).
 */
import { Alert, Badge, Button, Checkbox, Group, NativeSelect, NumberInput, Stack, Table } from '@mantine/core';
import { Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok, type components } from '../api.js';
import { compact, fieldError, useOpsT, useSubmit, vnInstant, vnNowLocal } from '../ops.js';
import { DateField, FormCard } from './FormCard.js';
import { ProblemAlert } from './Problem.js';

export type Person = { name: string; idNumber: string; phone: string; address: string };
type Created = components['schemas']['CreatedReceptionVisit'];
type Body = components['schemas']['CreateReceptionVisit'];
export const blank = (): Person => ({ name: '', idNumber: '', phone: '', address: '' });
const CONTENT = ['complaint', 'denunciation', 'petition', 'feedback'] as const;
const OUTCOMES = ['guided', 'answered', 'letter_received', 'transferred', 'refused'] as const;
const CASE_TYPES = ['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition'] as const;

/** A list of people (visitors, representatives) with the API's messages on each field. */
export function People({
  label,
  field,
  list,
  setList,
  error,
}: {
  label: string;
  field: string;
  list: Person[];
  setList: (l: Person[]) => void;
  error: unknown;
}) {
  const { o } = useOpsT();
  const put = (i: number, k: keyof Person, v: string) => setList(list.map((p, j) => (j === i ? { ...p, [k]: v } : p)));
  return (
    <fieldset className="people">
      <legend>{label}</legend>
      {list.map((p, i) => (
        <div className="grid-people" key={i} data-person={`${field}-${i}`}>
          {(['name', 'idNumber', 'phone', 'address'] as const).map((k) => (
            <TextInput
              key={k}
              label={o(k === 'name' ? 'personName' : k)}
              value={p[k]}
              onChange={(e) => put(i, k, e.currentTarget.value)}
              error={fieldError(error, `${field}.${i}.${k}`)}
              autoComplete="off"
            />
          ))}
          <Button
            variant="subtle"
            color="red"
            className="person-remove"
            onClick={() => setList(list.filter((_, j) => j !== i))}
          >
            {o('removePerson')}
          </Button>
        </div>
      ))}
      {fieldError(error, field) && !list.length && (
        <Text c="red" size="sm">
          {fieldError(error, field)}
        </Text>
      )}
      <Button variant="default" size="xs" onClick={() => setList([...list, blank()])}>
        {o('addPerson')}
      </Button>
    </fieldset>
  );
}

export function VisitForm({
  session,
  onCreated,
}: {
  session: { id: string; agencyId: string };
  onCreated: (v: Created) => void;
}) {
  const { t, o, fmt } = useOpsT();
  const [f, setF] = useState({
    visitedAt: vnNowLocal(),
    peopleCount: '' as string | number,
    isDelegation: false,
    securityLiaison: false,
    respondent: '',
    contentType: 'complaint' as (typeof CONTENT)[number],
    summary: '',
    outcome: 'guided' as (typeof OUTCOMES)[number],
    refusalGround: '',
    transferAgencyId: '',
    transferTarget: '',
    caseType: '',
    subject: '',
  });
  const [visitors, setVisitors] = useState<Person[]>([blank()]);
  const [reps, setReps] = useState<Person[]>([]);
  const [matter, setMatter] = useState<{ id: string; title: string } | null>(null);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  const people = (l: Person[]) => l.map((p) => compact(p)) as Body['visitors'];
  const suggest = useMutation({
    meta: { reads: true }, // nothing stored
    mutationFn: async () =>
      ok(
        await api().POST('/v1/matters/suggestions', {
          body: {
            agencyId: session.agencyId,
            people: people([...visitors, ...reps].filter((p) => p.name)),
            ...(f.respondent ? { respondent: f.respondent } : {}),
            ...(f.summary ? { subject: f.summary } : {}),
          } as never,
        }),
      ),
  });
  const submit = useSubmit(
    async (key) => {
      const body = {
        ...compact({
          visitedAt: vnInstant(f.visitedAt),
          respondent: f.respondent,
          contentType: f.contentType,
          summary: f.summary,
          outcome: f.outcome,
          refusalGround: f.outcome === 'refused' ? f.refusalGround : '',
          transferAgencyId: f.outcome === 'transferred' ? f.transferAgencyId : '',
          transferTarget: f.outcome === 'transferred' ? f.transferTarget : '',
        }),
        ...(f.peopleCount !== '' ? { peopleCount: Number(f.peopleCount) } : {}),
        isDelegation: f.isDelegation,
        securityLiaison: f.isDelegation && f.securityLiaison,
        visitors: people(visitors),
        representatives: f.isDelegation ? people(reps) : [],
        ...(f.outcome === 'letter_received'
          ? { letter: compact({ caseType: f.caseType, subject: f.subject }) as Body['letter'] }
          : {}),
        ...(matter ? { matterId: matter.id } : {}),
      } as Body;
      return ok(
        await api().POST('/v1/reception/sessions/{id}/visits', {
          params: { path: { id: session.id }, header: { 'Idempotency-Key': key } },
          body,
        }),
      );
    },
    {
      invalidate: [['reception-visits', session.id], ['reception-sessions']],
      onDone: (v) => {
        onCreated(v);
        setVisitors([blank()]);
        setReps([]);
        setMatter(null);
        suggest.reset();
        setF({ ...f, summary: '', respondent: '', refusalGround: '', subject: '', peopleCount: '' });
      },
    },
  );
  const err = (k: string) => fieldError(submit.error, k);
  return (
    <FormCard title={o('recordVisit')} testId="visit-form" submit={submit}>
      <Stack gap="sm">
        <div className="grid-2">
          <DateField
            withTime
            label={o('visitedAt')}
            value={f.visitedAt}
            onChange={set('visitedAt')}
            error={err('visitedAt')}
          />
          <NativeSelect
            label={o('contentType')}
            value={f.contentType}
            onChange={set('contentType')}
            error={err('contentType')}
            data={CONTENT.map((c) => ({ value: c, label: o(`ct_${c}`) }))}
          />
        </div>
        {f.contentType === 'denunciation' && (
          <Alert color="blue" variant="light">
            {o('denouncerNote')}
          </Alert>
        )}
        <People label={o('visitors')} field="visitors" list={visitors} setList={setVisitors} error={submit.error} />
        <Group>
          <Checkbox
            label={o('isDelegation')}
            checked={f.isDelegation}
            onChange={(e) => setF({ ...f, isDelegation: e.currentTarget.checked })}
          />
          {f.isDelegation && (
            <Checkbox
              label={o('securityLiaison')}
              checked={f.securityLiaison}
              onChange={(e) => setF({ ...f, securityLiaison: e.currentTarget.checked })}
            />
          )}
          <NumberInput
            label={o('peopleCount')}
            min={1}
            value={f.peopleCount}
            onChange={(v) => setF({ ...f, peopleCount: v })}
            error={err('peopleCount')}
            w={160}
          />
        </Group>
        {f.isDelegation && (
          <People
            label={o('representatives')}
            field="representatives"
            list={reps}
            setList={setReps}
            error={submit.error}
          />
        )}
        <TextInput
          label={o('respondent')}
          value={f.respondent}
          onChange={set('respondent')}
          error={err('respondent')}
        />
        <Textarea label={o('summary')} value={f.summary} onChange={set('summary')} error={err('summary')} autosize />
        <Group>
          <Button variant="default" onClick={() => suggest.mutate()} loading={suggest.isPending}>
            {o('suggest')}
          </Button>
          {matter && (
            <Badge size="lg" variant="light" data-testid="chosen-matter">
              {o('chosenMatter')}: {matter.title}
            </Badge>
          )}
        </Group>
        <ProblemAlert error={suggest.error} />
        {suggest.data && (
          <div className="table-wrap">
            <Table data-testid="intake-suggestions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{o('matters')}</Table.Th>
                  <Table.Th>{o('lastReceived')}</Table.Th>
                  <Table.Th>{o('similarity')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {suggest.data.items.map((s) => (
                  <Table.Tr key={s.matter.id}>
                    <Table.Td>
                      {s.matter.title}
                      {s.samePerson && <Badge ml="xs">{o('samePerson')}</Badge>}
                      {s.sameRespondent && <Badge ml="xs">{o('sameRespondent')}</Badge>}
                    </Table.Td>
                    <Table.Td>{fmt.date(s.matter.lastReceivedAt)}</Table.Td>
                    <Table.Td>{Math.round(s.similarity * 100)}%</Table.Td>
                    <Table.Td>
                      <Group gap="xs">
                        <Button size="xs" onClick={() => setMatter({ id: s.matter.id, title: s.matter.title })}>
                          {o('useMatter')}
                        </Button>
                        {matter?.id === s.matter.id && (
                          <Button size="xs" variant="default" onClick={() => setMatter(null)}>
                            {o('reject')}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {suggest.data.items.length === 0 && <Text>{t('noItems')}</Text>}
          </div>
        )}
        <NativeSelect
          label={o('outcome')}
          value={f.outcome}
          onChange={set('outcome')}
          error={err('outcome')}
          data={OUTCOMES.map((c) => ({ value: c, label: o(`out_${c}`) }))}
        />
        {f.outcome === 'refused' && (
          <Textarea
            label={o('refusalGround')}
            value={f.refusalGround}
            onChange={set('refusalGround')}
            error={err('refusalGround')}
          />
        )}
        {f.outcome === 'transferred' && (
          <div className="grid-2">
            <TextInput
              label={o('transferAgency')}
              value={f.transferAgencyId}
              onChange={set('transferAgencyId')}
              error={err('transferAgencyId')}
            />
            <TextInput
              label={o('transferTarget')}
              value={f.transferTarget}
              onChange={set('transferTarget')}
              error={err('transferTarget')}
            />
          </div>
        )}
        {f.outcome === 'letter_received' && (
          <div className="grid-2">
            <NativeSelect
              label={o('caseType')}
              value={f.caseType}
              onChange={set('caseType')}
              error={err('letter.caseType')}
              data={[{ value: '', label: '—' }, ...CASE_TYPES.map((c) => ({ value: c, label: t(`type_${c}`) }))]}
            />
            <TextInput
              label={o('letterSubject')}
              value={f.subject}
              onChange={set('subject')}
              error={err('letter.subject')}
            />
          </div>
        )}
      </Stack>
    </FormCard>
  );
}
