import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Hands an event handler's error unchanged to the transport (Nest's default filter
 * replaces it with "Internal server error"), so retry decisions and DLQ headers see the
 * real error. Apply with `@UseFilters(RethrowRpcExceptionFilter)` on event controllers.
 */
@Catch()
export class RethrowRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
