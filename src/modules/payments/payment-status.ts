import type { PaymentStatus as ProviderPaymentStatus } from '../../providers';
import { PaymentStatus } from './payment.entity';

/**
 * The bank's ISO 20022 status in the subset clients see. The finer codes some banks send fold into the nearest one
 * clients know: ACCC (credited to the creditor) is settled, ACWC/ACWP (accepted with change / pending) still settle,
 * ACFC (funds checked) is accepted, PATC/PART (partial authorisation) wait for the other signatories.
 */
export function paymentStatusFromProvider(status: ProviderPaymentStatus): PaymentStatus {
  switch (status) {
    case 'RCVD':
    case 'ACTC':
    case 'ACCP':
    case 'ACSP':
    case 'ACSC':
    case 'PDNG':
    case 'RJCT':
    case 'CANC':
      return PaymentStatus[status];
    case 'ACCC':
      return PaymentStatus.ACSC;
    case 'ACWC':
    case 'ACWP':
      return PaymentStatus.ACSP;
    case 'ACFC':
      return PaymentStatus.ACCP;
    case 'PATC':
    case 'PART':
      return PaymentStatus.PDNG;
    default: {
      const never: never = status;
      return never;
    }
  }
}
