import type { JobRunner } from '../../jobs';
import { PAYMENT_POLL_JOB, type PaymentPollJob, type PaymentsService } from './payments.service';

/** The status poll: one payment is read by one worker at a time, whichever replica queued it. */
export function registerPaymentJobs(jobs: JobRunner, payments: PaymentsService): void {
  jobs.register<PaymentPollJob>(PAYMENT_POLL_JOB, (data) => payments.poll(data), { exclusiveKey: (data) => `payment.${data.paymentId}` });
}
