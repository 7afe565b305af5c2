import { walkScaForm } from './sandbox-harness';
import { InstitutionsDocument, StartConnectionDocument } from '../generated/graphql';
import type { TestGateway } from './test-gateway';

export const REDIRECT_URI = 'http://127.0.0.1:9/connected';

/** The sandbox institution of one standard, as a client would find it: by name, through GraphQL. */
export async function sandboxInstitutionId(gateway: TestGateway, apiKey: string, name: string): Promise<string> {
  const { body } = await gateway.graphql(InstitutionsDocument, { first: 1, search: name }, apiKey);
  return body.data!.institutions.edges[0].node.id;
}

export interface JourneyEnd {
  consentId: string;
  /** Where the bank sent the browser (the gateway callback, with the bank's parameters). */
  bankRedirect: string;
  /** Where the gateway finally sent the browser. */
  finalRedirect: URL;
  callbackStatus: number;
}

/**
 * The five steps as a user's browser takes them: start on Passerelle, go to the bank, authenticate and authorise on
 * the bank's form, come back to the gateway's callback, and land on the client's redirect URI.
 */
export async function connectSandbox(
  gateway: TestGateway,
  apiKey: string,
  bankName: string,
  options: { psuId?: string; decision?: 'approve' | 'deny'; validForDays?: number; historyDays?: number } = {},
): Promise<JourneyEnd> {
  const institutionId = await sandboxInstitutionId(gateway, apiKey, bankName);
  const started = await gateway.graphql(
    StartConnectionDocument,
    {
      input: {
        institutionId,
        validForDays: options.validForDays ?? 90,
        historyDays: options.historyDays ?? 90,
        redirectUri: REDIRECT_URI,
      },
    },
    apiKey,
  );
  if (!started.body.data) throw new Error(`startConnection failed: ${JSON.stringify(started.body.errors)}`);
  const { consent, authorisationUrl } = started.body.data.startConnection;
  const sca = await walkScaForm(authorisationUrl, {
    psuId: options.psuId ?? 'alice',
    decision: options.decision ?? 'approve',
  });
  if (sca.status !== 302 || !sca.location) throw new Error(`the bank did not redirect (HTTP ${sca.status})`);
  const callback = await fetch(sca.location, { redirect: 'manual' });
  const location = callback.headers.get('location');
  return {
    consentId: consent.id,
    bankRedirect: sca.location,
    finalRedirect: new URL(location ?? 'about:blank'),
    callbackStatus: callback.status,
  };
}
