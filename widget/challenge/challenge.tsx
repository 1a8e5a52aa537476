import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type Call, type ChallengeView, type Channel } from "./api.js";
import { fill, type Strings } from "./strings.js";

type Phase = "loading" | "choose" | "code" | "passed" | "failed" | "error";
type FocusTarget = "choice" | "code" | "outcome";

export interface ChallengeProps {
  call: Call;
  t: Strings;
  lang: string;
  onEnd: (status: "passed" | "failed") => void;
}

function phaseOf(view: ChallengeView): Phase {
  if (view.status !== "pending") return view.status;
  return view.sent ? "code" : "choose";
}

/**
 * The step-up check: pick where the code goes, type it. Native controls in one form per step, so
 * the keyboard alone does everything; focus moves to what the next step is about; the status line and
 * the error line are live regions that stay in place, so every change is announced.
 */
export function Challenge({ call, t, lang, onEnd }: ChallengeProps) {
  const [phase, setPhase] = useState<Phase>("loading");
  const [view, setView] = useState<ChallengeView | undefined>();
  const [channel, setChannel] = useState<Channel | undefined>();
  const [code, setCode] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [resendIn, setResendIn] = useState(0);
  const [focus, setFocus] = useState<FocusTarget | undefined>();
  const root = useRef<HTMLDivElement>(null);

  const show = (next: ChallengeView, after?: FocusTarget): void => {
    const nextPhase = phaseOf(next);
    setView(next);
    setResendIn(next.resendInSeconds);
    setChannel((current) => current ?? next.channels[0]?.channel);
    setPhase(nextPhase);
    if (nextPhase === "passed" || nextPhase === "failed") {
      setFocus("outcome");
      onEnd(nextPhase);
    } else if (after) setFocus(nextPhase === "code" ? "code" : "choice");
  };

  const run = async (action: "state" | "send" | "verify", body?: Record<string, string>, after?: FocusTarget): Promise<void> => {
    setBusy(true);
    setError("");
    try {
      show(await call(action, body), after);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, "error");
      if (e.challenge) show(e.challenge, after);
      else if (action === "state") setPhase("error");
      const left = e.challenge?.triesLeft ?? 0;
      const ended = e.challenge && e.challenge.status !== "pending";
      setError(
        ended ? ""
        : e.code === "wrong_code" ? (left === 1 ? t.wrongOne : fill(t.wrong, { n: left }))
        : e.code === "code_expired" ? t.expired
        : e.code === "rate_limited" ? (e.retryAfterSeconds ? fill(t.wait, { s: e.retryAfterSeconds }) : t.noMore)
        : e.code === "invalid_request" && action === "verify" ? t.invalid
        : t.error,
      );
      if (action === "verify") setCode("");
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => void run("state"), []);

  useEffect(() => {
    if (resendIn <= 0) return;
    const timer = setTimeout(() => setResendIn(resendIn - 1), 1000);
    return () => clearTimeout(timer);
  }, [resendIn]);

  useEffect(() => {
    if (!focus || busy) return;
    const selector = focus === "code" ? "#vakt-code" : focus === "choice" ? "input[name=channel]:checked" : ".status";
    root.current?.querySelector<HTMLElement>(selector)?.focus();
    setFocus(undefined);
  }, [focus, phase, busy]);

  const sent = view?.sent;
  const status =
    phase === "loading" ? t.loading
    : phase === "passed" ? t.passed
    : phase === "failed" ? t.failed
    : phase === "code" && sent ? fill(t.sent, { to: sent.to, m: Math.max(1, Math.ceil(sent.expiresInSeconds / 60)) })
    : "";

  const sendTo = (to: Channel | undefined) => (event?: Event) => {
    event?.preventDefault();
    if (to && !busy) void run("send", { channel: to, lang }, "code");
  };
  const verify = (event: Event) => {
    event.preventDefault();
    if (!busy) void run("verify", { code }, "code");
  };

  return (
    <div class="box" ref={root} data-phase={phase} aria-busy={busy || phase === "loading"}>
      <h2 class="title">{t.title}</h2>
      <p class={`status ${phase}`} role="status" tabIndex={-1}>{status}</p>
      {phase === "choose" && (
        <form onSubmit={sendTo(channel)} noValidate>
          <fieldset>
            <legend>{t.intro}</legend>
            {view!.channels.map((option) => (
              <label class="option" key={option.channel}>
                <input type="radio" name="channel" value={option.channel} checked={channel === option.channel} onChange={() => setChannel(option.channel)} />
                <span>{fill(option.channel === "email" ? t.email : t.phone, { to: option.to })}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" class="primary" disabled={busy || !channel}>{busy ? t.sending : t.send}</button>
        </form>
      )}
      {phase === "code" && sent && (
        <form onSubmit={verify} noValidate>
          <label for="vakt-code">{t.codeLabel}</label>
          <input
            id="vakt-code"
            class="code"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            value={code}
            aria-invalid={error ? "true" : "false"}
            aria-describedby="vakt-error"
            onInput={(event) => setCode((event.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" class="primary" disabled={busy}>{busy ? t.checking : t.verify}</button>
          <div class="more">
            <button type="button" class="link" disabled={busy || resendIn > 0 || view!.sendsLeft === 0} onClick={() => sendTo(sent.channel)()}>
              {resendIn > 0 ? fill(t.resendIn, { s: resendIn }) : t.resend}
            </button>
            {view!.channels.length > 1 && view!.sendsLeft > 0 && (
              <button type="button" class="link" disabled={busy} onClick={() => { setPhase("choose"); setFocus("choice"); }}>{t.other}</button>
            )}
          </div>
        </form>
      )}
      {phase === "error" && <button type="button" class="primary" onClick={() => void run("state")}>{t.retry}</button>}
      <p id="vakt-error" class="error" role="alert">{phase === "error" ? t.error : error}</p>
    </div>
  );
}
