import type { Knex } from 'knex';
import * as m20261127000000 from './20261127000000_create_cases.js';
import * as m20261127100000 from './20261127100000_create_case_states.js';
import * as m20261127200000 from './20261127200000_create_agencies_api_keys.js';
import * as m20261127200001 from './20261127200001_create_audit_log.js';
import * as m20261127200002 from './20261127200002_create_parties_pins.js';
import * as m20261127300000 from './20261127300000_create_calendar.js';
import * as m20261127400000 from './20261127400000_create_definitions.js';
import * as m20261127400001 from './20261127400001_create_task_claims.js';
import * as m20261127500000 from './20261127500000_create_case_records.js';
import * as m20261128000000 from './20261128000000_audit_chain_head.js';
import * as m20261128100000 from './20261128100000_task_target_agency.js';
import * as m20261128200000 from './20261128200000_linked_cases.js';
import * as m20261202010000 from './20261202010000_definition_owners.js';
import * as m20261202010001 from './20261202010001_audit_keys.js';
import * as m20261202020000 from './20261202020000_audit_hash_kid.js';
import * as m20261202020001 from './20261202020001_audit_search_indexes.js';
import * as m20261202020002 from './20261202020002_audit_checkpoints.js';
import * as m20261202040000 from './20261202040000_projection_failures.js';
import * as m20261202070000 from './20261202070000_calendar_withdrawals_and_changes.js';
import * as m20261203010000 from './20261203010000_directory.js';
import * as m20261203020000 from './20261203020000_notification_deliveries.js';
import * as m20261203030000 from './20261203030000_events_outbox_webhooks.js';
import * as m20261204020000 from './20261204020000_reception.js';
import * as m20261204070000 from './20261204070000_places_sectors_hotspots.js';
import * as m20261205080000 from './20261205080000_task_inbox_index.js';
import * as m20261207080000 from './20261207080000_webhook_redelivery_requests.js';
import * as m20261207040000 from './20261207040000_case_fact_dims.js';
import * as m20261207050000 from './20261207050000_notification_subjects.js';
import * as m20261207050100 from './20261207050100_period_workflow_started.js';
import * as m20261207050200 from './20261207050200_schedule_notice.js';
import * as m20261208050000 from './20261208050000_matter_term_counts.js';
import * as m20261207060000 from './20261207060000_published_decisions.js';
import * as m20261208020000 from './20261208020000_delegation_process_index.js';
import * as m20261208060000 from './20261208060000_hotspot_notification_subject.js';
import * as m20261209010000 from './20261209010000_compliance_task_outcome.js';
import * as m20261208040000 from './20261208040000_case_facts_open_at_risk.js';
import * as m20261204030000 from './20261204030000_reception_schedules_periods.js';
import * as m20261204040000 from './20261204040000_case_figures.js';
import * as m20261205050000 from './20261205050000_case_facts.js';
import * as m20261205050100 from './20261205050100_case_fact_months.js';
import * as m20261204060000 from './20261204060000_reports.js';
import * as m20261205070000 from './20261205070000_task_forces_review_campaigns.js';
import * as m20261204020100 from './20261204020100_matters_subject_gist.js';
import * as m20261205020000 from './20261205020000_agency_staff_history.js';
import * as m20261205020100 from './20261205020100_visit_party_hash_drop.js';
import * as m20261204010000 from './20261204010000_agency_closure_restarts.js';
import * as m20261205030000 from './20261205030000_special_periods.js';
import * as m20261205060000 from './20261205060000_mass_matters.js';
import * as m20261210030000 from './20261210030000_case_facts_filter_facts.js';
import * as m20261207010000 from './20261207010000_matter_subject_terms.js';
import * as m20261207020000 from './20261207020000_hotspot_cluster_days.js';
import * as m20261207030000 from './20261207030000_mass_process_reconcile.js';

/**
 * Every migration, in order. A static list (instead of knex scanning a folder) so migrations load the
 * same way under tsx, vitest and a bundled build. Never edit a landed migration: add a new one.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261127000000_create_cases': m20261127000000,
  '20261127100000_create_case_states': m20261127100000,
  '20261127200000_create_agencies_api_keys': m20261127200000,
  '20261127200001_create_audit_log': m20261127200001,
  '20261127200002_create_parties_pins': m20261127200002,
  '20261127300000_create_calendar': m20261127300000,
  '20261127400000_create_definitions': m20261127400000,
  '20261127400001_create_task_claims': m20261127400001,
  '20261127500000_create_case_records': m20261127500000,
  '20261128000000_audit_chain_head': m20261128000000,
  '20261128100000_task_target_agency': m20261128100000,
  '20261128200000_linked_cases': m20261128200000,
  '20261202010000_definition_owners': m20261202010000,
  '20261202010001_audit_keys': m20261202010001,
  '20261202020000_audit_hash_kid': m20261202020000,
  '20261202020001_audit_search_indexes': m20261202020001,
  '20261202020002_audit_checkpoints': m20261202020002,
  '20261202040000_projection_failures': m20261202040000,
  '20261202070000_calendar_withdrawals_and_changes': m20261202070000,
  '20261203010000_directory': m20261203010000,
  '20261203020000_notification_deliveries': m20261203020000,
  '20261203030000_events_outbox_webhooks': m20261203030000,
  '20261204020000_reception': m20261204020000,
  '20261204070000_places_sectors_hotspots': m20261204070000,
  '20261205080000_task_inbox_index': m20261205080000,
  '20261207080000_webhook_redelivery_requests': m20261207080000,
  '20261207040000_case_fact_dims': m20261207040000,
  '20261207060000_published_decisions': m20261207060000,
  '20261208020000_delegation_process_index': m20261208020000,
  '20261204030000_reception_schedules_periods': m20261204030000,
  '20261204040000_case_figures': m20261204040000,
  '20261204060000_reports': m20261204060000,
  '20261204020100_matters_subject_gist': m20261204020100,
  '20261204010000_agency_closure_restarts': m20261204010000,
  '20261205020000_agency_staff_history': m20261205020000,
  '20261205020100_visit_party_hash_drop': m20261205020100,
  '20261205030000_special_periods': m20261205030000,
  '20261205050000_case_facts': m20261205050000,
  '20261205050100_case_fact_months': m20261205050100,
  '20261205070000_task_forces_review_campaigns': m20261205070000,
  '20261205060000_mass_matters': m20261205060000,
  '20261207010000_matter_subject_terms': m20261207010000,
  '20261207020000_hotspot_cluster_days': m20261207020000,
  '20261207030000_mass_process_reconcile': m20261207030000,
  '20261207050000_notification_subjects': m20261207050000,
  '20261207050100_period_workflow_started': m20261207050100,
  '20261207050200_schedule_notice': m20261207050200,
  '20261208050000_matter_term_counts': m20261208050000,
  '20261208060000_hotspot_notification_subject': m20261208060000,
  '20261209010000_compliance_task_outcome': m20261209010000,
  '20261208040000_case_facts_open_at_risk': m20261208040000,
  '20261210030000_case_facts_filter_facts': m20261210030000,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const m = migrations[name];
    if (!m) throw new Error(`unknown migration ${name}`);
    return m;
  },
};
