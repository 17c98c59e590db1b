import type { Key } from '../../i18n';
import type { Role } from '../../types';

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

// Each role's tabs; the first is its home. Roles without tabs see "your
// console is coming". Add a slice's page here and in routes.ts.
const byRole: Partial<Record<Role, NavItem[]>> = {
  station: [queue],
  nodal: [vetting, queue],
  sp: [queue],
  msp_legal: [legal, dashboard, calls, queue],
  msp_analyst: [dashboard, calls, queue],
  moderator: [moderation],
};

/** staffNav lists the console tabs of role. */
export function staffNav(role: Role): NavItem[] {
  return byRole[role] ?? [];
}

/** Roles that see the complaint queue and complaint details. */
export const complaintRoles: readonly Role[] = ['station', 'nodal', 'sp', 'msp_analyst', 'msp_legal'];

/** Roles of the Mahila Samman Prakoshth (state). */
export const mspRoles: readonly Role[] = ['msp_analyst', 'msp_legal'];

/** Roles that moderate hotspot reports. */
export const moderatorRoles: readonly Role[] = ['moderator', 'admin'];
