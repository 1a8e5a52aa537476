import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import uWS from "uWebSockets.js";
import { Assessor } from "./assess/assessor.js";
import type { Config, SiteConfig } from "./config.js";
import { json, serve, type Handler } from "./http/uws-http.js";
import { SecretKeys } from "./http/auth.js";
import * as routes from "./http/routes.js";
import { staticAsset } from "./http/static-asset.js";
import { apiRateLimit } from "./http/rate-limit.js";
import { IdentifierHasher } from "./identity/hash.js";
import { ContactVault } from "./contact-vault.js";
import { Labeler } from "./labels.js";
import { LiveRules } from "./live-rules.js";
import { Metrics } from "./metrics.js";
import { startRetention, type Retention } from "./retention.js";
import { openStore } from "./store/open.js";
import type { Store } from "./store/types.js";
import { mountStream } from "./stream/stream.js";
import { TokenService } from "./token.js";
import { HttpError } from "./errors.js";
import { LoginLimiter } from "./console/login-limiter.js";
import { ConsoleSessions } from "./console/session.js";
import { mountConsole } from "./http/console.js";
import { RULES } from "./rules/index.js";
import { CHALLENGE_PATHS, mountChallenge } from "./http/challenge.js";
import { ChallengeService } from "./challenge/service.js";
import { startChallengeSweeper } from "./challenge/sweeper.js";
import { Outbox, type Notifiers } from "./challenge/notifier.js";
import { SmtpNotifier } from "./challenge/smtp-notifier.js";

export interface RunningCollector {
  url: string;
  port: number;
  store: Store;
  rules: LiveRules;
  retention: Retention;
  /** The demo's outbox of one-time codes, when the config has `notify.outbox`. */
  outbox?: Outbox;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: (line: string) => void;
  /** Where the built script lives; found next to the compiled collector (or in dist/ when run from source) by default. */
  publicDir?: string;
  /** The file the config came from: reloads re-read it (admin call, SIGHUP, or a change on disk). */
  configPath?: string;
  /** Notifiers for one-time codes that replace the config's, per channel: e.g. an SMS gateway for `phone`. */
  notifiers?: Notifiers;
}

const MAX_BODY_BYTES = 64 * 1024;
const KNOWN_PATHS = ["/healthz", "/metrics", "/v1/vakt.js", "/v1/jwks.json", "/v1/assess", "/v1/labels", "/v1/shadow-report", "/v1/admin/reload"];
/** uWS.LIBUS_LISTEN_EXCLUSIVE_PORT: exported at run time, missing from the typings. */
const LISTEN_EXCLUSIVE_PORT = 1;

