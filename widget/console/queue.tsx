import { useEffect, useRef, useState } from "preact/hooks";
import { api, type AttemptDetail, type QueueItem, type SessionInfo } from "./api.js";
import { AttemptView, Verdict } from "./attempt.js";
import { age, when } from "./format.js";
import { isTyping } from "./keys.js";

const AGES: { value: string; label: string; filter: Record<string, string> }[] = [
  { value: "", label: "any age", filter: {} },
  { value: "1h", label: "opened in the last hour", filter: { maxAgeHours: "1" } },
  { value: "24h", label: "opened in the last 24 h", filter: { maxAgeHours: "24" } },
  { value: "7d", label: "opened in the last 7 days", filter: { maxAgeHours: "168" } },
  { value: "old24h", label: "waiting over 24 h", filter: { minAgeHours: "24" } },
  { value: "old7d", label: "waiting over 7 days", filter: { minAgeHours: "168" } },
];

interface Filter {
  site: string;
  rule: string;
  age: string;
}

function query(filter: Filter, before?: string): Record<string, string> {
  return {
    ...(filter.site ? { site: filter.site } : {}),
    ...(filter.rule ? { rule: filter.rule } : {}),
    ...(AGES.find((a) => a.value === filter.age)?.filter ?? {}),
    ...(before ? { before } : {}),
  };
}

/** The queue of open reviews beside the selected attempt, worked with the keyboard. */
export function QueuePage({ session, isKeyboardFree }: { session: SessionInfo; isKeyboardFree: boolean }) {
  const [filter, setFilter] = useState<Filter>({ site: "", rule: "", age: "" });
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [isScanBounded, setScanBounded] = useState(false);
  const [selected, setSelected] = useState(0);
  const [detail, setDetail] = useState<AttemptDetail | null>(null);
  const [note, setNote] = useState("");
  const [isBusy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    setItems(null);
    setSelected(0);
    api.reviews(query(filter)).then(
      (page) => {
        setItems(page.items);
        setNext(page.next);
        setScanBounded(page.isScanBounded);
        setError("");
      },
      (err: Error) => setError(err.message),
    );
  }, [filter]);

  const current = items?.[selected];
  useEffect(() => {
    setDetail(null);
    if (!current) return;
    let isCurrent = true;
    api.attempt(current.id).then((d) => isCurrent && setDetail(d), (err: Error) => isCurrent && setError(err.message));
    listRef.current?.querySelector<HTMLElement>(`[data-attempt="${current.id}"]`)?.scrollIntoView({ block: "nearest" });
    return () => {
      isCurrent = false;
    };
  }, [current?.id]);

  const busy = useRef(false);
  const label = async (value: "legit" | "fraud") => {
    // Only what the analyst can see: the selected attempt's detail must have loaded.
    if (!current || busy.current || detail?.id !== current.id) return;
    busy.current = true;
    setBusy(true);
    try {
      await api.label(current.id, value, (noteRef.current?.value ?? note).trim());
      setItems((list) => (list ?? []).filter((item) => item.id !== current.id));
      setSelected((i) => Math.max(0, Math.min(i, (items?.length ?? 1) - 2)));
      setNote("");
      setStatus(`${value === "legit" ? "Approved" : "Rejected"} order ${current.orderId}: labelled ${value}.`);
    } catch (err) {
      setStatus(`Not saved: ${(err as Error).message}`);
    } finally {
      busy.current = false;
      setBusy(false);
    }
  };

  const loadOlder = async () => {
    if (!next) return;
    const page = await api.reviews(query(filter, next));
    setItems((list) => [...(list ?? []), ...page.items]);
    setNext(page.next);
    setScanBounded(page.isScanBounded);
  };

  // The key handler is registered once and reads the latest render through this ref: an effect
  // re-registered after each render would run after paint and could act on a stale note or selection.
  const latest = useRef({ isKeyboardFree, count: 0, current, label });
  latest.current = { isKeyboardFree, count: items?.length ?? 0, current, label };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const { isKeyboardFree, count, current, label } = latest.current;
      if (!isKeyboardFree || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) {
        if (event.key === "Escape") (event.target as HTMLElement).blur();
        return;
      }
      const move = (by: number) => {
        event.preventDefault();
        setSelected((i) => Math.max(0, Math.min(count - 1, i + by)));
      };
      if (event.key === "j" || event.key === "ArrowDown") move(1);
      else if (event.key === "k" || event.key === "ArrowUp") move(-1);
      else if (event.key === "a") void label("legit");
      else if (event.key === "r") void label("fraud");
      else if (event.key === "n") {
        event.preventDefault();
        noteRef.current?.focus();
      } else if (event.key === "Enter" && current) location.hash = `#/attempts/${current.id}`;
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  return (
    <main class="queue-page">
      <section class="queue" aria-labelledby="queue-title">
        <h2 id="queue-title">Review queue</h2>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            Site
            <select value={filter.site} onChange={(e) => setFilter({ ...filter, site: e.currentTarget.value })}>
              <option value="">all sites</option>
              {session.sites.map((site) => <option key={site} value={site}>{site}</option>)}
            </select>
          </label>
          <label>
            Rule
            <select value={filter.rule} onChange={(e) => setFilter({ ...filter, rule: e.currentTarget.value })}>
              <option value="">any rule</option>
              {session.rules.map((rule) => <option key={rule} value={rule}>{rule}</option>)}
            </select>
          </label>
          <label>
            Age
            <select value={filter.age} onChange={(e) => setFilter({ ...filter, age: e.currentTarget.value })}>
              {AGES.map((a) => <option key={a.value} value={a.value}>{a.label}</option>)}
            </select>
          </label>
        </form>
        {error && <p class="error" role="alert">{error}</p>}
        {items === null ? (
          <p class="muted">Loading…</p>
        ) : items.length === 0 ? (
          <p class="empty">Nothing to review{filter.site || filter.rule || filter.age ? " with these filters" : ""}.</p>
        ) : (
          <ol class="items" ref={listRef} aria-label="Attempts in review, newest first">
            {items.map((item, i) => (
              <li key={item.id} data-attempt={item.id} class={i === selected ? "selected" : ""} aria-current={i === selected ? "true" : undefined} onClick={() => setSelected(i)}>
                <div class="row1">
                  <span class="mono">{item.orderId}</span>
                  <time dateTime={item.at} title={when(item.at)}>{age(item.at)}</time>
                </div>
                <div class="row2">
                  {item.reasons.slice(0, 3).map((r) => <span key={r.rule} class={`chip severity-${r.severity}`}>{r.rule}</span>)}
                  {item.reasons.length > 3 && <span class="muted">+{item.reasons.length - 3}</span>}
                </div>
                <div class="row3 muted">{item.site} · score {item.score} · {item.links} linked</div>
              </li>
            ))}
          </ol>
        )}
        {next && <button type="button" class="link" onClick={loadOlder}>Older reviews{isScanBounded ? " (search further back)" : ""}</button>}
      </section>
      <section class="detail" aria-label="Selected attempt">
        <p class="status" role="status" aria-live="polite">{status}</p>
        {current && detail && detail.id === current.id ? (
          <>
            <Verdict note={note} onNote={setNote} onLabel={(value) => void label(value)} isBusy={isBusy} noteRef={noteRef} />
            <AttemptView detail={detail} />
          </>
        ) : current ? (
          <p class="muted">Loading…</p>
        ) : (
          <p class="muted">Select an attempt. Press <kbd>?</kbd> for the shortcuts.</p>
        )}
      </section>
    </main>
  );
}
