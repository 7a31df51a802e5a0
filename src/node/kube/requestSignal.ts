// An AbortSignal for client-node's typed calls. Its fetch takes the signal from the request
// context, which only a middleware can set; with it a read the server never answers ends when
// the caller gives up, instead of holding a poll loop (and its Cancel button) forever.
import {
  Observable,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

/** Options for one call of a typed API: the request is aborted when `signal` is. */
export function abortWith(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(signal);
          return new Observable(Promise.resolve(ctx));
        },
        post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
