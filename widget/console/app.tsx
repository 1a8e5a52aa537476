import { useEffect, useState } from "preact/hooks";
import { api, ApiError, setSignedOutHandler, type SessionInfo } from "./api.js";
import { AttemptPage } from "./attempt.js";
import { Help } from "./help.js";
import { isTyping } from "./keys.js";
import { Login } from "./login.js";
import { OverviewPage } from "./overview.js";
import { QueuePage } from "./queue.js";

type Route = { page: "queue" } | { page: "overview" } | { page: "attempt"; id: string };

function readRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, "");
  if (hash === "overview") return { page: "overview" };
  const attempt = /^attempts\/(att_[A-Za-z0-9_-]+)$/.exec(hash);
  if (attempt) return { page: "attempt", id: attempt[1]! };
  return { page: "queue" };
}


export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [route, setRoute] = useState<Route>(readRoute);
  const [isHelpOpen, setHelpOpen] = useState(false);

  useEffect(() => {
    setSignedOutHandler(() => setSession(null));
    api.session().then(setSession, (err) => {
      if (err instanceof ApiError && err.status === 401) setSession(null);
      else setSession(null);
    });
    const onHash = () => setRoute(readRoute());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setHelpOpen(false);
      if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "?") setHelpOpen((open) => !open);
      else if (event.key === "g") location.hash = "#/queue";
      else if (event.key === "v") location.hash = "#/overview";
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <Login onLogin={setSession} />;

  const logout = async () => {
    await api.logout().catch(() => undefined);
    setSession(null);
  };

  return (
    <div class="shell">
      <header class="top">
        <strong class="brand">Vakt</strong>
        <nav aria-label="Console">
          <a href="#/queue" aria-current={route.page === "queue" ? "page" : undefined}>Review queue</a>
          <a href="#/overview" aria-current={route.page === "overview" ? "page" : undefined}>Overview</a>
        </nav>
        <button type="button" class="link" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">Shortcuts (?)</button>
        <button type="button" class="link" onClick={logout}>Log out</button>
      </header>
      {route.page === "queue" && <QueuePage session={session} isKeyboardFree={!isHelpOpen} />}
      {route.page === "overview" && <OverviewPage />}
      {route.page === "attempt" && <AttemptPage id={route.id} />}
      {isHelpOpen && <Help onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
