import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Client as WsClient } from 'graphql-ws';
import { Client, fetchExchange } from 'urql';
import { GatewayClientsProvider } from '../components/gateway-provider';
import { PaymentForm } from './payments';

// react-router needs TextEncoder, which jsdom lacks; the form only links to another screen.
jest.mock('react-router', () => ({
  Link: ({ children }: { children: unknown }) => children,
  useSearchParams: () => [new URLSearchParams()],
}));

/** The gateway as the form sees it over HTTP: one payable account, and a bank that is down for every payment. */
function fakeGateway() {
  const payments: Array<Record<string, unknown>> = [];
  // What urql reads of a fetch Response (jsdom has no Response class).
  const answer = (body: unknown) =>
    Promise.resolve({
      status: 200,
      headers: { get: () => 'application/json' },
      text: async () => JSON.stringify(body),
    });
  const fetch = (_url: unknown, init?: { body?: unknown }) => {
    const request = JSON.parse(String(init?.body)) as { query: string; variables: { input: Record<string, unknown> } };
    if (request.query.includes('PayableAccounts')) {
      return answer({
        data: {
          accounts: [
            {
              id: 'acc-1',
              name: 'Business account',
              iban: 'DE46100900442329438860',
              currency: 'EUR',
              institution: { id: 'bank', name: 'Sandbox Bank', capabilities: ['AIS', 'PIS'] },
            },
          ],
        },
      });
    }
    payments.push(request.variables.input);
    return answer({
      data: null,
      errors: [{ message: 'the bank did not answer in time', extensions: { code: 'PROVIDER_UNAVAILABLE' } }],
    });
  };
  const http = new Client({
    url: 'http://127.0.0.1/graphql',
    exchanges: [fetchExchange],
    preferGetMethod: false,
    fetch: fetch as unknown as typeof globalThis.fetch,
  });
  const ws = { subscribe: () => () => undefined, on: () => () => undefined } as unknown as WsClient;
  return { clients: { http, ws, isConnected: () => true }, payments };
}

function fill(label: RegExp | string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('the payment form', () => {
  it('sends a retry after a failure with the same idempotency key, and another payment with another key', async () => {
    const gateway = fakeGateway();
    render(
      <GatewayClientsProvider clients={gateway.clients}>
        <PaymentForm />
      </GatewayClientsProvider>,
    );
    await screen.findByRole('option', { name: /Business account/ });
    fill('From account', 'acc-1');
    fill('Payee name', 'Papeterie Martin');
    fill('Payee IBAN', 'DE89 3704 0044 0532 0130 00');
    fill('Amount (EUR)', '120,5');
    const pay = screen.getByRole('button', { name: 'Continue to your bank' });

    fireEvent.click(pay);
    await screen.findByText('the bank did not answer in time');
    await waitFor(() => expect((pay as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(pay);
    await waitFor(() => expect(gateway.payments).toHaveLength(2));
    expect(gateway.payments[0]).toMatchObject({
      creditorIban: 'DE89370400440532013000',
      amount: '120.50',
      currency: 'EUR',
      debtorAccountId: 'acc-1',
    });
    expect(gateway.payments[1].idempotencyKey).toBe(gateway.payments[0].idempotencyKey);

    await waitFor(() => expect((pay as HTMLButtonElement).disabled).toBe(false));
    fill('Amount (EUR)', '120.51');
    fireEvent.click(pay);
    await waitFor(() => expect(gateway.payments).toHaveLength(3));
    expect(gateway.payments[2].idempotencyKey).not.toBe(gateway.payments[0].idempotencyKey);
    await waitFor(() => expect((pay as HTMLButtonElement).disabled).toBe(false));
  });

  it('shows each mistake next to its field and asks nothing of the gateway', async () => {
    const gateway = fakeGateway();
    render(
      <GatewayClientsProvider clients={gateway.clients}>
        <PaymentForm />
      </GatewayClientsProvider>,
    );
    await screen.findByRole('option', { name: /Business account/ });
    fill('Payee IBAN', 'FR76 3000 6000 0112 3456 7890 188');
    fireEvent.click(screen.getByRole('button', { name: 'Continue to your bank' }));
    const iban = screen.getByLabelText('Payee IBAN');
    expect(iban.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(iban.getAttribute('aria-describedby')!)?.textContent).toBe(
      'This IBAN is not valid: check it against the invoice.',
    );
    expect(gateway.payments).toHaveLength(0);
  });
});
