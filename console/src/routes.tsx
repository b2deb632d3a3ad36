/**
 * Every screen of the console: one entry here + one file in pages/ (its `Component` export, loaded on demand).
 * `nav` puts it in the side menu for the roles listed (the API's own role names; the API still decides).
 */
import type { QueryClient } from '@tanstack/react-query';
import type { RouteObject } from 'react-router';
import type { Key } from './i18n.js';
import { prefetchFigures } from './figures.js';
import { prefetchInbox } from './inbox-query.js';

export interface Screen {
  path: string;
  lazy: NonNullable<RouteObject['lazy']>;
  nav?: { label: Key; roles: string[] };
  /** Starts the screen's first request when the router enters it, in parallel with loading its code. */
  prefetch?: (qc: QueryClient) => void;
}

const STAFF = ['intake', 'officer', 'supervisor', 'admin'];

export const screens: Screen[] = [
  {
    path: 'inbox',
    lazy: () => import('./pages/Inbox.js'),
    nav: { label: 'inbox', roles: [...STAFF, 'reception_officer'] },
    prefetch: prefetchInbox,
  },
  {
    path: 'dashboard',
    lazy: () => import('./pages/Dashboard.js'),
    nav: { label: 'dashboard', roles: ['supervisor', 'admin', 'auditor'] },
    prefetch: prefetchFigures,
  },
  {
    path: 'cases',
    lazy: () => import('./pages/Search.js'),
    nav: { label: 'search', roles: [...STAFF, 'auditor'] },
  },
  {
    path: 'heatmap',
    lazy: () => import('./pages/Heatmap.js'),
    nav: { label: 'heatmap', roles: ['officer', 'supervisor', 'auditor', 'admin'] },
  },
  {
    path: 'reports',
    lazy: () => import('./pages/Reports.js'),
    nav: { label: 'reports', roles: ['officer', 'supervisor', 'auditor', 'admin'] },
  },
  {
    path: 'reception',
    lazy: () => import('./pages/Reception.js'),
    nav: { label: 'reception', roles: ['reception_officer', 'intake', 'officer', 'supervisor', 'auditor', 'admin'] },
  },
  {
    path: 'hotspots',
    lazy: () => import('./pages/Hotspots.js'),
    nav: { label: 'hotspots', roles: ['supervisor', 'auditor', 'admin'] },
  },
  {
    path: 'matters',
    lazy: () => import('./pages/Matters.js'),
    nav: { label: 'nav_matters', roles: ['reception_officer', 'intake', 'officer', 'supervisor', 'auditor', 'admin'] },
  },
  {
    path: 'periods',
    lazy: () => import('./pages/Periods.js'),
    nav: { label: 'nav_periods', roles: ['reception_officer', 'officer', 'supervisor', 'auditor', 'admin'] },
  },
  {
    path: 'task-forces',
    lazy: () => import('./pages/TaskForces.js'),
    nav: { label: 'nav_taskForces', roles: ['supervisor', 'auditor', 'admin'] },
  },
  {
    path: 'review-campaigns',
    lazy: () => import('./pages/ReviewCampaigns.js'),
    nav: { label: 'nav_reviews', roles: ['officer', 'supervisor', 'auditor', 'admin'] },
  },
  { path: 'audit', lazy: () => import('./pages/Audit.js'), nav: { label: 'audit', roles: ['auditor', 'admin'] } },
  {
    path: 'notifications',
    lazy: () => import('./pages/Notifications.js'),
    nav: { label: 'notifications', roles: [...STAFF, 'auditor'] },
  },
  { path: 'tasks/:id', lazy: () => import('./pages/Task.js') },
  { path: 'compliance-tasks/:id', lazy: () => import('./pages/ComplianceTask.js') },
  { path: 'cases/:id', lazy: () => import('./pages/Case.js') },
  { path: 'reports/:id', lazy: () => import('./pages/Report.js') },
  { path: 'hotspots/:id', lazy: () => import('./pages/Hotspot.js') },
  { path: 'reception/sessions/:id', lazy: () => import('./pages/ReceptionSession.js') },
  { path: 'reception/visits/:id', lazy: () => import('./pages/ReceptionVisit.js') },
  { path: 'reception/schedule-entries', lazy: () => import('./pages/ScheduleEntries.js') },
  { path: 'periods/:periodId', lazy: () => import('./pages/Period.js') },
  { path: 'matters/:id', lazy: () => import('./pages/Matter.js') },
  { path: 'gatherings', lazy: () => import('./pages/Gatherings.js') },
  { path: 'task-force-work', lazy: () => import('./pages/TaskForceWork.js') },
  { path: 'campaign-reviews', lazy: () => import('./pages/CampaignReviews.js') },
  { path: 'reception/visits', lazy: () => import('./pages/ReceptionVisits.js') },
  { path: 'task-forces/:id', lazy: () => import('./pages/TaskForce.js') },
  { path: 'review-campaigns/:id', lazy: () => import('./pages/ReviewCampaign.js') },
];

/** Pages anyone may open, signed in or not. */
export const publicScreens: Screen[] = [
  { path: 'status', lazy: () => import('./pages/PublicStatus.js'), nav: { label: 'publicStatus', roles: [] } },
  { path: 'schedule', lazy: () => import('./pages/PublicSchedule.js'), nav: { label: 'schedule', roles: [] } },
  { path: 'decisions', lazy: () => import('./pages/PublicDecisions.js'), nav: { label: 'decisions', roles: [] } },
  { path: 'decisions/:id', lazy: () => import('./pages/PublicDecision.js') },
];
