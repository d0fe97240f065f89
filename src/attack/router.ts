import { createRequire } from 'node:module';

/** A route as the router holds it. */
export type RouterRoute = { method: string; path: string };

/** Records every route put in the application's find-my-way router while `build` runs: the router's own view, below Fastify's hooks. */
export async function routerRoutes<T>(build: () => Promise<T>): Promise<{ built: T; routes: RouterRoute[] }> {
  const fmw = createRequire(createRequire(import.meta.url).resolve('fastify'))('find-my-way') as () => object;
  type On = (this: object, method: string | string[], path: string, ...rest: unknown[]) => unknown;
  const proto = Object.getPrototypeOf(fmw()) as { on: On };
  const original = proto.on;
  const byRouter = new Map<object, RouterRoute[]>();
  proto.on = function (method, path, ...rest) {
    const list = byRouter.get(this) ?? [];
    for (const m of ([] as string[]).concat(method)) list.push({ method: m, path });
    byRouter.set(this, list);
    return original.call(this, method, path, ...rest);
  };
  try {
    const built = await build();
    // The application's router is the one holding /health; the others are Fastify's not-found routers.
    const routes = [...byRouter.values()].find((list) => list.some((r) => r.path === '/health'))!;
    return { built, routes };
  } finally {
    proto.on = original;
  }
}
