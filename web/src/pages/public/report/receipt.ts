/** ReportReceipt is the server's answer to a new hotspot report. */
export interface ReportReceipt {
  code: string;
  status: string;
  /** secret, with the code, lets her add updates and see the history. */
  secret?: string;
}

/** TipReceipt is the server's answer to a new tip. */
export interface TipReceipt {
  code: string;
}

// Receipts live in memory only (never storage), like complaint secrets.
let report: ReportReceipt | null = null;
let tip: TipReceipt | null = null;
let trackCode = '';
let trackSecret = '';

/** setReportReceipt keeps the receipt for the receipt page. */
export function setReportReceipt(r: ReportReceipt): void {
  report = r;
}

/** reportReceipt is the last report's receipt in this page load. */
export function reportReceipt(): ReportReceipt | null {
  return report;
}

/** setTipReceipt keeps the receipt for the receipt page. */
export function setTipReceipt(r: TipReceipt): void {
  tip = r;
}

/** tipReceipt is the last tip's receipt in this page load. */
export function tipReceipt(): TipReceipt | null {
  return tip;
}

/** prefillReportCode hands a code (and its secret) to the report tracking page. */
export function prefillReportCode(code: string, secret = ''): void {
  trackCode = code;
  trackSecret = secret;
}

/** takeReportCode returns (once) the code handed over by prefillReportCode. */
export function takeReportCode(): string {
  const c = trackCode;
  trackCode = '';
  return c;
}

/** takeReportSecret returns (once) the secret handed over by prefillReportCode. */
export function takeReportSecret(): string {
  const s = trackSecret;
  trackSecret = '';
  return s;
}

/** ReportCategory is one entry of the bilingual hotspot taxonomy. */
export interface ReportCategory {
  key: string;
  label_en: string;
  label_hi: string;
}
