/**
 * Serving Connect services inside the edge: one router builder, one error interceptor, one
 * answer for an unknown method. Services throw the API's own errors (ApiError); the interceptor
 * maps them once to Connect codes (errors.ts `toConnectError`), for unary calls and for errors
 * raised while a server stream is running (connect-es `protocol/universal-interceptor.ts`).
 */
import { type ConnectRouter, createConnectRouter, type Interceptor } from '@connectrpc/connect';
import {
  type UniversalHandler,
  universalServerRequestFromFetch,
  universalServerResponseToFetch,
} from '@connectrpc/connect/protocol';
import { toConnectError } from './errors.ts';

async function* mapStreamErrors<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (error) {
    throw toConnectError(error);
  }
}

/** Every error a handler throws leaves as a ConnectError with the code the vocabulary maps to. */
export const errorInterceptor: Interceptor = (next) => async (req) => {
  try {
    const res = await next(req);
    return res.stream ? { ...res, message: mapStreamErrors(res.message) } : res;
  } catch (error) {
    throw toConnectError(error);
  }
};

/** A Connect error body (Connect protocol: JSON `{code, message}`) for a method the service lacks. */
function unimplemented(path: string): Response {
  return Response.json(
    { code: 'unimplemented', message: `no method ${path.split('/').pop()}` },
    { status: 404 },
  );
}

export interface ConnectServeOptions {
  /**
   * The largest request message read, in bytes (Connect's default is 4 GiB); a bigger one is
   * refused with `resource_exhausted` before it is decoded. Services that take a bounded input set
   * it like their REST route's body cap.
   */
  readMaxBytes?: number;
}

/**
 * The handlers `register` adds, built once, and a fetch-style function serving a request with
 * them. Use it where the services can be built once (a Durable Object's own router).
 */
export function connectHandler(
  register: (router: ConnectRouter) => void,
  options: ConnectServeOptions = {},
): (request: Request) => Promise<Response> {
  const router = createConnectRouter({ interceptors: [errorInterceptor], ...options });
  register(router);
  const handlers = new Map(router.handlers.map((h: UniversalHandler) => [h.requestPath, h]));
  return async (request) => {
    const path = new URL(request.url).pathname;
    const handler = handlers.get(path);
    if (!handler) return unimplemented(path);
    return universalServerResponseToFetch(await handler(universalServerRequestFromFetch(request, {})));
  };
}

/** Serves one request with services bound to this request (its caller, its database). */
export function serveConnect(
  request: Request,
  register: (router: ConnectRouter) => void,
  options: ConnectServeOptions = {},
): Promise<Response> {
  return connectHandler(register, options)(request);
}
