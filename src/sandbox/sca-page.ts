import type { Request, Response, Router } from 'express';
import { bankBase } from './bank-context';
import { SANDBOX_OTP, SANDBOX_PASSWORD, SANDBOX_PSUS, type SandboxPsu } from './seed-data';

/**
 * The sandbox banks' strong customer authentication page. Its shape is a contract (DESIGN.md, Sandbox banks): one
 * `<form method="post">` with inputs `psuId`, `password`, `otp` and `decision`, showing what is being authorised.
 */

export interface ScaPage {
  bankName: string;
  title: string;
  /** Absolute URL the form posts to. */
  action: string;
  /** What the PSU authorises: scopes and validity, or amount, currency and payee. */
  details: [string, string][];
  error?: string;
  /** Hidden fields carried through the post (OAuth2 parameters). */
  hidden?: Record<string, string>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderScaPage(page: ScaPage): string {
  const rows = page.details
    .map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('\n');
  const hidden = Object.entries(page.hidden ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(page.bankName)} – ${escapeHtml(page.title)}</title></head>
<body>
<h1>${escapeHtml(page.bankName)}</h1>
<h2>${escapeHtml(page.title)}</h2>
${page.error ? `<p role="alert" class="error">${escapeHtml(page.error)}</p>` : ''}
<table>
${rows}
</table>
<form method="post" action="${escapeHtml(page.action)}">
${hidden}
<label>User <input name="psuId" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<label>One-time code <input name="otp" inputmode="numeric" autocomplete="one-time-code" required></label>
<fieldset>
<label><input type="radio" name="decision" value="approve" checked> Approve</label>
<label><input type="radio" name="decision" value="deny"> Deny</label>
</fieldset>
<button type="submit">Confirm</button>
</form>
<p>Sandbox users: alice, bob – password ${SANDBOX_PASSWORD}, one-time code ${SANDBOX_OTP}.</p>
</body>
</html>
`;
}

export interface ScaSubmission {
  psu?: SandboxPsu;
  decision: 'approve' | 'deny';
  error?: string;
}

/** Reads a posted SCA form. A deny still needs the PSU to log in, as at a real bank. */
export function readScaForm(body: Record<string, unknown> | undefined): ScaSubmission {
  const field = (name: string): string => (typeof body?.[name] === 'string' ? (body[name] as string).trim() : '');
  const decision = field('decision') === 'deny' ? 'deny' : 'approve';
  const psu = SANDBOX_PSUS.find((p) => p.id === field('psuId'));
  if (!psu || field('password') !== SANDBOX_PASSWORD) return { decision, error: 'Unknown user or wrong password.' };
  if (field('otp') !== SANDBOX_OTP) return { decision, error: 'Wrong one-time code.' };
  return { psu, decision };
}

/** PSD2 RTS art. 4(3)(b): at most five consecutive failed authentication attempts, then the authentication is blocked. */
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCKED_MESSAGE =
  'Too many failed attempts: this authorisation is locked. Start again from the application.';

/** Failed logins per authorisation (one SCA page), counted until it locks. */
export class ScaAttempts {
  private readonly failures = new Map<string, number>();

  /** Counts a failure; true when it is the one that locks the authorisation. */
  fail(key: string): boolean {
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, count);
    return count === MAX_FAILED_ATTEMPTS;
  }

  locked(key: string): boolean {
    return (this.failures.get(key) ?? 0) >= MAX_FAILED_ATTEMPTS;
  }
}

/** Adds parameters to a redirect URI, keeping whatever query the TPP put there. */
export function withQuery(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** One kind of resource a PSU approves or denies on the SCA page: a consent, a payment. */
export interface ScaResource<T extends { status: string }> {
  /** Where the page is served; `find` looks up the `:id` parameter. */
  path: `${string}/:id`;
  find: (id: string) => T | undefined;
  /** The 404 answer when `find` finds nothing. */
  notFound: string;
  title: string;
  details: (resource: T) => [string, string][];
  /**
   * The status in which the PSU may still decide; in any other the page says `This ${noun} is already ${status}.`
   * and a post is refused with 409.
   */
  openStatus: T['status'];
  noun: string;
  /** The authorisation failed for good after too many failed logins: the resource turns rejected. */
  onLocked: (resource: T) => void;
  /** The outcome of a post by a PSU who logged in, whether approving or denying; `page` is for answering with an error. */
  onAuthenticated: (
    resource: T,
    submission: { psu: SandboxPsu; decision: ScaSubmission['decision'] },
    res: Response,
    page: ScaPage,
  ) => void;
}

/** Serves the SCA page of one kind of resource: GET shows it, POST reads the PSU's login and decision. */
export function serveScaPage<T extends { status: string }>(
  router: Router,
  bankName: string,
  spec: ScaResource<T>,
): void {
  const attempts = new ScaAttempts();

  /** The resource, its page and, once decided or locked, the error the page shows; undefined once 404 is answered. */
  function load(req: Request, res: Response) {
    const resource = spec.find(req.params.id as string);
    if (!resource) {
      res.status(404).type('html').send(`<p>${spec.notFound}</p>`);
      return undefined;
    }
    const page: ScaPage = {
      bankName,
      title: spec.title,
      action: `${bankBase(req)}${req.path}`,
      details: spec.details(resource),
    };
    const locked = attempts.locked(req.params.id as string);
    const closed = locked
      ? LOCKED_MESSAGE
      : resource.status === spec.openStatus
        ? undefined
        : `This ${spec.noun} is already ${resource.status}.`;
    return { resource, page, closed, status: locked ? 423 : 409 };
  }

  router.get(spec.path, (req, res) => {
    const loaded = load(req, res);
    if (loaded) res.type('html').send(renderScaPage({ ...loaded.page, error: loaded.closed }));
  });

  router.post(spec.path, (req, res) => {
    const loaded = load(req, res);
    if (!loaded) return;
    const { resource, page, closed, status } = loaded;
    if (closed) {
      res
        .status(status)
        .type('html')
        .send(renderScaPage({ ...page, error: closed }));
      return;
    }
    const { psu, decision, error } = readScaForm(req.body as Record<string, unknown>);
    if (!psu) {
      const lockedNow = attempts.fail(req.params.id as string);
      if (lockedNow) spec.onLocked(resource);
      res
        .status(lockedNow ? 423 : 401)
        .type('html')
        .send(renderScaPage({ ...page, error: lockedNow ? LOCKED_MESSAGE : error }));
      return;
    }
    spec.onAuthenticated(resource, { psu, decision }, res, page);
  });
}
