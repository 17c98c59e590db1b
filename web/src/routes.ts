import { NotFound } from './pages/NotFound';
import { Filed } from './pages/public/Filed';
import { FileComplaint } from './pages/public/file/FileComplaint';
import { Home } from './pages/public/Home';
import { HotspotMap } from './pages/public/HotspotMap';
import { Outreach } from './pages/public/outreach/Outreach';
import { OutreachPrint } from './pages/public/outreach/OutreachPrint';
import { ReportDone } from './pages/public/report/ReportDone';
import { ReportHotspot } from './pages/public/report/ReportHotspot';
import { TrackReport } from './pages/public/report/TrackReport';
import { TipDone } from './pages/public/tip/TipDone';
import { SendTip } from './pages/public/tip/SendTip';
import { Track } from './pages/public/Track';
import { StaffHome, Today } from './pages/staff/Home';
import { Login } from './pages/staff/Login';
import { alertRoles, complaintRoles, leadRoles, moderatorRoles, mspRoles, supervisorRoles } from './nav';
import { lazy, type RouteDef } from './router';

// The consoles are fetched when first opened (router.ts, lazy), so a public
// page does not download them.
const AlertsPage = lazy(() => import('./pages/staff/Alerts').then((m) => m.AlertsPage));
const DispatchConsole = lazy(() => import('./pages/staff/Alerts').then((m) => m.DispatchConsole));
const CallTasks = lazy(() => import('./pages/staff/CallTasks').then((m) => m.CallTasks));
const ComplaintDetail = lazy(() => import('./pages/staff/ComplaintDetail').then((m) => m.ComplaintDetail));
const Dashboard = lazy(() => import('./pages/staff/Dashboard').then((m) => m.Dashboard));
const HeatMap = lazy(() => import('./pages/staff/HeatMap').then((m) => m.HeatMap));
const LeadsPage = lazy(() => import('./pages/staff/Leads').then((m) => m.LeadsPage));
const LeadDetailPage = lazy(() => import('./pages/staff/Leads').then((m) => m.LeadDetailPage));
const ModerationQueue = lazy(() => import('./pages/staff/Moderation').then((m) => m.ModerationQueue));
const ModerationDetail = lazy(() => import('./pages/staff/Moderation').then((m) => m.ModerationDetail));
const Quality = lazy(() => import('./pages/staff/Quality').then((m) => m.Quality));
const QualityList = lazy(() => import('./pages/staff/Quality').then((m) => m.QualityList));
const ComplaintQueue = lazy(() => import('./pages/staff/Queue').then((m) => m.ComplaintQueue));
const LegalQueue = lazy(() => import('./pages/staff/Queue').then((m) => m.LegalQueue));
const VettingQueue = lazy(() => import('./pages/staff/Queue').then((m) => m.VettingQueue));

/**
 * routes lists every page. A new slice adds its pages here (and, for staff,
 * a tab in nav.ts); the Go server sends index.html for any path
 * outside /api/, so every path here works on reload.
 */
export const routes: readonly RouteDef[] = [
  { path: '/', area: 'public', view: Home },
  { path: '/file', area: 'public', view: FileComplaint },
  { path: '/file/done', area: 'public', view: Filed },
  { path: '/track', area: 'public', view: Track },
  { path: '/report', area: 'public', view: ReportHotspot },
  { path: '/report/done', area: 'public', view: ReportDone },
  { path: '/report/track', area: 'public', view: TrackReport },
  { path: '/tip', area: 'public', view: SendTip },
  { path: '/tip/done', area: 'public', view: TipDone },
  { path: '/map', area: 'public', view: HotspotMap },
  { path: '/outreach', area: 'public', view: Outreach },
  { path: '/outreach/print', area: 'print', view: OutreachPrint },
  { path: '/staff/login', area: 'login', view: Login },
  { path: '/staff', area: 'staff', view: StaffHome },
  { path: '/staff/queue', area: 'staff', view: ComplaintQueue, roles: complaintRoles },
  { path: '/staff/vetting', area: 'staff', view: VettingQueue, roles: ['nodal'] },
  { path: '/staff/legal', area: 'staff', view: LegalQueue, roles: ['msp_legal'] },
  { path: '/staff/complaints/:id', area: 'staff', view: ComplaintDetail, roles: complaintRoles },
  { path: '/staff/dashboard', area: 'staff', view: Dashboard, roles: mspRoles },
  { path: '/staff/today', area: 'staff', view: Today, roles: supervisorRoles },
  { path: '/staff/quality', area: 'staff', view: Quality, roles: supervisorRoles },
  { path: '/staff/quality/:metric/:level/:id', area: 'staff', view: QualityList, roles: supervisorRoles },
  { path: '/staff/calls', area: 'staff', view: CallTasks, roles: mspRoles },
  { path: '/staff/moderation', area: 'staff', view: ModerationQueue, roles: moderatorRoles },
  { path: '/staff/moderation/:id', area: 'staff', view: ModerationDetail, roles: moderatorRoles },
  { path: '/staff/dispatch', area: 'staff', view: DispatchConsole, roles: ['pcr'] },
  { path: '/staff/alerts', area: 'staff', view: AlertsPage, roles: alertRoles },
  { path: '/staff/leads', area: 'staff', view: LeadsPage, roles: leadRoles },
  { path: '/staff/leads/:id', area: 'staff', view: LeadDetailPage, roles: leadRoles },
  { path: '/staff/heatmap', area: 'staff', view: HeatMap, roles: mspRoles },
];

/** notFound is shown for any other path. */
export const notFound = NotFound;
