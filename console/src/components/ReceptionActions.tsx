/** The reception screen's actions, for the roles the API lets act: record a session; manage the leaders' days. */
import { Button, Group } from '@mantine/core';
import { Link } from 'react-router';
import { useOpsT } from '../ops.js';
import { hasRole, useSession } from '../session.js';

export function ReceptionActions() {
  const { o } = useOpsT();
  const { claims } = useSession();
  const records = hasRole(claims, 'reception_officer', 'admin');
  const schedules = hasRole(claims, 'admin');
  if (!records && !schedules) return null;
  return (
    <Group>
      {records && (
        <Button component={Link} to="/reception/sessions/new">
          {o('recordSession')}
        </Button>
      )}
      {schedules && (
        <Button component={Link} to="/reception/schedule-entries" variant="default">
          {o('manageSchedule')}
        </Button>
      )}
    </Group>
  );
}
