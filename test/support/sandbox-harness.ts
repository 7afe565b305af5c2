/**
 * Test support: the sandbox banks on a loopback port, and a browser-like walk through their SCA form (GET the page,
 * read its one `<form method="post">`, post the fields urlencoded, do not follow the redirect).
 */
import type { UpstreamCall } from '../../src/providers/shared/upstream';
import type { CreateConsentRequest, PsuContext } from '../../src/providers/types';

// The sandbox's own test helper starts it on a loopback port, mounted as the gateway mounts it.
export { startSandbox, type RunningSandbox } from './sandbox-server';

/** A date `days` before today (negative: after), as the adapters take dates. */
export function isoDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** A consent request as the gateway sends one: read-only accounts for 30 days, 90 days of history. */
export function consentRequest(
  redirectUri: string,
  state: string,
  psu: PsuContext,
  over: Partial<CreateConsentRequest> = {},
): CreateConsentRequest {
  return {
    scopes: ['ACCOUNTS'],
    validUntil: isoDaysAgo(-30),
    frequencyPerDay: 4,
    historyDays: 90,
    redirectUri,
    state,
    psu,
    ...over,
  };
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

export interface ScaAnswer {
  status: number;
  /** Where the bank sends the browser (the 302's Location), if it redirected. */
  location?: string;
  html: string;
}

/** Fills the bank's SCA form as a user would, keeping every field the form carries (hidden OAuth2 parameters). */
export async function walkScaForm(
  pageUrl: string,
  input: { psuId?: string; password?: string; otp?: string; decision?: 'approve' | 'deny' } = {},
): Promise<ScaAnswer> {
  const page = await fetch(pageUrl, { redirect: 'manual' });
  const html = await page.text();
  const form = /<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (page.status !== 200 || !form) throw new Error(`No SCA form at ${pageUrl} (HTTP ${page.status})`);
  const action = /action="([^"]*)"/i.exec(form[0])?.[1];
  const fields = new URLSearchParams();
  for (const match of form[1]!.matchAll(/<input\b[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1] ?? '';
    if (name) fields.set(decodeEntities(name), decodeEntities(value));
  }
  for (const name of ['psuId', 'password', 'otp']) {
    if (!new RegExp(`name="${name}"`).test(form[1]!)) throw new Error(`The SCA form has no ${name} input`);
  }
  fields.set('psuId', input.psuId ?? 'alice');
  fields.set('password', input.password ?? 'sandbox');
  fields.set('otp', input.otp ?? '123456');
  fields.set('decision', input.decision ?? 'approve');
  const target = new URL(action ? decodeEntities(action) : pageUrl, pageUrl).toString();
  const answer = await fetch(target, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  return { status: answer.status, location: answer.headers.get('location') ?? undefined, html: await answer.text() };
}

/** The query of a redirect as the gateway's callback route would receive it. */
export function callbackQuery(location: string): Record<string, string> {
  return Object.fromEntries(new URL(location).searchParams);
}

/** Collects what an adapter reports to its observer. */
export function callRecorder(): { calls: UpstreamCall[]; observer: { onUpstreamCall(call: UpstreamCall): void } } {
  const calls: UpstreamCall[] = [];
  return { calls, observer: { onUpstreamCall: (call) => calls.push(call) } };
}
