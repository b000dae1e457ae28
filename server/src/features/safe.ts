// Every request handler runs through `guard`: a cancelled request answers RequestCancelled, and
// an exception is logged and answered with the handler's empty result, so no document can take
// the server down or leave a request unanswered.

import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';

/** The error a cancelled request is answered with. */
export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

/** Wrap a handler: cancellation -> RequestCancelled, exception -> `fallback` plus a log line. */
export function guard<P, R>(
  name: string,
  log: (message: string) => void,
  fallback: R,
  handler: (params: P, token: CancellationToken) => R | Promise<R>,
): (params: P, token: CancellationToken) => Promise<R> {
  return async (params, token) => {
    if (token.isCancellationRequested) throw cancelled();
    let result: R;
    try {
      result = await handler(params, token);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      log(`${name} failed and answered empty: ${(e as Error)?.stack ?? String(e)}`);
      return fallback;
    }
    if (token.isCancellationRequested) throw cancelled();
    return result;
  };
}

/** Wrap a notification handler so an exception is logged instead of escaping. */
export function guardNotification<P>(name: string, log: (message: string) => void, handler: (params: P) => void | Promise<void>): (params: P) => void {
  return (params) => {
    try {
      const r = handler(params);
      if (r && typeof r.then === 'function') r.then(undefined, (e: unknown) => log(`${name} failed: ${(e as Error)?.stack ?? String(e)}`));
    } catch (e) {
      log(`${name} failed: ${(e as Error)?.stack ?? String(e)}`);
    }
  };
}
