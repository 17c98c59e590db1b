// Shapes of the JSON API (see api/*_dto.go). Only the fields the app reads.

export type Role =
  | 'ecell' | 'station' | 'nodal' | 'sp' | 'msp_analyst' | 'msp_legal'
  | 'ahtu' | 'pcr' | 'moderator' | 'admin';

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  scope: { kind: string; id: number };
}

export interface SessionResponse {
  user: User;
  csrf_token?: string;
}

export interface Bilingual {
  en: string;
  hi: string;
}

export interface Category {
  code: string;
  label: Bilingual;
}

export interface District {
  id: number;
  name: Bilingual;
  slug: string;
  /** hq is the district headquarters: a public place a form may put a pin at. */
  hq: { lat: number; lon: number };
}

/** Station is a police station as anyone may see it. */
export interface Station {
  id: number;
  code: string;
  district_id: number;
  name: Bilingual;
  location: { lat: number; lon: number };
}

export interface Filed {
  code: string;
  secret: string;
  status: string;
  atr_due_at: string;
}

export interface PublicEvent {
  at: string;
  kind: string;
  status?: string;
  reason?: string;
}

export interface PublicATR {
  seq: number;
  text: string;
  action_taken: string;
  language: string;
  published_at: string;
  /** the FIR the police registered, when this ATR records one (CCTNS form). */
  fir?: { number: string; short: string; station: Bilingual; district: Bilingual };
}

export interface Tracking {
  code: string;
  status: string;
  category: string;
  language: string;
  filed_at: string;
  next_deadline?: string;
  holder: string;
  station: Bilingual;
  district: Bilingual;
  timeline: PublicEvent[];
  atrs: PublicATR[];
  can_rate: boolean;
  can_withdraw: boolean;
}

export interface QueueItem {
  id: number;
  code: string;
  status: string;
  category: string;
  district_id: number;
  station_id: number;
  confidential: boolean;
  created_at: string;
  atr_due_at?: string;
  sla_stage: number;
  atr_status?: string;
  sla_remaining_seconds?: number;
  overdue: boolean;
  /** open_direction: an unanswered direction is addressed to the caller's role. */
  open_direction?: boolean;
}

export interface ATR {
  id: number;
  seq: number;
  text: string;
  action_taken: string;
  language: string;
  status: string;
  return_reason?: string;
  internal_note?: string;
  due_at?: string;
  created_at: string;
  submitted_at?: string;
  published_at?: string;
  /** the FIR this ATR records, CCTNS form (UP/district/station/year/serial). */
  fir_number?: string;
}

export interface StaffEvent {
  at: string;
  kind: string;
  actor_role: string;
  from_status?: string;
  to_status?: string;
  reason?: string;
  public: boolean;
}

export interface CallTask {
  id: number;
  complaint_id: number;
  code: string;
  district_id: number;
  callback_window?: string;
  confidential: boolean;
  reason: string;
  due_at: string;
  outcome?: string;
  note?: string;
  done_at?: string;
}

export interface Detail {
  id: number;
  code: string;
  status: string;
  category: string;
  description: string;
  language: string;
  incident_at?: string;
  lat?: number;
  lon?: number;
  district_id: number;
  station_id: number;
  station: Bilingual;
  district: Bilingual;
  confidential: boolean;
  callback_window?: string;
  /** no_sms: she chose no SMS at filing (a shared phone). */
  no_sms: boolean;
  filed_by: string;
  relation?: string;
  atr_due_at?: string;
  created_at: string;
  closed_at?: string;
  holder: string;
  events: StaffEvent[];
  atrs: ATR[];
  ratings: { atr_id: number; rating: string; reason?: string; at: string }[];
  legal_reviews: { decision: string; reason: string; at: string }[];
  call_tasks: CallTask[];
  contact?: { name?: string; phone?: string; address?: string };
  contact_access: 'shown' | 'withheld' | 'none';
}

export interface DistrictStats {
  district_id: number;
  name: Bilingual;
  total: number;
  open: number;
  overdue: number;
  awaiting_vetting: number;
  legal_review: number;
  ratings: number;
  dissatisfied: number;
  dissatisfaction_rate: number | null;
}

export interface Dashboard {
  open: number;
  overdue: number;
  awaiting_vetting: number;
  legal_review: number;
  sla_met: number;
  sla_missed: number;
  sla_compliance: number | null;
  median_time_to_atr_seconds: number | null;
  directions_open: number;
  directions_overdue: number;
  districts: DistrictStats[];
}
