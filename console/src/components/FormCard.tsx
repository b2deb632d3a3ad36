/**
 * The pieces every create/record form of the console repeats: the card that is the form (its title, the API's
 * refusal under the fields, the submit button and any other actions), and a date or Vietnam date-time input that
 * writes its value out the way the console shows dates. The API validates; the fields show its messages.
 */
import { Button, Card, Group, TextInput, Title, type TextInputProps } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { useT } from '../i18n.js';
import { vnInstant } from '../ops.js';
import { ProblemAlert } from './Problem.js';

export function FormCard(props: {
  title: ReactNode;
  testId: string;
  /** The submission (`useSubmit`): sent on submit; its error is shown under the fields (field messages sit on them). */
  submit: { mutate: () => void; error: unknown; isPending: boolean };
  /** Another error to show instead (e.g. of a second action of the form). */
  error?: unknown;
  /** The submit button's words (default: the title). */
  submitLabel?: ReactNode;
  /** More buttons after the submit button. */
  actions?: ReactNode;
  children: ReactNode;
}) {
  const { submit } = props;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  return (
    <Card withBorder component="form" onSubmit={onSubmit} data-testid={props.testId}>
      <Title order={2} size="h4" mb="sm">
        {props.title}
      </Title>
      {props.children}
      <ProblemAlert error={props.error ?? submit.error} />
      <Group mt="md">
        <Button type="submit" loading={submit.isPending}>
          {props.submitLabel ?? props.title}
        </Button>
        {props.actions}
      </Group>
    </Card>
  );
}

/**
 * A day (`YYYY-MM-DD`), or with `withTime` a Vietnam date-time (`datetime-local`, read as +07:00), with the value
 * written out in the console's format under it.
 */
export function DateField({
  withTime,
  value,
  ...rest
}: Omit<TextInputProps, 'type' | 'value'> & {
  value: string;
  withTime?: boolean;
}) {
  const { fmt } = useT();
  return (
    <TextInput
      type={withTime ? 'datetime-local' : 'date'}
      value={value}
      description={withTime ? fmt.dateTime(vnInstant(value)) : fmt.date(value)}
      {...rest}
    />
  );
}
