/**
 * A Durable Object's RPC surface as callers see it, typed from the class itself: every method
 * returns a promise of what the class's method returns. Workers' own `DurableObjectStub<T>` maps
 * return types through `Rpc.Result`, which loses the discriminant of a union such as `Result`, so
 * handles pick the methods they use from the class and view the stub through this type.
 */
export type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** The stub of a Durable Object as the methods `T` picks from its class (see `Remote`). */
export function remote<T>(stub: DurableObjectStub): Remote<T> {
  return stub as unknown as Remote<T>;
}
