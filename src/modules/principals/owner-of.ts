import { ForbiddenError } from '../../common/errors';
import type { AuthenticatedPrincipal } from './principals.service';

/** Whose connections a principal works on; lenders see only what is shared with them, never connections. */
export function ownerOf(principal: AuthenticatedPrincipal): string {
  if (!principal.actsForOwnerId)
    throw new ForbiddenError('only an account owner or a client acting for one may do this');
  return principal.actsForOwnerId;
}
