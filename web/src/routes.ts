import { NotFound } from './pages/NotFound';
import { Filed } from './pages/public/Filed';
import { FileComplaint } from './pages/public/file/FileComplaint';
import { Home } from './pages/public/Home';
import { Track } from './pages/public/Track';
import { CallTasks } from './pages/staff/CallTasks';
import { ComplaintDetail } from './pages/staff/ComplaintDetail';
import { Dashboard } from './pages/staff/Dashboard';
import { StaffHome } from './pages/staff/Home';
import { Login } from './pages/staff/Login';
import { complaintRoles, mspRoles } from './pages/staff/nav';
import { ComplaintQueue, LegalQueue, VettingQueue } from './pages/staff/Queue';
import type { RouteDef } from './router';

/**
 * routes lists every page. A new slice adds its pages here (and, for staff,
 * a tab in pages/staff/nav.ts); the Go server sends index.html for any path
 * outside /api/, so every path here works on reload.
 */
export const routes: readonly RouteDef[] = [
  { path: '/', area: 'public', view: Home },
  { path: '/file', area: 'public', view: FileComplaint },
  { path: '/file/done', area: 'public', view: Filed },
  { path: '/track', area: 'public', view: Track },
  { path: '/staff/login', area: 'login', view: Login },
  { path: '/staff', area: 'staff', view: StaffHome },
  { path: '/staff/queue', area: 'staff', view: ComplaintQueue, roles: complaintRoles },
  { path: '/staff/vetting', area: 'staff', view: VettingQueue, roles: ['nodal'] },
  { path: '/staff/legal', area: 'staff', view: LegalQueue, roles: ['msp_legal'] },
  { path: '/staff/complaints/:id', area: 'staff', view: ComplaintDetail, roles: complaintRoles },
  { path: '/staff/dashboard', area: 'staff', view: Dashboard, roles: mspRoles },
  { path: '/staff/calls', area: 'staff', view: CallTasks, roles: mspRoles },
];

/** notFound is shown for any other path. */
export const notFound = NotFound;
