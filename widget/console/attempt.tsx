import { Fragment, type ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, type AttemptDetail } from "./api.js";
import { age, KIND_NAMES, ms, when } from "./format.js";

const WEIGHT: Record<string, number> = { high: 0, medium: 1, low: 2, none: 3 };

/** Rules that gave a severity or missed their budget first, then the rest in the ruleset's order. */
function byWeight<T extends { severity: string; status: string }>(rows: T[]): T[] {
  const weight = (row: T) => (WEIGHT[row.severity] ?? 3) - (row.status === "ok" ? 0 : 4);
  return rows.map((row, i) => ({ row, i })).sort((a, b) => weight(a.row) - weight(b.row) || a.i - b.i).map(({ row }) => row);
}

const Badge = ({ value, kind }: { value: string; kind: "decision" | "severity" | "label" | "status" }) => <span class={`badge ${kind}-${value}`}>{value}</span>;

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="part">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** The "why" of one attempt in one look: the order, the reasons, the matrix, the shadows and the linked attempts. */
export function AttemptView({ detail }: { detail: AttemptDetail }) {
  const closed = detail.label ?? (detail.review && detail.review.status !== "open" ? { label: detail.review.status, note: null, at: detail.review.at } : null);
  return (
    <article class="attempt" aria-labelledby="attempt-title" data-attempt={detail.id}>
      <header class="attempt-head">
        <h2 id="attempt-title">
          Order <span class="mono">{detail.orderId}</span>
        </h2>
        <Badge kind="decision" value={detail.decision} />
        <span class="muted">
          score {detail.score} · {detail.site} · <time dateTime={detail.at} title={when(detail.at)}>{age(detail.at)}</time> · token {detail.token}
        </span>
        {closed && (
          <p class="closed">
            Labelled <Badge kind="label" value={closed.label} /> {age(closed.at)}
            {closed.note ? `: “${closed.note}”` : ""}
          </p>
        )}
      </header>

      <Section title="Why">
        {detail.reasons.length === 0 ? (
          <p class="muted">No rule gave a reason.</p>
        ) : (
          <ul class="reasons">
            {detail.reasons.map((r) => (
              <li key={r.rule} data-rule={r.rule}>
                <Badge kind="severity" value={r.severity} /> <strong>{r.rule}</strong> {r.detail}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <div class="columns">
        <Section title="Order and identifiers">
          <dl class="facts">
            <dt>Attempt</dt>
            <dd class="mono">{detail.id}</dd>
            <dt>Order</dt>
            <dd class="mono">{detail.orderId}</dd>
            <dt>Received</dt>
            <dd>{when(detail.at)}</dd>
            {detail.order?.amount !== undefined && (
              <>
                <dt>Amount</dt>
                <dd>{money(detail.order.amount, detail.order.currency)}</dd>
              </>
            )}
            {detail.order?.items && detail.order.items.length > 0 && (
              <>
                <dt>Basket</dt>
                <dd>
                  {detail.order.items.map((item, i) => (
                    <div key={i}>
                      {item.quantity} × {item.name ?? item.sku ?? "item"}
                      {item.category ? ` (${item.category})` : ""}
                      {item.unitPrice !== undefined ? ` at ${money(item.unitPrice, detail.order?.currency)}` : ""}
                    </div>
                  ))}
                </dd>
              </>
            )}
            {detail.order && (detail.order.shippingCountry || detail.order.paymentMethod || detail.order.customerSegment || detail.order.customerCreatedAt) && (
              <>
                <dt>Buyer</dt>
                <dd>
                  {[
                    detail.order.customerSegment && `segment ${detail.order.customerSegment}`,
                    detail.order.customerCreatedAt && `account created ${when(detail.order.customerCreatedAt)}`,
                    detail.order.shippingCountry && `ships to ${detail.order.shippingCountry}`,
                    detail.order.billingCountry && detail.order.billingCountry !== detail.order.shippingCountry && `bills in ${detail.order.billingCountry}`,
                    detail.order.paymentMethod && `pays by ${detail.order.paymentMethod}`,
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </dd>
              </>
            )}
            {detail.device && (
              <>
                <dt>Device</dt>
                <dd>
                  <span class="mono">{detail.device.id}</span>, first seen {age(detail.device.firstSeen)}, {detail.device.attempts} attempts
                </dd>
              </>
            )}
            {detail.identifiers.map((id) => (
              <Fragment key={id.kind}>
                <dt>{KIND_NAMES[id.kind] ?? id.kind}</dt>
                <dd class="mono" title="keyed hash: the raw value is never stored">{id.masked}</dd>
              </Fragment>
            ))}
          </dl>
          <p class="hint">Vakt keeps identifiers only as keyed hashes; equal fragments mean the same value.</p>
        </Section>

        <Section title="Shadow rulesets">
          {detail.shadow.length === 0 ? (
            <p class="muted">No shadow ruleset runs for this site.</p>
          ) : (
            <table class="grid shadow">
              <thead>
                <tr><th scope="col">ruleset</th><th scope="col">decision</th><th scope="col">reasons</th></tr>
              </thead>
              <tbody>
                {detail.shadow.map((s) => (
                  <tr key={s.ruleset} class={s.agrees ? "" : "disagrees"}>
                    <td>{s.ruleset}</td>
                    <td><Badge kind="decision" value={s.decision} /> {s.agrees ? "agrees" : "differs"}</td>
                    <td>{s.reasons.map((r) => `${r.rule} (${r.severity})`).join(", ") || "none"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </div>

      <Section title={`Linked prior attempts (${detail.links.length})`}>
        {detail.links.length === 0 ? (
          <p class="muted">No earlier attempt shares an identifier with this one.</p>
        ) : (
          <table class="grid links">
            <thead>
              <tr><th scope="col">attempt</th><th scope="col">when</th><th scope="col">shares</th><th scope="col">decision</th><th scope="col">label</th></tr>
            </thead>
            <tbody>
              {detail.links.map((link) => (
                <tr key={link.attempt} data-link={link.attempt} class={link.label === "fraud" ? "fraud" : ""}>
                  <td><a href={`#/attempts/${link.attempt}`} class="mono">{link.orderId ?? link.attempt}</a></td>
                  <td><time dateTime={link.at} title={when(link.at)}>{age(link.at)}</time></td>
                  <td class="via">{link.via.map((kind) => KIND_NAMES[kind] ?? kind).join(", ")}</td>
                  <td>{link.decision ? <Badge kind="decision" value={link.decision} /> : <span class="muted">deleted</span>}</td>
                  <td>{link.label ? <Badge kind="label" value={link.label} /> : link.review === "open" ? "in review" : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Decision matrix">
        <table class="grid matrix">
          <thead>
            <tr><th scope="col">rule</th><th scope="col">severity</th><th scope="col" class="num">time</th><th scope="col">status</th></tr>
          </thead>
          <tbody>
            {byWeight(detail.matrix).map((row) => (
              <tr key={row.rule} data-rule={row.rule} class={`${row.severity === "none" ? "quiet" : "hit"}${row.status === "ok" ? "" : " missed"}`}>
                <td>{row.rule}</td>
                <td><Badge kind="severity" value={row.severity} /></td>
                <td class="num">{ms(row.ms)}</td>
                <td>{row.status === "ok" ? "ok" : <Badge kind="status" value={row.status} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </article>
  );
}

/** Approve / reject with an optional note. */
export function Verdict({ note, onNote, onLabel, isBusy, noteRef }: { note: string; onNote: (note: string) => void; onLabel: (label: "legit" | "fraud") => void; isBusy: boolean; noteRef?: { current: HTMLTextAreaElement | null } }) {
  return (
    <div class="verdict">
      <label for="note">Note (optional)</label>
      <textarea id="note" ref={noteRef} rows={2} maxLength={1000} value={note} onInput={(e) => onNote(e.currentTarget.value)} placeholder="why: e.g. customer confirmed by phone" />
      <div class="buttons">
        <button type="button" class="approve" disabled={isBusy} onClick={() => onLabel("legit")} aria-keyshortcuts="a">Approve (a)</button>
        <button type="button" class="reject" disabled={isBusy} onClick={() => onLabel("fraud")} aria-keyshortcuts="r">Reject (r)</button>
      </div>
    </div>
  );
}

export function AttemptPage({ id }: { id: string }) {
  const [detail, setDetail] = useState<AttemptDetail | null>(null);
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  const [isBusy, setBusy] = useState(false);
  const [status, setStatus] = useState("");

  useEffect(() => {
    setDetail(null);
    setError("");
    api.attempt(id).then(setDetail, (err: Error) => setError(err.message));
  }, [id]);

  const label = async (value: "legit" | "fraud") => {
    setBusy(true);
    try {
      setDetail(await api.label(id, value, note));
      setNote("");
      setStatus(value === "legit" ? "Approved: labelled legit." : "Rejected: labelled fraud.");
    } catch (err) {
      setStatus(`Not saved: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page-attempt">
      <p><a href="#/queue">← Review queue</a></p>
      {error && <p class="error" role="alert">{error}</p>}
      {detail && <AttemptView detail={detail} />}
      {detail && <Verdict note={note} onNote={setNote} onLabel={label} isBusy={isBusy} />}
      <p class="status" role="status">{status}</p>
    </main>
  );
}

/** Minor units as the shopper saw them: 129900 SEK → "1,299.00 SEK". */
function money(minor: number, currency: string | undefined): string {
  const major = (minor / 100).toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${major} ${currency}` : major;
}
