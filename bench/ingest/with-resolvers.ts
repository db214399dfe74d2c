// Promise.withResolvers (ES2024, Node >= 22) for Node 20, which this project supports: @platformatic/kafka
// (./producer-clients.ts) calls it to make the promise of every callback-style call. The same
// contract as the built-in: a pending promise and the two functions that settle it. Installed only
// where it is missing; a Node that has it keeps its own.

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

function withResolvers<T>(): Resolvers<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const promiseConstructor = Promise as unknown as { withResolvers?: typeof withResolvers };
promiseConstructor.withResolvers ??= withResolvers;
