import { condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { closeCase, getCaseSnapshot, SA, type CaseInput, type CaseSnapshot } from './contract.js';

const { projectCase } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/**
 * Walking-skeleton case workflow: projects the received case into the PostgreSQL read model and
 * stays open until it is closed. The process-definition interpreter replaces its body.
 */
export async function caseWorkflow(input: CaseInput): Promise<CaseSnapshot> {
  const state: CaseSnapshot = { caseId: input.caseId, stage: 'received', status: 'open', projectedSeq: 0 };
  let closedReason: string | undefined;
  setHandler(getCaseSnapshot, () => state);
  setHandler(closeCase, ({ reason }) => {
    closedReason = reason;
  });

  const project = async () => {
    state.projectedSeq += 1;
    upsertSearchAttributes([{ key: SA.stage, value: state.stage }]);
    await projectCase({ ...input, stage: state.stage, status: state.status, seq: state.projectedSeq });
  };

  await project();
  await condition(() => closedReason !== undefined);
  state.status = 'closed';
  state.stage = 'closed';
  await project();
  return state;
}
