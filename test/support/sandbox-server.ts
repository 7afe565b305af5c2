import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { createSandbox, type SandboxControl, type SandboxOptions } from '../../src/sandbox/index';

/** A sandbox listening on a free loopback port, mounted under `/sandbox` as the gateway mounts it. */
export interface RunningSandbox {
  /** `http://127.0.0.1:PORT/sandbox` */
  root: string;
  control: SandboxControl;
  /** Writes the state file now (with `stateFile`). */
  saveState(): void;
  close(): Promise<void>;
}

/** The OAuth2 clients the tests' STET flows use, with the redirect URIs they send. */
export const TEST_OAUTH_CLIENTS: Readonly<Record<string, readonly string[]>> = {
  passerelle: ['https://tpp.example/stet/callback?flow=1'],
  'passerelle-test': ['https://gateway.example/connections/callback?flow=stet', 'https://gateway.example/callback'],
};

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const { app, control, saveState } = createSandbox({ oauthClients: TEST_OAUTH_CLIENTS, ...options });
  const outer = express();
  outer.use('/sandbox', app);
  const server = outer.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    root: `http://127.0.0.1:${port}/sandbox`,
    control,
    saveState,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export async function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; json?: unknown; form?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export interface ScaInput {
  psuId?: string;
  password?: string;
  otp?: string;
  decision?: 'approve' | 'deny';
}

/** Walks an SCA page as a browser would: loads it, reads the form's action, posts the credentials. */
export async function submitSca(pageUrl: string, input: ScaInput = {}): Promise<HttpAnswer & { location?: string }> {
  const page = await http(pageUrl);
  const action = page.text.match(/<form method="post" action="([^"]+)"/)?.[1]?.replace(/&#38;/g, '&');
  if (page.status !== 200 || !action) throw new Error(`no SCA form at ${pageUrl} (${page.status})`);
  const hidden = Object.fromEntries(
    [...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1],
      m[2].replace(/&#38;/g, '&'),
    ]),
  );
  const answer = await http(action, {
    method: 'POST',
    form: {
      ...hidden,
      psuId: input.psuId ?? 'alice',
      password: input.password ?? 'sandbox',
      otp: input.otp ?? '123456',
      decision: input.decision ?? 'approve',
    },
  });
  return { ...answer, location: answer.headers.get('location') ?? undefined };
}

export function bgHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'X-Request-ID': randomUUID(), ...extra };
}

/** Creates and approves a Berlin Group consent; returns its id. */
export async function connectBerlinGroup(
  bankUrl: string,
  options: { psuId?: string; access?: unknown; frequencyPerDay?: number; validUntil?: string } = {},
): Promise<string> {
  const created = await http(`${bankUrl}/v1/consents`, {
    method: 'POST',
    headers: bgHeaders({ 'TPP-Redirect-URI': 'https://tpp.example/callback', 'PSU-IP-Address': '192.0.2.10' }),
    json: {
      access: options.access ?? { allPsd2: 'allAccounts' },
      recurringIndicator: true,
      validUntil: options.validUntil ?? '9999-12-31',
      frequencyPerDay: options.frequencyPerDay ?? 4,
      combinedServiceIndicator: false,
    },
  });
  const body = created.json as { consentId: string; _links: { scaRedirect: { href: string } } };
  const sca = await submitSca(body._links.scaRedirect.href, { psuId: options.psuId ?? 'alice' });
  if (sca.status !== 302) throw new Error(`SCA failed: ${sca.status}`);
  return body.consentId;
}

export interface StetTokens {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

export const STET_REDIRECT_URI = 'https://tpp.example/stet/callback?flow=1';

/** Runs the STET OAuth2 authorization-code flow through the SCA page; returns the tokens. */
export async function connectStet(
  bankUrl: string,
  psuId = 'alice',
  scope: 'aisp' | 'pisp' = 'aisp',
): Promise<StetTokens> {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: 'passerelle',
    redirect_uri: STET_REDIRECT_URI,
    scope,
    state: 'xyz',
  });
  const sca = await submitSca(`${bankUrl}/oauth/authorize?${params.toString()}`, { psuId });
  const code = new URL(sca.location as string).searchParams.get('code');
  const answer = await http(`${bankUrl}/oauth/token`, {
    method: 'POST',
    form: {
      grant_type: 'authorization_code',
      code: code as string,
      redirect_uri: STET_REDIRECT_URI,
      client_id: 'passerelle',
    },
  });
  if (answer.status !== 200) throw new Error(`token exchange failed: ${answer.text}`);
  return answer.json as StetTokens;
}

export function stetHeaders(accessToken: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${accessToken}`, 'X-Request-ID': randomUUID(), Signature: 'sandbox', ...extra };
}