/** Config → store → routes → listen. Resolves once the port is open; `close()` stops listening and closes the store. */
export async function startCollector(config: Config, options: StartOptions = {}): Promise<RunningCollector> {
  const log = options.log ?? ((line: string) => console.log(line));
  const publicDir = options.publicDir ?? findPublicDir();
  const script = readFileSync(`${publicDir}/vakt.js`);
  const consoleScript = existsSync(`${publicDir}/console.js`) ? readFileSync(`${publicDir}/console.js`) : undefined;
  const widget = readFileSync(`${publicDir}/vakt-challenge.js`);

  const store = openStore(config.store, { retentionMs: config.retentionDays * 86_400_000, log });
  try {
    const hasher = new IdentifierHasher(await store.getOrCreateSecret("identifier-hash-key", () => randomBytes(32)));
    const tokens = await TokenService.open(store, {
      issuer: config.publicUrl,
      ttlSeconds: config.token.ttlSeconds,
      deviceHash: (visitorId) => hasher.hash("device", visitorId),
    });
    const sites = new Map<string, SiteConfig>(config.sites.map((site) => [site.siteKey, site]));
    const rules = new LiveRules(config, options.configPath, log);
    rules.watch(config);
    const metrics = new Metrics();
    const retention = startRetention(store, config.retentionDays * 86_400_000, log);
    const trustedProxies = new Set(config.trustProxy);
    const contacts = await ContactVault.open(store);
    const outbox = config.notify?.outbox ? new Outbox(log) : undefined;
    const smtp = config.notify?.smtp ? new SmtpNotifier(config.notify.smtp) : undefined;
    smtp?.verify().catch((err: unknown) => log(`notify.smtp: cannot use ${config.notify!.smtp!.host}:${config.notify!.smtp!.port} (${err instanceof Error ? err.message : String(err)}); e-mailed codes will fail until it works`));
    const notifiers: Notifiers = { ...(outbox ? { email: outbox, phone: outbox } : {}), ...(smtp ? { email: smtp } : {}), ...options.notifiers };
    const challenges = await ChallengeService.open({ store, contacts, notifiers, log });
    if (!challenges.hasNotifiers) log("challenge: no notifier configured (config `notify`): a `challenge` decision cannot send a code and goes to review");
    const challengeSweeper = startChallengeSweeper(store, challenges, log);
    const deps: routes.RouteDeps = {
      store,
      tokens,
      assessor: new Assessor({
        store,
        tokens,
        hasher,
        retentionMs: config.retentionDays * 86_400_000,
        metrics,
        contacts,
        ...(config.store.kind === "redis" && config.store.fallbackDecision ? { fallbackDecision: config.store.fallbackDecision } : {}),
      }),
      labeler: new Labeler(store),
      secrets: new SecretKeys(config.sites),
      rules,
      metrics,
      trustedProxies,
      consolePassword: config.console?.password,
    };

    const app = uWS.App();
    const onError = (err: unknown, req: { method: string; path: string }) => log(`error: ${req.method.toUpperCase()} ${req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const mount = (method: "get" | "post", pattern: string, handler: Handler, paramCount = 0) =>
      serve(app, method, pattern, handler, { maxBodyBytes: MAX_BODY_BYTES, paramCount, onError });

    mount("get", "/healthz", routes.health(store));
    mount("get", "/v1/vakt.js", staticAsset(script, "text/javascript; charset=utf-8"));
    mount("get", "/v1/jwks.json", routes.jwks(deps));
    const limited = apiRateLimit(config.rateLimits, deps);
    mount("post", "/v1/assess", limited(routes.assess(deps)));
    mount("post", "/v1/labels", limited(routes.labels(deps)));
    mount("get", "/v1/attempts/:id", limited(routes.attempt(deps)), 1);
    mount("get", "/v1/shadow-report", limited(routes.shadowReport(deps)));
    mount("post", "/v1/admin/reload", limited(routes.reload(deps)));
    mount("get", "/metrics", routes.metrics(deps));
    const { streamConnectionsPerIp, streamOpensPerIp, streamFramesPerIp } = config.rateLimits;
    const limits = { connectionsPerIp: streamConnectionsPerIp, opensPerIp: streamOpensPerIp, framesPerIp: streamFramesPerIp };
    const stream = mountStream(app, { store, tokens, sites, trustedProxies, log, metrics, limits });
    routes.mountCollect(app, { store, tokens, sites, trustedProxies, log, metrics });
    mountConsole(app, {
      store,
      labeler: deps.labeler,
      sessions: config.console ? new ConsoleSessions(await store.getOrCreateSecret("console-session-key", () => randomBytes(32)), config.console.password) : undefined,
      limiter: new LoginLimiter(),
      publicUrl: config.publicUrl,
      trustedProxies,
      siteKeys: config.sites.map((site) => site.siteKey),
      ruleIds: RULES.map((rule) => rule.id),
      script: consoleScript,
    }, onError);
    mountChallenge(app, { store, challenges, secrets: deps.secrets, sites, widget, onError });
    serve(app, "any", "/*", (req) => {
      const known = KNOWN_PATHS.includes(req.path) || CHALLENGE_PATHS.includes(req.path) || req.path.startsWith("/v1/attempts/");
      if (known) throw new HttpError(405, "method_not_allowed", `${req.method.toUpperCase()} is not allowed on ${req.path}`);
      return json(404, { error: "not_found", message: `no route ${req.path}` });
    }, { maxBodyBytes: 0, onError });

    const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
      // Exclusive: uWS otherwise shares a taken port (SO_REUSEPORT) and a second collector would start silently.
      const listen = app.listen as unknown as (host: string, port: number, options: number, cb: (socket: uWS.us_listen_socket | false) => void) => void;
      listen.call(app, config.listen.host, config.listen.port, LISTEN_EXCLUSIVE_PORT, (socket) => {
        if (socket) resolve(socket);
        else reject(new Error(`cannot listen on ${config.listen.host}:${config.listen.port} (is the port in use?)`));
      });
    });
    const port = uWS.us_socket_local_port(listenSocket);
    let isClosed = false;
    return {
      url: `http://${config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host}:${port}`,
      port,
      store,
      rules,
      retention,
      ...(outbox ? { outbox } : {}),
      async close() {
        if (isClosed) return;
        isClosed = true;
        rules.close();
        retention.stop();
        challengeSweeper.stop();
        await Promise.all(Object.values(notifiers).map((notifier) => notifier.close?.()));
        uWS.us_listen_socket_close(listenSocket);
        await stream.closeAll();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

function findPublicDir(): string {
  for (const relative of ["../public", "../dist/public"]) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}/vakt.js`) && existsSync(`${dir}/vakt-challenge.js`)) return dir;
  }
  throw new Error("the browser script or the challenge widget is not built: run `npm run build`");
}
