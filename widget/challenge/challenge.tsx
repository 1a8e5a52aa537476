import { Component, createRef } from "preact";
import { ApiError, type Call, type ChallengeView, type Channel } from "./api.js";
import { fill, type Strings } from "./strings.js";

type Phase = "loading" | "choose" | "code" | "passed" | "failed" | "error";
type FocusTarget = "choice" | "code" | "outcome";
type Action = "state" | "send" | "verify";

export interface ChallengeProps {
  call: Call;
  t: Strings;
  lang: string;
  onEnd: (status: "passed" | "failed") => void;
}

interface State {
  phase: Phase;
  view?: ChallengeView;
  channel?: Channel;
  code: string;
  error: string;
  busy: boolean;
  resendIn: number;
}

function phaseOf(view: ChallengeView): Phase {
  if (view.status !== "pending") return view.status;
  return view.sent ? "code" : "choose";
}

const FOCUS_SELECTORS: Record<FocusTarget, string> = { code: "#vakt-code", choice: "input[name=channel]:checked", outcome: ".status" };

/**
 * The step-up check: pick where the code goes, type it. Native controls in one form per step, so
 * the keyboard alone does everything; focus moves to what the next step is about; the status line and
 * the error line are live regions that stay in place, so every change is announced. A class component
 * rather than hooks: preact/hooks would be an eighth of the bundle.
 */
export class Challenge extends Component<ChallengeProps, State> {
  override state: State = { phase: "loading", code: "", error: "", busy: false, resendIn: 0 };
  private readonly root = createRef<HTMLDivElement>();
  private focus: FocusTarget | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  override componentDidMount(): void {
    void this.run("state");
    this.timer = setInterval(() => this.state.resendIn > 0 && this.setState({ resendIn: this.state.resendIn - 1 }), 1000);
  }

  override componentWillUnmount(): void {
    clearInterval(this.timer);
  }

  override componentDidUpdate(): void {
    if (!this.focus || this.state.busy) return;
    this.root.current?.querySelector<HTMLElement>(FOCUS_SELECTORS[this.focus])?.focus();
    this.focus = undefined;
  }

  private show(view: ChallengeView, isUserAction: boolean): void {
    const phase = phaseOf(view);
    this.setState({ view, phase, resendIn: view.resendInSeconds, channel: this.state.channel ?? view.channels[0]?.channel });
    if (phase === "passed" || phase === "failed") {
      this.focus = "outcome";
      this.props.onEnd(phase);
    } else if (isUserAction) this.focus = phase === "code" ? "code" : "choice";
  }

  private async run(action: Action, body?: Record<string, string>): Promise<void> {
    const { t, call } = this.props;
    const isUserAction = action !== "state";
    this.setState({ busy: true, error: "" });
    try {
      this.show(await call(action, body), isUserAction);
      this.setState({ busy: false });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, "error");
      if (e.challenge) this.show(e.challenge, isUserAction);
      else if (action === "state") this.setState({ phase: "error" });
      const left = e.challenge?.triesLeft ?? 0;
      const error =
        e.challenge && e.challenge.status !== "pending" ? ""
        : e.code === "wrong_code" ? (left === 1 ? t.wrongOne : fill(t.wrong, { n: left }))
        : e.code === "code_expired" ? t.expired
        : e.code === "rate_limited" ? (e.retryAfterSeconds ? fill(t.wait, { s: e.retryAfterSeconds }) : t.noMore)
        : e.code === "invalid_request" && action === "verify" ? t.invalid
        : t.error;
      this.setState({ busy: false, error, ...(action === "verify" ? { code: "" } : {}) });
    }
  }

  private send(channel: Channel | undefined): void {
    if (channel && !this.state.busy) void this.run("send", { channel, lang: this.props.lang });
  }

  render({ t }: ChallengeProps, { phase, view, channel, code, error, busy, resendIn }: State) {
    const sent = view?.sent;
    const status =
      phase === "loading" ? t.loading
      : phase === "passed" ? t.passed
      : phase === "failed" ? t.failed
      : phase === "code" && sent ? fill(t.sent, { to: sent.to, m: Math.max(1, Math.ceil(sent.expiresInSeconds / 60)) })
      : "";
    return (
      <div class="box" ref={this.root} data-phase={phase} aria-busy={busy || phase === "loading"}>
        <h2 class="title">{t.title}</h2>
        <p class={`status ${phase}`} role="status" tabIndex={-1}>{status}</p>
        {phase === "choose" && (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              this.send(channel);
            }}
          >
            <fieldset>
              <legend>{t.intro}</legend>
              {view!.channels.map((option) => (
                <label class="option" key={option.channel}>
                  <input type="radio" name="channel" checked={channel === option.channel} onChange={() => this.setState({ channel: option.channel })} />
                  <span>{fill(option.channel === "email" ? t.email : t.phone, { to: option.to })}</span>
                </label>
              ))}
            </fieldset>
            <button type="submit" class="primary" disabled={busy || !channel}>{busy ? t.sending : t.send}</button>
          </form>
        )}
        {phase === "code" && sent && (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              if (!busy) void this.run("verify", { code });
            }}
          >
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
              onInput={(event) => this.setState({ code: event.currentTarget.value })}
            />
            <button type="submit" class="primary" disabled={busy}>{busy ? t.checking : t.verify}</button>
            <div class="more">
              <button type="button" class="link" disabled={busy || resendIn > 0 || view!.sendsLeft === 0} onClick={() => this.send(sent.channel)}>
                {resendIn > 0 ? fill(t.resendIn, { s: resendIn }) : t.resend}
              </button>
              {view!.channels.length > 1 && view!.sendsLeft > 0 && (
                <button
                  type="button"
                  class="link"
                  disabled={busy}
                  onClick={() => {
                    this.focus = "choice";
                    this.setState({ phase: "choose", error: "" });
                  }}
                >
                  {t.other}
                </button>
              )}
            </div>
          </form>
        )}
        {phase === "error" && <button type="button" class="primary" onClick={() => void this.run("state")}>{t.retry}</button>}
        <p id="vakt-error" class="error" role="alert">{phase === "error" ? t.error : error}</p>
      </div>
    );
  }
}
