import { createServer } from "node:net";
import { startDemoShop, type DemoShop } from "../../demo-shop/server.js";
import { SECRET_KEY, SITE_KEY, startTestCollector, type TestCollector } from "./collector.js";

export interface Stack {
  collector: TestCollector;
  shop: DemoShop;
  close(): Promise<void>;
}

/** A port that was free a moment ago (the shop must be named in the collector's origins before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The real collector on a fresh LMDB directory and the demo shop in front of it, both on 127.0.0.1. */
export async function startStack(options: { collectorUrlForShop?: string } = {}): Promise<Stack> {
  const shopPort = await freePort();
  const collector = await startTestCollector({ origins: [`http://127.0.0.1:${shopPort}`] });
  const shop = await startDemoShop({
    port: shopPort,
    collectorUrl: options.collectorUrlForShop ?? collector.url,
    siteKey: SITE_KEY,
    secretKey: SECRET_KEY,
    log: () => {},
  });
  return {
    collector,
    shop,
    async close() {
      await shop.close();
      await collector.destroy();
    },
  };
}
