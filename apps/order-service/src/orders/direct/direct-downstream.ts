import type { ModuleRef } from '@nestjs/core';
import { TokenChecksService } from '../../../../auth/src/token-checks/token-checks.service';
import { SeatReservationsService } from '../../../../course-validation/src/reservations/seat-reservations.service';
import { PaymentsService } from '../../../../payment/src/payments/payments.service';
import { DirectIntakeUnavailableError } from './direct-intake.errors';

/**
 * The services direct mode calls in-request: the very providers the consumers use (same
 * checks, same seat SQL, same rate-limited payment gateways), found in the application.
 */
export interface DirectDownstream {
  auth: TokenChecksService;
  seats: SeatReservationsService;
  payments: PaymentsService;
}

/** Looks the services up in the running application; throws when one is not hosted here. */
export function resolveDirectDownstream(moduleRef: ModuleRef): DirectDownstream {
  const find = <T>(cls: new (...args: never[]) => T): T => {
    try {
      return moduleRef.get(cls, { strict: false });
    } catch {
      throw new DirectIntakeUnavailableError(cls.name);
    }
  };
  return { auth: find(TokenChecksService), seats: find(SeatReservationsService), payments: find(PaymentsService) };
}
