import type { Key } from './i18n';
import type { Role } from './types';

/** NavItem is one tab of a staff console. */
export interface NavItem {
  path: string;
  key: Key;
}

const queue: NavItem = { path: '/staff/queue', key: 'staff.nav.queue' };
const vetting: NavItem = { path: '/staff/vetting', key: 'staff.nav.vetting' };
const legal: NavItem = { path: '/staff/legal', key: 'staff.nav.legal' };
const dashboard: NavItem = { path: '/staff/dashboard', key: 'staff.nav.dashboard' };
const calls: NavItem = { path: '/staff/calls', key: 'staff.nav.calls' };
const moderation: NavItem = { path: '/staff/moderation', key: 'staff.nav.moderation' };
const dispatch: NavItem = { path: '/staff/dispatch', key: 'staff.nav.dispatch' };
const alertsTab: NavItem = { path: '/staff/alerts', key: 'staff.nav.alerts' };
const leads: NavItem = { path: '/staff/leads', key: 'staff.nav.leads' };
const heat: NavItem = { path: '/staff/heatmap', key: 'staff.nav.heatmap' };
const today: NavItem = { path: '/staff/today', key: 'staff.nav.today' };
const quality: NavItem = { path: '/staff/quality', key: 'staff.nav.quality' };

// Each role's tabs; the first is its home. Roles without tabs see "your
// console is coming". Add a slice's page here and in routes.ts.
const byRole: Partial<Record<Role, NavItem[]>> = {
  station: [queue],
  // Supervisors land on today's digest; MSP legal on the cases waiting
  // for its decision (its digest is the next tab).
  nodal: [today, vetting, queue, alertsTab, quality],
  sp: [today, queue, alertsTab, quality],
  msp_legal: [legal, today, dashboard, quality, heat, calls, queue, leads, alertsTab],
  msp_analyst: [today, dashboard, quality, heat, calls, queue, leads, alertsTab],
  moderator: [moderation],
  pcr: [dispatch],
  ahtu: [leads, alertsTab],
};

/** staffNav lists the console tabs of role. */
export function staffNav(role: Role): NavItem[] {
  return byRole[role] ?? [];
}

/** Roles that see the complaint queue and complaint details. */
export const complaintRoles: readonly Role[] = ['station', 'nodal', 'sp', 'msp_analyst', 'msp_legal'];

/** Roles that supervise: ATR quality and the daily digest of their district (MSP: the state). */
export const supervisorRoles: readonly Role[] = ['nodal', 'sp', 'msp_analyst', 'msp_legal'];

/** Roles of the Mahila Samman Prakoshth (state). */
export const mspRoles: readonly Role[] = ['msp_analyst', 'msp_legal'];

/** Roles that moderate hotspot reports. */
export const moderatorRoles: readonly Role[] = ['moderator', 'admin'];

/** Roles with an alert feed page (PCR has its dispatch console instead). */
export const alertRoles: readonly Role[] = ['nodal', 'sp', 'msp_analyst', 'msp_legal', 'ahtu', 'admin'];

/** Roles that read trafficking leads (MSP read-only). */
export const leadRoles: readonly Role[] = ['ahtu', 'msp_analyst', 'msp_legal', 'admin'];
