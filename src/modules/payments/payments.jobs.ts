import type { JobRunner } from '../../jobs';
import { PAYMENT_POLL_JOB, PAYMENT_SWEEP_JOB, type PaymentPollJob, type PaymentsService } from './payments.service';

/**
 * The status poll (one payment is read by one worker at a time, whichever replica queued it) and the sweep of open
 * payments, which the gateway schedules with the consent lifecycle sweep once it serves the sandbox banks' URLs.
 */
export function registerPaymentJobs(jobs: JobRunner, payments: PaymentsService): void {
  jobs.register<PaymentPollJob>(PAYMENT_POLL_JOB, (data) => payments.poll(data), {
    exclusiveKey: (data) => `payment.${data.paymentId}`,
  });
  jobs.register(PAYMENT_SWEEP_JOB, () => payments.sweep(), { exclusiveKey: () => PAYMENT_SWEEP_JOB });
}
